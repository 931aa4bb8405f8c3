import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StatusError } from '../errors/status.js';
import type { ResourceInfo } from '../registry/strategy.js';
import { parseResourcePath, type RequestInfo } from './request-info.js';
import { sendError } from './respond.js';

export type PathHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

/** Serves the REST verbs of one resource. */
export interface RestHandler {
  readonly info: ResourceInfo;
  handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void>;
}

interface HttpServerOptions {
  /** Resource handlers by `<group>/<version>/<resource>` (group empty for core). */
  resources: Map<string, RestHandler>;
  /** Exact paths outside the resource tree: health checks, /version, discovery. */
  paths: Map<string, PathHandler>;
  /** Called for each request a resource handler takes, before it runs (metrics). */
  observe?: (req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams) => void;
}

export const resourceKey = (group: string, version: string, resource: string) => `${group}/${version}/${resource}`;

const notFound = () =>
  new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    details: {},
    code: 404,
  });

/** The HTTP front: routes a request to its handler and turns every failure into a Status. */
export function createHttpServer(options: HttpServerOptions): Server {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((err) => sendError(res, err));
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const pathHandler = options.paths.get(url.pathname.replace(/\/+$/, '') || '/');
  if (pathHandler) return pathHandler(req, res, url);
  const info = parseResourcePath(url.pathname);
  const handler = info && options.resources.get(resourceKey(info.group, info.version, info.resource));
  if (!info || !handler) throw notFound();
  options.observe?.(req, res, info, url.searchParams);
  await handler.handle(req, res, info, url.searchParams);
}

