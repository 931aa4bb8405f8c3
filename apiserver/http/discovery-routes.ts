import type { IncomingMessage, ServerResponse } from 'node:http';
import { aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions } from '../discovery/documents.js';
import { negotiateDiscovery, negotiateOpenAPIv2 } from '../discovery/negotiate.js';
import { versionInfo } from '../discovery/version.js';
import { notAcceptable, StatusError } from '../errors/status.js';
import { openAPIDocuments } from '../openapi/documents.js';
import { GROUP_VERSION_PATHS, type GroupVersionPath } from '../openapi/served.js';
import { swaggerDocument } from '../openapi/swagger.js';
import { sendJSON } from './respond.js';
import type { PathHandler } from './server.js';

const NOT_FOUND = new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });

/** /api and /apis, legacy or aggregated as the Accept header asks; the Content-Type says which. */
function discoveryRoot(scope: 'core' | 'groups', serverAddress: () => string): PathHandler {
  return (req, res) => {
    const answer = negotiateDiscovery(req.headers.accept);
    if (!answer) throw notAcceptable('only the following media types are accepted: application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const body = answer.form === 'aggregated' ? aggregatedDiscovery(scope, answer.version) : scope === 'core' ? apiVersions(serverAddress()) : apiGroupList();
    sendJSON(res, 200, body, { 'Content-Type': answer.contentType });
  };
}

function resourceList(groupVersion: string): PathHandler {
  return (_req, res) => {
    const body = apiResourceList(groupVersion);
    if (!body) throw NOT_FOUND;
    sendJSON(res, 200, body);
  };
}

/** OpenAPI v3: the index and one document per group version, with upstream's hash as ETag. */
function openAPI(path?: GroupVersionPath): PathHandler {
  return (req: IncomingMessage, res: ServerResponse) => {
    const docs = openAPIDocuments();
    if (!path) return sendDocument(req, res, docs.index, { 'Content-Type': 'application/json' });
    const doc = docs.documents.get(path)!;
    sendDocument(req, res, doc.json, { 'Content-Type': 'application/json', 'Cache-Control': 'public, immutable' }, doc.hash);
  };
}

/**
 * OpenAPI v2, as upstream's handler serves it: gnostic protobuf for kubectl 1.27 and 1.28, JSON
 * for anyone else, one ETag for both, 406 with no body when neither is acceptable.
 */
function openAPIv2(): PathHandler {
  return (req, res) => {
    const answer = negotiateOpenAPIv2(req.headers.accept);
    if (!answer) {
      res.writeHead(406, { Vary: 'Accept', 'Content-Length': 0 });
      res.end();
      return;
    }
    const doc = swaggerDocument();
    sendDocument(req, res, answer.form === 'protobuf' ? doc.proto : doc.json, { 'Content-Type': answer.contentType, Vary: 'Accept' }, doc.etag);
  };
}

/** A prebuilt document, or 304 when the client already holds this ETag. */
function sendDocument(req: IncomingMessage, res: ServerResponse, body: string | Uint8Array, headers: Record<string, string>, etag?: string): void {
  if (etag) {
    const quoted = `"${etag}"`;
    headers = { ...headers, ETag: quoted };
    const held = req.headers['if-none-match']?.split(',').map((t) => t.trim().replace(/^W\//, ''));
    if (held?.includes(quoted) || held?.includes('*')) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
  }
  res.writeHead(200, { ...headers, 'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length });
  res.end(body);
}

/** Every path outside the resource tree that clients read to learn about the server. */
export function discoveryRoutes(serverAddress: () => string): [string, PathHandler][] {
  return [
    ['/version', (_req, res) => sendJSON(res, 200, versionInfo())],
    ['/api', discoveryRoot('core', serverAddress)],
    ['/apis', discoveryRoot('groups', serverAddress)],
    ...GROUP_VERSION_PATHS.map((gv): [string, PathHandler] => [`/${gv}`, resourceList(gv.replace(/^apis?\//, ''))]),
    // The self reviews have no OpenAPI document here, only their discovery list.
    ['/apis/authorization.k8s.io/v1', resourceList('authorization.k8s.io/v1')],
    ['/openapi/v2', openAPIv2()],
    ['/openapi/v3', openAPI()],
    ...GROUP_VERSION_PATHS.map((gv): [string, PathHandler] => [`/openapi/v3/${gv}`, openAPI(gv)]),
  ];
}
