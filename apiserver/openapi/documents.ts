import { createHash } from 'node:crypto';
import { KUBERNETES_VERSION } from '../discovery/version.js';
import { loadFieldDocs, type FieldDocs } from './field-docs.js';
import { COMPONENTS, KIND_COMPONENTS, META, type ComponentDef, type Prop, type ServedKind } from './schemas.js';

type Schema = Record<string, unknown>;

/** The OpenAPI v3 group-version documents served, by their path under /openapi/v3/. */
export type GroupVersionPath = 'api/v1' | 'apis/discovery.k8s.io/v1';

interface ServedPath {
  kind: ServedKind;
  /** e.g. `/api/v1/namespaces/{namespace}/services` */
  collection: string;
  /** The all-namespaces list path, for namespaced resources. */
  all?: string;
}

const SERVED: Record<GroupVersionPath, ServedPath[]> = {
  'api/v1': [
    { kind: 'Endpoints', collection: '/api/v1/namespaces/{namespace}/endpoints', all: '/api/v1/endpoints' },
    { kind: 'Namespace', collection: '/api/v1/namespaces' },
    { kind: 'Service', collection: '/api/v1/namespaces/{namespace}/services', all: '/api/v1/services' },
  ],
  'apis/discovery.k8s.io/v1': [
    { kind: 'EndpointSlice', collection: '/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices', all: '/apis/discovery.k8s.io/v1/endpointslices' },
  ],
};

/** One served document: its JSON text and the hash clients cache it by. */
export interface OpenAPIDocument {
  json: string;
  /** Upper-case hex SHA-512 of `json`, as upstream puts in `?hash=` and the ETag. */
  hash: string;
}

export interface OpenAPIDocuments {
  /** GET /openapi/v3 */
  index: string;
  /** GET /openapi/v3/<path> */
  documents: ReadonlyMap<GroupVersionPath, OpenAPIDocument>;
}

let cached: OpenAPIDocuments | undefined;

/** The index and group-version documents, built once per process from the field docs package. */
export function openAPIDocuments(): OpenAPIDocuments {
  cached ??= buildOpenAPIDocuments(loadFieldDocs());
  return cached;
}

export function buildOpenAPIDocuments(docs: FieldDocs): OpenAPIDocuments {
  const documents = new Map<GroupVersionPath, OpenAPIDocument>();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of Object.keys(SERVED) as GroupVersionPath[]) {
    const json = JSON.stringify(groupVersionDocument(gv, docs));
    const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
    documents.set(gv, { json, hash });
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  return { index: JSON.stringify({ paths }), documents };
}

/** The OpenAPI v3 document for one group version: paths with the operations kubectl inspects, and the schemas. */
export function groupVersionDocument(gv: GroupVersionPath, docs: FieldDocs): Schema {
  const paths: Record<string, Schema> = {};
  const roots: string[] = [];
  for (const served of SERVED[gv]) {
    const component = KIND_COMPONENTS[served.kind];
    const def = COMPONENTS[component]!;
    roots.push(component);
    const gvk = def.gvk!;
    const body = { $ref: `#/components/schemas/${component}` };
    const op = (action: string, extra: Schema = {}) => ({
      ...extra,
      responses: { '200': { description: 'OK', content: jsonContent(body) }, '401': { description: 'Unauthorized' } },
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
    });
    const namespaced = served.collection.includes('{namespace}');
    paths[served.collection] = {
      post: op('post', { parameters: writeParams, requestBody: { content: { '*/*': { schema: body } }, required: true } }),
      parameters: namespaced ? [pathParam('namespace')] : [],
    };
    paths[`${served.collection}/{name}`] = {
      get: op('get'),
      put: op('put', { parameters: writeParams, requestBody: { content: { '*/*': { schema: body } }, required: true } }),
      patch: op('patch', { parameters: [...writeParams, queryParam('force', 'boolean')], requestBody: { content: patchContent, required: true } }),
      parameters: namespaced ? [pathParam('name'), pathParam('namespace')] : [pathParam('name')],
    };
    if (served.all) paths[served.all] = { get: op('list') };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.${KUBERNETES_VERSION.patch}` },
    paths,
    components: { schemas: buildSchemas([...roots, `${META}.Patch`], docs) },
  };
}

const jsonContent = (schema: Schema) => ({ 'application/json': { schema }, 'application/yaml': { schema } });
const queryParam = (name: string, type: string) => ({ name, in: 'query', schema: { type, uniqueItems: true } });
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', uniqueItems: true } });
// kubectl looks for fieldValidation here to decide that the server validates fields itself.
const writeParams = [queryParam('dryRun', 'string'), queryParam('fieldManager', 'string'), queryParam('fieldValidation', 'string')];
const patchRef = { schema: { $ref: `#/components/schemas/${META}.Patch` } };
const patchContent = {
  'application/apply-patch+yaml': patchRef,
  'application/json-patch+json': patchRef,
  'application/merge-patch+json': patchRef,
  'application/strategic-merge-patch+json': patchRef,
};

/** The component schemas reachable from the given roots. */
export function buildSchemas(roots: string[], docs: FieldDocs): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const visit = (name: string) => {
    if (out[name]) return;
    const def = COMPONENTS[name];
    if (!def) throw new Error(`no schema for ${name}`);
    out[name] = {};
    out[name] = componentSchema(def, docs, visit);
  };
  roots.forEach(visit);
  return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]!]));
}

