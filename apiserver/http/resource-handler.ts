import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, List } from '../../shared/api/meta.js';
import { badRequest, methodNotSupported } from '../errors/status.js';
import type { WatchCache } from '../cache/watch-cache.js';
import type { Store } from '../registry/store.js';
import { readBody } from './body.js';
import { decodeBody } from './decode.js';
import type { RequestInfo } from './request-info.js';
import { sendJSON } from './respond.js';
import { serveWatch, type WatchBudget } from './watch.js';

/** The REST verbs of one resource: writes and consistent reads go to its store, watches to its cache. */
export class ResourceHandler<T extends KubeObject> {
  constructor(
    readonly store: Store<T>,
    readonly cache: WatchCache<T>,
    private readonly watches: WatchBudget,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void> {
    const resource = this.store.info;
    if (info.subresource) throw methodNotSupported(resource, `${req.method} on ${info.subresource}`);
    const namespace = resource.namespaced ? info.namespace : undefined;
    if (!resource.namespaced && info.namespace) throw badRequest(`${resource.resource} is not namespaced`);
    const dryRun = query.getAll('dryRun').includes('All');
    switch (req.method) {
      case 'GET': {
        if (isWatch(query)) return this.watch(req, res, query, namespace, info.name);
        if (info.name) return sendJSON(res, 200, await this.store.get(namespace, info.name));
        // resourceVersion "0" means any state will do: the cache answers, as upstream's does.
        const list = query.get('resourceVersion') === '0' ? this.cache.list(this.store.prefix(namespace)) : await this.store.list(namespace);
        return sendJSON(res, 200, this.toList(list));
      }
      case 'POST': {
        if (info.name) throw methodNotSupported(resource, 'create');
        if (resource.namespaced && !namespace) throw methodNotSupported(resource, 'create');
        const obj = this.decode(await readBody(req), req);
        return sendJSON(res, 201, await this.store.create(namespace, obj, { dryRun }));
      }
      case 'PUT': {
        if (!info.name) throw methodNotSupported(resource, 'update');
        const obj = this.decode(await readBody(req), req);
        if (obj.metadata.name && obj.metadata.name !== info.name) {
          throw badRequest('the name of the object (' + obj.metadata.name + ') does not match the name on the URL (' + info.name + ')');
        }
        obj.metadata.name = info.name;
        const result = await this.store.update(namespace, info.name, () => structuredClone(obj), { dryRun });
        return sendJSON(res, result.created ? 201 : 200, result.obj);
      }
      case 'DELETE': {
        if (!info.name) throw methodNotSupported(resource, 'deletecollection');
        const options = await this.deleteOptions(req);
        const deleted = await this.store.delete(namespace, info.name, { dryRun: dryRun || options.dryRun, preconditions: options.preconditions });
        return sendJSON(res, 200, deleted);
      }
      default:
        throw methodNotSupported(resource, String(req.method));
    }
  }

  private watch(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, namespace: string | undefined, name: string | undefined): Promise<void> {
    const info = this.store.info;
    const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
    const fieldName = name ?? /(?:^|,)metadata\.name=([^,]*)/.exec(query.get('fieldSelector') ?? '')?.[1];
    return serveWatch(
      req,
      res,
      query,
      {
        cache: this.cache,
        filter: (obj) => (!namespace || obj.metadata.namespace === namespace) && (!fieldName || obj.metadata.name === fieldName),
        render: (obj) => obj,
        bookmark: (revision, initialEventsEnd) => ({
          kind: info.kind,
          apiVersion,
          metadata: { resourceVersion: String(revision), ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) },
        }),
      },
      this.watches,
    );
  }

  private decode(body: Buffer, req: IncomingMessage): T {
    const obj = decodeBody<T>(body, req.headers['content-type'], this.store.info);
    this.store.strategy.defaults?.(obj);
    return obj;
  }

  /** metav1.DeleteOptions from the body, if any; only preconditions and dryRun matter here. */
  private async deleteOptions(req: IncomingMessage): Promise<{ dryRun: boolean; preconditions?: { uid?: string; resourceVersion?: string } }> {
    const body = await readBody(req);
    if (body.length === 0) return { dryRun: false };
    let parsed: { dryRun?: string[]; preconditions?: { uid?: string; resourceVersion?: string } };
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('the body of the request was in an unknown format');
    }
    return { dryRun: !!parsed?.dryRun?.includes('All'), preconditions: parsed?.preconditions ?? undefined };
  }

  toList(result: { items: T[]; revision: number }): List<T> {
    const info = this.store.info;
    // Items of a typed list carry no apiVersion and kind, as kube-apiserver sends them.
    const items = result.items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest as T);
    return {
      kind: info.listKind,
      apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
      metadata: { resourceVersion: String(result.revision) },
      items,
    };
  }
}

function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === 'true' || w === '1';
}
