import { createHash } from 'node:crypto';
import { buildSchemas, refTo, type Schema } from './components.js';
import { loadFieldDocs, type FieldDocs } from './field-docs.js';
import { COMPONENTS, META } from './schemas.js';
import { GROUP_VERSION_PATHS, INFO, PATCH_MEDIA_TYPES, renderPaths, type GroupVersionPath, type QueryParam, type ServedOperation } from './served.js';

/** One served document: its JSON text and the hash clients cache it by. */
interface OpenAPIDocument {
  json: string;
  /** Upper-case hex SHA-512 of `json`, as upstream puts in `?hash=` and the ETag. */
  hash: string;
}

interface OpenAPIDocuments {
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
  for (const gv of GROUP_VERSION_PATHS) {
    const json = JSON.stringify(groupVersionDocument(gv, docs));
    const hash = createHash('sha512').update(json).digest('hex').toUpperCase();
    documents.set(gv, { json, hash });
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  return { index: JSON.stringify({ paths }), documents };
}

/** The OpenAPI v3 document for one group version: paths with the operations kubectl inspects, and the schemas. */
function groupVersionDocument(gv: GroupVersionPath, docs: FieldDocs): Schema {
  const { paths, roots } = renderPaths<Schema>([gv], { operation, pathParam });
  return {
    openapi: '3.0.0',
    info: INFO,
    paths,
    components: { schemas: buildSchemas([...roots, `${META}.Patch`], docs, 'v3') },
  };
}

function operation(op: ServedOperation, component: string): Schema {
  const body = { $ref: refTo('v3', component) };
  const s: Schema = {};
  if (op.query.length) s.parameters = op.query.map(queryParam);
  if (op.body === 'object') s.requestBody = { content: { '*/*': { schema: body } }, required: true };
  if (op.body === 'patch') s.requestBody = { content: patchContent, required: true };
  s.responses = { '200': { description: 'OK', content: jsonContent(body) }, '401': { description: 'Unauthorized' } };
  s['x-kubernetes-action'] = op.action;
  s['x-kubernetes-group-version-kind'] = COMPONENTS[component]!.gvk;
  return s;
}

const jsonContent = (schema: Schema) => ({ 'application/json': { schema }, 'application/yaml': { schema } });
const queryParam = ({ name, type }: QueryParam) => ({ name, in: 'query', schema: { type, uniqueItems: true } });
const pathParam = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', uniqueItems: true } });
const patchRef = { schema: { $ref: refTo('v3', `${META}.Patch`) } };
const patchContent = Object.fromEntries(PATCH_MEDIA_TYPES.map((type) => [type, patchRef]));