function componentSchema(def: ComponentDef, docs: FieldDocs, visit: (name: string) => void): Schema {
  const s: Schema = {};
  const description = docs.type(def.doc)?.description;
  if (description) s.description = description;
  if (def.leaf) {
    const { type, format, oneOf } = def.leaf;
    return { ...s, ...(format ? { format } : {}), ...(oneOf ? { oneOf: oneOf.map((t) => ({ type: t })) } : {}), ...(type ? { type } : {}) };
  }
  const properties: Record<string, Schema> = {};
  for (const [name, prop] of Object.entries(def.props ?? {})) {
    // The package types apiVersion/kind as literals without text; TypeMeta's text is what upstream shows.
    const fieldDoc = name === 'apiVersion' || name === 'kind' ? docs.field('TypeMeta', name) : docs.field(def.doc, name);
    properties[name] = propSchema(prop, fieldDoc?.description, fieldDoc?.enum, visit);
  }
  s.properties = properties;
  if (def.required) s.required = def.required;
  s.type = 'object';
  if (def.gvk) s['x-kubernetes-group-version-kind'] = [def.gvk];
  if (def.atomic) s['x-kubernetes-map-type'] = 'atomic';
  return s;
}

function propSchema(prop: Prop, description: string | undefined, enumValues: string[] | undefined, visit: (name: string) => void): Schema {
  const withDoc = (s: Schema): Schema => (description ? { ...s, description } : s);
  switch (prop.t) {
    case 'string':
      return withDoc({ ...(enumValues ? { enum: enumValues } : {}), type: 'string' });
    case 'boolean':
      return withDoc({ type: 'boolean' });
    case 'int32':
    case 'int64':
      return withDoc({ format: prop.t, type: 'integer' });
    case 'ref':
      visit(prop.ref);
      return withDoc({ allOf: [{ $ref: `#/components/schemas/${prop.ref}` }], ...(prop.struct ? { default: {} } : {}) });
    case 'map':
      return withDoc({ additionalProperties: { default: '', type: 'string' }, type: 'object', ...(prop.atomic ? { 'x-kubernetes-map-type': 'atomic' } : {}) });
    case 'array': {
      const items = itemSchema(prop.items, enumValues, visit);
      const s: Schema = withDoc({ items, type: 'array' });
      if (prop.mapKeys) s['x-kubernetes-list-map-keys'] = prop.mapKeys;
      if (prop.list) s['x-kubernetes-list-type'] = prop.list;
      if (prop.mergeKey) s['x-kubernetes-patch-merge-key'] = prop.mergeKey;
      if (prop.strategy) s['x-kubernetes-patch-strategy'] = prop.strategy;
      return s;
    }
  }
}

function itemSchema(items: Prop, enumValues: string[] | undefined, visit: (name: string) => void): Schema {
  if (items.t === 'ref') {
    visit(items.ref);
    return { allOf: [{ $ref: `#/components/schemas/${items.ref}` }], default: {} };
  }
  if (items.t === 'string') return { default: '', ...(enumValues ? { enum: enumValues } : {}), type: 'string' };
  return propSchema(items, undefined, undefined, visit);
}
