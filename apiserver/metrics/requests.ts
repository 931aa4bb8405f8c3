import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestInfo } from '../http/request-info.js';
import type { ApiServerMetrics } from './registry.js';

/** The labels upstream's endpoints/metrics put on a request (component is always "apiserver"). */
interface RequestLabels {
  verb: string;
  dry_run: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  component: string;
}

/** upstream's validRequestMethods: anything else is reported as "other". */
const VALID_VERBS = new Set(['APPLY', 'CONNECT', 'CREATE', 'DELETE', 'DELETECOLLECTION', 'GET', 'LIST', 'PATCH', 'POST', 'PROXY', 'PUT', 'UPDATE', 'WATCH', 'WATCHLIST']);

/**
 * upstream's reported verb (CanonicalVerb, then cleanVerb): the HTTP method, with GET split
 * into GET (one object) and LIST, a GET with a `watch` parameter reported as WATCH, and a
 * server-side apply PATCH as APPLY.
 */
export function reportedVerb(method: string, info: RequestInfo, query: URLSearchParams, contentType: string | undefined): string {
  let verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'HEAD') verb = scopeOf(method, info) === 'resource' ? 'GET' : 'LIST';
  // As getVerbIfWatch: only the first value counts, and only "0" and "false" say no.
  const watch = query.getAll('watch')[0]?.toLowerCase();
  if (method.toUpperCase() === 'GET' && watch !== undefined && watch !== '0' && watch !== 'false') verb = 'WATCH';
  if (verb === 'PATCH' && contentType === 'application/apply-patch+yaml') verb = 'APPLY';
  return VALID_VERBS.has(verb) ? verb : 'other';
}

/** upstream's CleanScope: one object (or a create), a namespace, or the whole cluster. */
export function scopeOf(method: string, info: RequestInfo): string {
  if (info.name || method.toUpperCase() === 'POST') return 'resource';
  return info.namespace ? 'namespace' : 'cluster';
}

/** upstream's cleanDryRun: the distinct dryRun values, sorted and comma-joined; "invalid" unless each is All. */
export function dryRunOf(query: URLSearchParams): string {
  const values = query.getAll('dryRun');
  if (values.some((v) => v !== 'All')) return 'invalid';
  return [...new Set(values)].sort().join(',');
}

function requestLabels(req: IncomingMessage, info: RequestInfo, query: URLSearchParams): RequestLabels {
  const method = req.method ?? 'GET';
  return {
    verb: reportedVerb(method, info, query, req.headers['content-type']),
    dry_run: dryRunOf(query),
    group: info.group,
    version: info.version,
    resource: info.resource,
    subresource: info.subresource ?? '',
    scope: scopeOf(method, info),
    component: 'apiserver',
  };
}

/**
 * Counts a resource request once its response ends (or its connection closes), as upstream's
 * instrumented handlers do, and holds a watch in apiserver_longrunning_requests while it runs.
 */
export function instrumentRequest(metrics: ApiServerMetrics, req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): void {
  const labels = requestLabels(req, info, query);
  const end = metrics.requestDuration.startTimer({ ...labels });
  const watching = labels.verb === 'WATCH';
  const longRunningLabels = { verb: labels.verb, group: labels.group, version: labels.version, resource: labels.resource, subresource: labels.subresource, scope: labels.scope, component: labels.component };
  if (watching) metrics.longRunning.inc(longRunningLabels);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    end();
    metrics.requests.inc({ ...labels, code: String(res.statusCode) });
    if (watching) metrics.longRunning.dec(longRunningLabels);
  };
  res.once('finish', finish);
  res.once('close', finish);
}
