import { acceptsPlainJSON, parseAccept } from '../discovery/negotiate.js';

export type ObjectAnswer =
  | { as: 'Table'; version: 'v1' | 'v1beta1'; contentType: string }
  | { as: 'Object'; contentType: 'application/json' };

/**
 * Whether a GET (or watch) should answer a Table, as kubectl get asks with
 * `application/json;as=Table;v=v1;g=meta.k8s.io`, or plain JSON objects; undefined when the
 * client accepts neither (406). Protobuf is not served, so clients offering it fall to JSON.
 */
export function negotiateObject(accept: string | undefined): ObjectAnswer | undefined {
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return { as: 'Object', contentType: 'application/json' };
  for (const r of ranges) {
    const p = r.params;
    if (r.type === 'application' && r.subtype === 'json' && p.as === 'Table' && p.g === 'meta.k8s.io' && (p.v === 'v1' || p.v === 'v1beta1')) {
      return { as: 'Table', version: p.v, contentType: `application/json;as=Table;v=${p.v};g=meta.k8s.io` };
    }
    if (acceptsPlainJSON(r)) return { as: 'Object', contentType: 'application/json' };
  }
  return undefined;
}
