import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, Status } from '../../shared/api/meta.js';
import type { CacheEvent, WatchCache } from '../cache/watch-cache.js';
import { badRequest, methodNotSupported, notFound, StatusError, tooLargeResourceVersion } from '../errors/status.js';
import { managerFromUserAgent, recordUpdate } from '../patch/apply.js';
import type { JsonObject } from '../patch/json-value.js';
import { nowTimestamp } from '../registry/object-meta.js';
import { listFromCache, listParams, parseResourceVersion } from '../registry/list-options.js';
import type { Store } from '../registry/store.js';
import { readBody } from './body.js';
import { decodeBody, fieldValidation } from './decode.js';
import { deleteOptionsOf } from './delete-options.js';
import { dryRunOf, type OptionsKind } from './dry-run.js';
import { warningHeader } from './warning.js';
import { parsePatch, patchedObject, patchType } from './patch.js';
import { rendering, type Rendering } from './render.js';
import type { RequestInfo } from './request-info.js';
import { sendJSON, toStatus } from './respond.js';
import { selection } from './selection.js';
import { serveWatch, type WatchBudget } from './watch.js';
import type { RestHandler } from './server.js';
import type { Kind } from '../kinds/kind.js';
import type { ResourceInfo } from '../registry/strategy.js';

/** How one resource is served over REST: its kind, store and cache. */
interface ServedOptions<T extends KubeObject> {
  kind: Kind<T>;
  store: Store<T>;
  cache: WatchCache<T>;
  /** The status subresource's store (PUT/PATCH change only status), if the kind has one. */
  statusStore?: Store<T>;
  /** The teaching log's voice for this kind's writes (Services), if it has one. */
  narrator?: WriteNarrator;
}

/** One write request on its way through the handler. */
interface WriteCall<T extends KubeObject> {
  send: (code: number, body: unknown, contentType?: string) => void;
  warnings: string[];
  namespace: string | undefined;
  /** From the URL, or for a create from the body once it is decoded. */
  name: string | undefined;
  store: Store<T>;
  dryRun: boolean;
  /** Step 1 of the teaching log, for kinds that narrate. */
  told?: (verb: string) => void;
}

/** Tells the teaching log that a write arrived (step 1) or was refused. */
export interface WriteNarrator {
  request(verb: string, namespace: string | undefined, name: string | undefined, userAgent: string | undefined): void;
  refused(namespace: string | undefined, name: string | undefined, status: Status): void;
}

/** The REST verbs of one resource: writes and consistent reads go to its store, watches to its cache. */
export class ResourceHandler<T extends KubeObject> implements RestHandler {
  constructor(
    private readonly served: ServedOptions<T>,
    private readonly watches: WatchBudget,
  ) {}

  get store(): Store<T> {
    return this.served.store;
  }

  get info(): ResourceInfo {
    return this.served.store.info;
  }

  async handle(req: IncomingMessage, res: ServerResponse, info: RequestInfo, query: URLSearchParams): Promise<void> {
    const resource = this.store.info;
    if (!resource.namespaced && info.namespace) throw notFound({ group: '', resource: 'namespaces' }, info.namespace);
    const namespace = resource.namespaced ? info.namespace : undefined;
    const headers: Record<string, string> = {};
    const warnings = this.served.kind.warning ? [this.served.kind.warning] : [];
    const send = (code: number, body: unknown, contentType = 'application/json') => {
      if (warnings.length) headers['Warning'] = warningHeader(warnings);
      sendJSON(res, code, body, { ...headers, 'Content-Type': contentType });
    };
    const store = this.storeFor(info);
    const method = req.method ?? 'GET';
    // DELETE reads its options from the body when there is one, so it validates dryRun itself.
    const optionsKind = WRITE_OPTIONS[method];
    const dryRun = optionsKind ? dryRunOf(query.getAll('dryRun'), optionsKind) : false;

    if (method === 'GET') {
      const view = rendering(this.served.kind, req.headers.accept, query);
      if (isWatch(query)) return this.watch(req, res, query, namespace, info.name, view);
      if (info.name) return send(200, view.one(await store.get(namespace, info.name)), view.contentType);
      if (info.subresource) throw methodNotSupported(resource, 'list');
      return send(200, await this.list(query, namespace, view), view.contentType);
    }
    const call: WriteCall<T> = { send, warnings, namespace, name: info.name, store, dryRun };
    const narrator = info.subresource || dryRun ? undefined : this.served.narrator;
    if (narrator) call.told = (verb) => narrator.request(verb, namespace, call.name, req.headers['user-agent']);
    try {
      return await this.write(method, req, info, query, call);
    } catch (err) {
      narrator?.refused(namespace, call.name, toStatus(err));
      throw err;
    }
  }

