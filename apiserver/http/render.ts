import type { KubeObject, List, ListMeta } from '../../shared/api/meta.js';
import { badRequest, notAcceptable } from '../errors/status.js';
import { loadFieldDocs } from '../openapi/field-docs.js';
import { negotiateObject, type ObjectAnswer } from '../tables/negotiate.js';
import { renderTable, TableOptionsError } from '../tables/table.js';
import type { Kind } from '../kinds/kind.js';
import type { ResourceInfo } from '../registry/strategy.js';

/** Where a list answer stands: its revision and, for a page, how to go on. */
interface ListPosition {
  revision: number;
  continue?: string;
  remainingItemCount?: number;
}

/** How a GET, list or watch answers: plain objects, or Tables for `kubectl get`. */
export interface Rendering {
  contentType: string;
  one(obj: KubeObject): unknown;
  list(items: KubeObject[], meta: ListPosition): unknown;
  /** A watch event's object: watches after the first event send rows without headers. */
  event(obj: KubeObject, first: boolean): unknown;
  /** Every watcher sees the object as it is, so an event's serialization can be shared. */
  shared?: boolean;
}

export function rendering(kind: Pick<Kind, 'info' | 'printer'>, accept: string | undefined, query: URLSearchParams): Rendering {
  const answer = negotiateObject(accept);
  if (!answer) throw notAcceptable('only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io');
  return answer.as === 'Table' ? tables(kind.printer, answer, query) : objects(kind.info);
}

function objects(info: ResourceInfo): Rendering {
  const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
  return {
    contentType: 'application/json',
    one: (obj) => obj,
    // Items of a typed list carry no apiVersion and kind, as kube-apiserver sends them.
    list: (items, meta): List<KubeObject> => ({
      kind: info.listKind,
      apiVersion,
      metadata: listMeta(meta),
      items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest as KubeObject),
    }),
    event: (obj) => obj,
    shared: true,
  };
}

function tables(printer: Kind['printer'], answer: Extract<ObjectAnswer, { as: 'Table' }>, query: URLSearchParams): Rendering {
  const docs = loadFieldDocs().describe;
  const base = { version: answer.version, includeObject: query.get('includeObject') ?? undefined, docs };
  const render = (objects: KubeObject[] | KubeObject, extra: object) => {
    try {
      return renderTable(printer, objects, Date.now(), { ...base, ...extra });
    } catch (err) {
      if (err instanceof TableOptionsError) throw badRequest(err.message);
      throw err;
    }
  };
  // An unusable includeObject is a 400 before anything is read, not after.
  render([], {});
  return {
    contentType: answer.contentType,
    one: (obj) => render(obj, {}),
    list: (items, meta) => render(items, { listMeta: listMeta(meta) }),
    event: (obj, first) => render(obj, { noHeaders: !first }),
  };
}

/** ListMeta in Go's field order: resourceVersion, continue, remainingItemCount. */
function listMeta(p: ListPosition): ListMeta {
  const meta: ListMeta = { resourceVersion: String(p.revision) };
  if (p.continue) meta.continue = p.continue;
  if (p.remainingItemCount !== undefined) meta.remainingItemCount = p.remainingItemCount;
  return meta;
}
