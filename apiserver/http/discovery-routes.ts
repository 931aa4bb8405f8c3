import type { IncomingMessage, ServerResponse } from 'node:http';
import { aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions } from '../discovery/documents.js';
import { negotiateDiscovery } from '../discovery/negotiate.js';
import { versionInfo } from '../discovery/version.js';
import { notAcceptable, StatusError } from '../errors/status.js';
import { openAPIDocuments } from '../openapi/documents.js';
import type { GroupVersionPath } from '../openapi/served.js';
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
    const doc = path ? docs.documents.get(path) : undefined;
    const text = path ? doc!.json : docs.index;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (doc) {
      headers['ETag'] = `"${doc.hash}"`;
      headers['Cache-Control'] = 'public, immutable';
      if (req.headers['if-none-match'] === `"${doc.hash}"`) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
    }
    res.writeHead(200, { ...headers, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };
}

/** Every path outside the resource tree that clients read to learn about the server. */
export function discoveryRoutes(serverAddress: () => string): [string, PathHandler][] {
  return [
    ['/version', (_req, res) => sendJSON(res, 200, versionInfo())],
    ['/api', discoveryRoot('core', serverAddress)],
    ['/apis', discoveryRoot('groups', serverAddress)],
    ['/api/v1', resourceList('v1')],
    ['/apis/discovery.k8s.io/v1', resourceList('discovery.k8s.io/v1')],
    ['/openapi/v3', openAPI()],
    ['/openapi/v3/api/v1', openAPI('api/v1')],
    ['/openapi/v3/apis/discovery.k8s.io/v1', openAPI('apis/discovery.k8s.io/v1')],
  ];
}
