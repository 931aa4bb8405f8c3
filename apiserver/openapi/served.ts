import { KUBERNETES_VERSION } from '../discovery/version.js';
import { kindsInDiscoveryOrder } from '../kinds/registry.js';
import { KIND_COMPONENTS, type ServedKind } from './schemas.js';

/**
 * The REST paths each OpenAPI document describes and, on each, the operations kubectl looks at:
 * the PATCH operation with its GVK and `fieldValidation` (server-side validation), its consumed
 * patch types (client-side apply), and the object bodies. The v2 and v3 documents render these
 * in their own syntax.
 */

/** The `info` of every document. */
export const INFO = { title: 'Kubernetes', version: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}` };

/** The OpenAPI v3 group-version documents served, by their path under /openapi/v3/. */
export type GroupVersionPath = string;

export interface QueryParam {
  name: string;
  type: 'string' | 'boolean';
}

export interface ServedOperation {
  method: 'get' | 'post' | 'put' | 'patch';
  /** Upstream's x-kubernetes-action. */
  action: 'get' | 'list' | 'post' | 'put' | 'patch';
  query: QueryParam[];
  /** The request body: the object itself, or a patch of it. */
  body?: 'object' | 'patch';
}

interface ServedPath {
  path: string;
  kind: ServedKind;
  /** The path's own parameters (the all-namespaces list path has none listed). */
  pathParams?: string[];
  operations: ServedOperation[];
}

interface ServedResource {
  kind: ServedKind;
  /** e.g. `/api/v1/namespaces/{namespace}/services` */
  collection: string;
  /** The all-namespaces list path, for namespaced resources. */
  all?: string;
}

/** The served kinds' paths by group version document, e.g. `api/v1` or `apis/discovery.k8s.io/v1`. */
const RESOURCES = new Map<GroupVersionPath, ServedResource[]>();
for (const { info, schema } of kindsInDiscoveryOrder()) {
  const gv = info.group ? `apis/${info.group}/${info.version}` : `api/${info.version}`;
  const resources = RESOURCES.get(gv) ?? [];
  const collection = info.namespaced ? `/${gv}/namespaces/{namespace}/${info.resource}` : `/${gv}/${info.resource}`;
  resources.push({ kind: schema, collection, ...(info.namespaced ? { all: `/${gv}/${info.resource}` } : {}) });
  RESOURCES.set(gv, resources);
}

export const GROUP_VERSION_PATHS = [...RESOURCES.keys()];

// kubectl looks for fieldValidation to decide that the server validates fields itself.
const WRITE_PARAMS: QueryParam[] = [
  { name: 'dryRun', type: 'string' },
  { name: 'fieldManager', type: 'string' },
  { name: 'fieldValidation', type: 'string' },
];

/** The paths of one group version, in document order. */
function servedPaths(gv: GroupVersionPath): ServedPath[] {
  const paths: ServedPath[] = [];
  for (const { kind, collection, all } of RESOURCES.get(gv) ?? []) {
    const namespaced = collection.includes('{namespace}');
    paths.push({
      path: collection,
      kind,
      pathParams: namespaced ? ['namespace'] : [],
      operations: [{ method: 'post', action: 'post', query: WRITE_PARAMS, body: 'object' }],
    });
    paths.push({
      path: `${collection}/{name}`,
      kind,
      pathParams: namespaced ? ['name', 'namespace'] : ['name'],
      operations: [
        { method: 'get', action: 'get', query: [] },
        { method: 'put', action: 'put', query: WRITE_PARAMS, body: 'object' },
        { method: 'patch', action: 'patch', query: [...WRITE_PARAMS, { name: 'force', type: 'boolean' }], body: 'patch' },
      ],
    });
    if (all) paths.push({ path: all, kind, operations: [{ method: 'get', action: 'list', query: [] }] });
  }
  return paths;
}

/** How one syntax (v2 or v3) writes an operation and a path parameter. */
interface PathSyntax<S> {
  operation(op: ServedOperation, component: string): S;
  pathParam(name: string): S;
}

/** The `paths` of a document over some group versions, and the schemas their operations use. */
export function renderPaths<S>(gvs: readonly GroupVersionPath[], syntax: PathSyntax<S>): { paths: Record<string, Record<string, S | S[]>>; roots: string[] } {
  const paths: Record<string, Record<string, S | S[]>> = {};
  const roots = new Set<string>();
  for (const gv of gvs) {
    for (const served of servedPaths(gv)) {
      const component = KIND_COMPONENTS[served.kind];
      roots.add(component);
      const item: Record<string, S | S[]> = {};
      for (const op of served.operations) item[op.method] = syntax.operation(op, component);
      if (served.pathParams) item.parameters = served.pathParams.map((p) => syntax.pathParam(p));
      paths[served.path] = item;
    }
  }
  return { paths, roots: [...roots] };
}

/** The media types a PATCH accepts, which client-side apply reads to choose a strategic merge patch. */
export const PATCH_MEDIA_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
