import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestInfo } from '../http/request-info.js';
import type { ApiServerMetrics } from './registry.js';

/** The labels upstream's endpoints/metrics put on a request (component is always "apiserver"). */
export interface RequestLabels {
  verb: string;
  dry_run: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  component: string;
}

/**
 * upstream's reported verb: the HTTP method, with GET split into GET (one object) and LIST,
 * LIST with `watch` into WATCH, and a server-side apply PATCH reported as APPLY.
 */
export function reportedVerb(method: string, info: RequestInfo, query: URLSearchParams, contentType: string | undefined): string {
  const verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'HEAD') {
    if (isTrue(query.get('watch'))) return 'WATCH';
    return info.name ? 'GET' : 'LIST';
  }
  if (verb === 'PATCH' && (contentType ?? '').toLowerCase().startsWith('application/apply-patch')) return 'APPLY';
  return verb;
}

/** upstream's CleanScope: one object (or a create), a namespace, or the whole cluster. */
export function scopeOf(method: string, info: RequestInfo): string {
  if (info.name || method.toUpperCase() === 'POST') return 'resource';
  return info.namespace ? 'namespace' : 'cluster';
}

/** upstream's cleanDryRun: the distinct dryRun values, sorted and comma-joined. */
function dryRunOf(query: URLSearchParams): string {
  return [...new Set(query.getAll('dryRun'))].sort().join(',');
}

/** A watch parameter as Go's strconv.ParseBool and apimachinery read it: anything but 0/false/empty is true. */
function isTrue(value: string | null): boolean {
  if (value === null) return false;
  const v = value.toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

export function requestLabels(req: IncomingMessage, info: RequestInfo, query: URLSearchParams): RequestLabels {
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