  /** POST, PUT, PATCH and DELETE. */
  private async write(method: string, req: IncomingMessage, info: RequestInfo, query: URLSearchParams, w: WriteCall<T>): Promise<void> {
    const resource = this.store.info;
    const { send, warnings, namespace, store, dryRun } = w;
    if (method === 'POST') {
      if (info.name || (resource.namespaced && !namespace)) throw methodNotSupported(resource, 'create');
      const obj = this.decode(await readBody(req), req, query, warnings);
      w.name = obj.metadata.name;
      w.told?.('create');
      this.own(info, undefined, obj, manager(req, query));
      return send(201, await store.create(namespace, obj, { dryRun }));
    }
    if (!info.name) {
      if (method === 'DELETE' && this.deletesCollections(info, namespace)) return this.deleteCollection(req, query, w);
      throw methodNotSupported(resource, method === 'DELETE' ? 'deletecollection' : method.toLowerCase());
    }
    const name = info.name;
    w.told?.(method === 'PUT' ? 'update' : method === 'PATCH' ? 'patch' : method === 'DELETE' ? 'delete' : method);
    if (method === 'PUT') {
      const obj = this.decode(await readBody(req), req, query, warnings);
      if (obj.metadata.name && obj.metadata.name !== name) {
        throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
      }
      if (namespace && obj.metadata.namespace && obj.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      obj.metadata.name = name;
      const result = await store.update(
        namespace,
        name,
        (current) => {
          const next = structuredClone(obj);
          this.own(info, current, next, manager(req, query));
          return next;
        },
        { dryRun },
      );
      return send(result.created ? 201 : 200, result.obj);
    }
    if (method === 'PATCH') {
      const type = patchType(req.headers['content-type']);
      const validation = fieldValidation(query);
      const patch = parsePatch(type, await readBody(req), query, validation);
      // The update may run several times on conflicts; the warnings of the last run count.
      let patchWarnings: string[] = [];
      const result = await store.update(
        namespace,
        name,
        (current) => {
          // Only server-side apply creates; other patches of a missing object are upstream's 404.
          if (!current && type !== 'apply') throw notFound(resource, name);
          const { obj: patched, warnings: found } = patchedObject<T>(type, patch, current, this.served.kind, validation, query.get('fieldManager') ?? '', query.get('force') === 'true');
          patchWarnings = found;
          if (!current) patched.metadata.name ??= name;
          store.strategy.defaults?.(patched);
          if (type !== 'apply') this.own(info, current, patched, manager(req, query));
          return patched;
        },
        { dryRun },
      );
      warnings.push(...patchWarnings);
      return send(result.created ? 201 : 200, result.obj);
    }
    if (method === 'DELETE') {
      if (info.subresource) throw methodNotSupported(resource, 'delete');
      const options = deleteOptionsOf(await readBody(req), query);
      const deleted = await store.delete(namespace, name, { dryRun: options.dryRun, preconditions: options.preconditions });
      if (this.served.kind.returnDeletedObject) return send(200, deleted);
      const success: Status = {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.resource, uid: deleted.metadata.uid },
        code: 200,
      };
      return send(200, success);
    }
    throw methodNotSupported(resource, method);
  }

  /**
   * Whether DELETE on this collection URL is deletecollection: only kinds whose discovery lists
   * the verb (Namespaces do not), and, as upstream registers it, only on a namespace's collection.
   */
  private deletesCollections(info: RequestInfo, namespace: string | undefined): boolean {
    const resource = this.store.info;
    if (info.subresource || (resource.namespaced && !namespace)) return false;
    return this.served.kind.discovery.verbs.includes('deletecollection');
  }

  /**
   * The generic registry's DeleteCollection: list what the selectors match, delete each one
   * with the request's DeleteOptions (one gone meanwhile is no error), answer with the list of
   * what was deleted. Not atomic, as upstream's is not.
   */
  private async deleteCollection(req: IncomingMessage, query: URLSearchParams, w: WriteCall<T>): Promise<void> {
    const view = rendering(this.served.kind, req.headers.accept, query);
    const filter = selection<T>(this.served.kind.fields, w.namespace, query);
    const options = deleteOptionsOf(await readBody(req), query);
    const list = await w.store.list(w.namespace);
    const deleted: T[] = [];
    for (const obj of list.items.filter(filter)) {
      try {
        deleted.push(await w.store.delete(w.namespace, obj.metadata.name!, { dryRun: options.dryRun, preconditions: options.preconditions }));
      } catch (err) {
        if (!(err instanceof StatusError && err.code === 404)) throw err;
      }
    }
    return w.send(200, view.list(deleted, { revision: list.revision }), view.contentType);
  }

