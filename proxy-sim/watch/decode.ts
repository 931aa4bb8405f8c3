import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { KeyValue } from '../../shared/etcd/range.js';
import { decodeObject } from '../../shared/storage/codec.js';
import { parseKey, type StoredResource } from '../../shared/storage/keys.js';
import { endpointSliceShapeError, serviceShapeError } from '../model/shape.js';

export type Decoded<T> = { ok: true; name: string; obj: T } | { ok: false; error: string };

/**
 * Reads one stored object of `resource`. The key decides namespace and name; anything that
 * is not a namespaced key, not JSON, or not of the expected shape is refused with a reason,
 * so that foreign data under the prefix costs a warning and never a crash.
 */
function decode<T extends Service | EndpointSlice>(
  root: string,
  resource: StoredResource,
  kv: KeyValue,
  shapeError: (obj: unknown) => string | undefined,
): Decoded<T> {
  const where = parseKey(root, resource, kv.key);
  if (!where?.namespace) return { ok: false, error: 'not a namespace/name key' };
  let obj: T;
  try {
    obj = decodeObject<T>(kv.value, kv.modRevision);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const error = shapeError(obj);
  if (error) return { ok: false, error };
  obj.metadata = { ...obj.metadata, namespace: where.namespace, name: where.name };
  return { ok: true, name: `${where.namespace}/${where.name}`, obj };
}

export function decodeService(root: string, kv: KeyValue): Decoded<Service> {
  return decode<Service>(root, 'services', kv, serviceShapeError);
}

export function decodeEndpointSlice(root: string, kv: KeyValue): Decoded<EndpointSlice> {
  return decode<EndpointSlice>(root, 'endpointslices', kv, endpointSliceShapeError);
}
