import { createHash } from 'node:crypto';
import { buildSchemas, refTo, type Schema } from './components.js';
import { loadFieldDocs, type FieldDocs } from './field-docs.js';
import { encodeSwagger } from './gnostic.js';
import { COMPONENTS, META } from './schemas.js';
import { GROUP_VERSION_PATHS, INFO, PATCH_MEDIA_TYPES, renderPaths, type QueryParam, type ServedOperation } from './served.js';

/**
 * The OpenAPI v2 (Swagger 2.0) document at /openapi/v2: every served kind in one document.
 * kubectl 1.27 and 1.28 need it, in protobuf, before they validate (`create -f`, `apply -f`)
 * or explain anything; their client-side apply also takes the strategic-merge keys from it.
 */
interface SwaggerDocument {
  json: string;
  /** The same document as gnostic's openapi_v2.Document. */
  proto: Uint8Array;
  /** Upper-case hex SHA-512 of `json`: upstream's ETag for both forms. */
  etag: string;
}

let cached: SwaggerDocument | undefined;

/** The document in both forms, built once per process from the field docs package. */
export function swaggerDocument(): SwaggerDocument {
  cached ??= serveSwagger(buildSwagger(loadFieldDocs()));
  return cached;
}

function serveSwagger(doc: Schema): SwaggerDocument {
  const json = JSON.stringify(doc);
  return { json, proto: encodeSwagger(doc), etag: createHash('sha512').update(json).digest('hex').toUpperCase() };
}

export function buildSwagger(docs: FieldDocs): Schema {
  const { paths, roots } = renderPaths<Schema>(GROUP_VERSION_PATHS, { operation, pathParam });
  return { swagger: '2.0', info: INFO, paths, definitions: buildSchemas([...roots, `${META}.Patch`], docs, 'v2') };
}

function operation(op: ServedOperation, component: string): Schema {
  const object = { $ref: refTo('v2', component) };
  const parameters: Schema[] = [];
  if (op.body) parameters.push({ in: 'body', name: 'body', required: true, schema: op.body === 'patch' ? { $ref: refTo('v2', `${META}.Patch`) } : object });
  parameters.push(...op.query.map(queryParam));
  return {
    // Client-side apply sends a strategic merge patch only when the PATCH operation consumes one.
    consumes: op.body === 'patch' ? PATCH_MEDIA_TYPES : ['*/*'],
    parameters,
    produces: ['application/json', 'application/yaml'],
    responses: { '200': { description: 'OK', schema: object }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': COMPONENTS[component]!.gvk,
  };
}

const queryParam = ({ name, type }: QueryParam) => ({ in: 'query', name, type, uniqueItems: true });
const pathParam = (name: string) => ({ in: 'path', name, required: true, type: 'string', uniqueItems: true });