  /** Records the writer's Update entry in managedFields (status writes: the status fields, with subresource "status"). */
  private own(info: RequestInfo, current: T | undefined, next: T, fieldManager: string): void {
    const resource = this.store.info;
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    recordUpdate(this.served.kind.schema, current as unknown as JsonObject | undefined, next as unknown as JsonObject, fieldManager, apiVersion, nowTimestamp(), info.subresource);
  }

  /** A list from the watch cache or from etcd, as upstream's cacher chooses (listFromCache). */
  private async list(query: URLSearchParams, namespace: string | undefined, view: Rendering): Promise<unknown> {
    const params = listParams(query);
    // The URL's namespace is the key prefix; only selectors filter (and hide remainingItemCount).
    const selectors = !!query.get('labelSelector') || !!query.get('fieldSelector');
    const filter = selectors ? selection<T>(this.served.kind.fields, undefined, query) : undefined;
    if (!listFromCache(params)) {
      const list = await this.store.list(namespace, { ...params, filter });
      return view.list(list.items, list);
    }
    const cache = this.served.cache;
    const minimum = parseResourceVersion(params.resourceVersion);
    if (minimum > cache.revision) {
      // The cache waits a while to catch up, as upstream's waitUntilFreshAndBlock.
      await cache.waitFor(minimum, 3000).catch(() => {
        throw tooLargeResourceVersion(minimum, cache.revision, 1);
      });
    }
    const list = cache.list(this.store.prefix(namespace));
    return view.list(filter ? list.items.filter(filter) : list.items, { revision: list.revision });
  }

  private storeFor(info: RequestInfo): Store<T> {
    if (!info.subresource) return this.store;
    if (info.subresource === 'status' && this.served.statusStore) return this.served.statusStore;
    throw notFound({ group: '', resource: 'subresources' }, info.subresource);
  }

  private watch(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, namespace: string | undefined, name: string | undefined, view: ReturnType<typeof rendering>): Promise<void> {
    const info = this.store.info;
    const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
    const named = selection<T>(this.served.kind.fields, namespace, query);
    let first = true;
    return serveWatch(
      req,
      res,
      query,
      {
        cache: this.served.cache,
        filter: name ? (obj) => obj.metadata.name === name && named(obj) : named,
        render: (obj) => {
          const out = view.event(obj, first);
          first = false;
          return out;
        },
        contentType: view.contentType,
        shared: view.shared ? (e) => sharedLine(e) : undefined,
        bookmark: (revision, initialEventsEnd) => ({
          kind: info.kind,
          apiVersion,
          metadata: { resourceVersion: String(revision), ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) },
        }),
      },
      this.watches,
    );
  }

  private decode(body: Buffer, req: IncomingMessage, query: URLSearchParams, warnings: string[]): T {
    const decoded = decodeBody<T>(body, req.headers['content-type'], this.served.kind, fieldValidation(query));
    warnings.push(...decoded.warnings);
    this.store.strategy.defaults?.(decoded.obj);
    return decoded.obj;
  }
}

/** The options kind each write verb validates its query with. */
const WRITE_OPTIONS: Readonly<Record<string, OptionsKind>> = Object.assign(Object.create(null) as Record<string, OptionsKind>, {
  POST: 'CreateOptions',
  PUT: 'UpdateOptions',
  PATCH: 'PatchOptions',
});

/** The write's field manager: `?fieldManager=`, else from the user agent, as upstream. */
function manager(req: IncomingMessage, query: URLSearchParams): string {
  return query.get('fieldManager') || managerFromUserAgent(req.headers['user-agent']);
}

function isWatch(query: URLSearchParams): boolean {
  const w = query.get('watch');
  return w === 'true' || w === '1';
}

/** One serialization of a cache event per process, reused by every plain-JSON watcher. */
const lines = new WeakMap<object, string>();
function sharedLine(e: CacheEvent<KubeObject>): string {
  let line = lines.get(e);
  if (line === undefined) {
    line = `${JSON.stringify({ type: e.type, object: e.object })}\n`;
    lines.set(e, line);
  }
  return line;
}
