import { randomUUID } from 'node:crypto';
import type { Etcd3 } from 'etcd3';
import type { KubeObject } from '../../shared/api/meta.js';
import { decodeObject, encodeObject } from '../../shared/storage/codec.js';
import { objectKey, resourcePrefix } from '../../shared/storage/keys.js';
import { alreadyExists, badRequest, conflict, expired, internalError, invalidObject, notFound, StatusError, tooLargeResourceVersion } from '../errors/status.js';
import { PAGE_SIZE, PageSizer, prefixEnd, rangePage, type Page } from '../../shared/etcd/range.js';
import { parseJSON } from '../patch/json-value.js';
import { ContinueError, decodeContinue, encodeContinue } from './continue-token.js';
import { parseResourceVersion, type ListParams } from './list-options.js';
import { storageError } from './etcd-errors.js';
import { NO_SIDE_EFFECTS, type Guard, type ResourceInfo, type SideEffects, type Strategy } from './strategy.js';
import { omitEmpty } from './omit-empty.js';
import { WriteTxn } from './txn.js';
import { readKey } from './read-key.js';
import type { TxnRunner } from './txn-batcher.js';
import { generateName, nowTimestamp, validatePathSegment } from './object-meta.js';

/** Runs one etcd call of a store, named as upstream's storage metrics name it (get, list, create, update, delete). */
export type EtcdTimer = <R>(operation: string, call: () => Promise<R>) => Promise<R>;

/** Hands each store the timer of its resource (etcd_request_duration_seconds). */
export interface EtcdTiming {
  timer(info: ResourceInfo): EtcdTimer;
}

const untimed: EtcdTimer = (_operation, call) => call();

/** Gives the store what it needs of namespaces without knowing the Namespace kind. */
export interface NamespaceGate {
  /**
   * Throws the Status a create in this namespace gets when it may not happen (404, 403), or
   * returns the namespace key at the revision that was judged, which the write then requires.
   * `fresh` reads etcd instead of the watch-fed cache.
   */
  admit(namespace: string, resource: ResourceInfo, name: string, fresh: boolean): Promise<Guard>;
}

interface WriteOptions {
  dryRun?: boolean;
}

interface DeleteOptions extends WriteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** A stored object with the etcd facts about it. */
interface Current<T> {
  obj: T;
  modRevision: number;
  raw: Buffer;
}

/** Upstream's text (etcd3/errors.go) for a continue whose revision has been compacted. */
const INCONSISTENT_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the ' +
  'continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing ' +
  'with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the ' +
  'time the first chunk was returned and now may show up in the list.';

interface StoreListOptions<T> extends Partial<ListParams> {
  /** The selectors; absent when there are none, so the answer can count what remains. */
  filter?: (obj: T) => boolean;
}

interface ListResult<T> {
  items: T[];
  revision: number;
  continue?: string;
  remainingItemCount?: number;
}

/** How often a write is tried again after losing a race (a concurrent write, a taken claim). */
const MAX_ATTEMPTS = 16;

/**
 * The generic registry store over etcd: create, read, update, delete for any kind, with the
 * kind's rules coming from its Strategy. It knows nothing about Services: allocations arrive as
 * side effects (keys to claim or release) and are written in the same transaction.
 */
export class Store<T extends KubeObject> {
  constructor(
    private readonly client: Etcd3,
    private readonly root: string,
    readonly strategy: Strategy<T>,
    private readonly namespaces?: NamespaceGate,
    /** Where writes go: straight to etcd, or through the apiserver's TxnBatcher. */
    private readonly txns: TxnRunner = client.kv,
    timing?: EtcdTiming,
  ) {
    this.time = timing?.timer(strategy.info) ?? untimed;
  }

  private readonly time: EtcdTimer;

  get info() {
    return this.strategy.info;
  }

  key(namespace: string | undefined, name: string): string {
    if (this.info.namespaced && !namespace) throw badRequest('Namespace parameter required.');
    if (!name) throw badRequest('Name parameter required.');
    const problems = validatePathSegment(name);
    if (problems.length) throw badRequest(`Name parameter invalid: ${JSON.stringify(name)}: ${problems.join(';')}`);
    if (namespace) {
      const nsProblems = validatePathSegment(namespace);
      if (nsProblems.length) throw badRequest(`Namespace parameter invalid: ${JSON.stringify(namespace)}: ${nsProblems.join(';')}`);
    }
    return objectKey(this.root, this.info.storage, this.info.namespaced ? namespace : undefined, name);
  }

  /** The prefix of one namespace's objects, or of all of them. */
  prefix(namespace?: string): string {
    return resourcePrefix(this.root, this.info.storage, this.info.namespaced ? namespace : undefined);
  }

  async get(namespace: string | undefined, name: string): Promise<T> {
    const current = await this.read(this.key(namespace, name));
    if (!current) throw notFound(this.info, name);
    return this.decorated(current.obj);
  }

  /**
   * A list from etcd as upstream's storage reads one (etcd3 store GetList): at most `limit`
   * objects with a continue token when more follow, every page after the first read at the
   * first one's revision, and no etcd response larger than a page, limit or not. Without
   * `filter` (no selectors) the answer tells how many objects remain.
   */
  async list(namespace?: string, options: StoreListOptions<T> = {}): Promise<ListResult<T>> {
    const keyPrefix = this.prefix(namespace);
    const limit = options.limit ?? 0;
    const paging = limit > 0;
    const filter = options.filter;
    const rv = options.resourceVersion ?? '';
    // The revision every page is read at: 0 until the first page fixes it (upstream's withRev).
    let revision = 0;
    let start = keyPrefix;
    let continueKey: string | undefined;
    if (options.continue) {
      try {
        const token = decodeContinue(options.continue, keyPrefix);
        start = continueKey = token.key;
        if (token.revision > 0) revision = token.revision;
      } catch (err) {
        if (err instanceof ContinueError) throw badRequest(`invalid continue token: ${err.message}`);
        throw err;
      }
      if (rv !== '' && rv !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    } else {
      const requested = parseResourceVersion(rv);
      if (options.resourceVersionMatch === 'Exact' || (!options.resourceVersionMatch && paging && requested > 0)) revision = requested;
    }
    const minimum = continueKey === undefined ? parseResourceVersion(rv) : 0;
    const end = prefixEnd(keyPrefix);
    let wanted = paging ? Math.min(limit, PAGE_SIZE) : PAGE_SIZE;
    const sizer = new PageSizer();
    const items: T[] = [];
    let lastKey = '';
    let hasMore: boolean;
    let remaining: number;
    for (;;) {
      let page: Page;
      try {
        page = await this.time('list', () => rangePage(this.client, { start, end, revision, limit: Math.min(wanted, sizer.next()) }));
      } catch (err) {
        throw await this.listError(err, keyPrefix, continueKey, revision);
      }
      if (minimum > page.revision) throw tooLargeResourceVersion(minimum, page.revision);
      sizer.saw(page.kvs);
      revision = page.revision;
      hasMore = page.more;
      let taken = 0;
      for (const kv of page.kvs) {
        if (paging && items.length >= limit) {
          hasMore = true;
          break;
        }
        lastKey = kv.key;
        taken++;
        const obj = this.tryDecode(kv.value, kv.modRevision);
        if (!obj) continue;
        this.decorated(obj);
        if (!filter || filter(obj)) items.push(obj);
      }
      remaining = page.count - taken;
      if (!hasMore || (paging && items.length >= limit)) break;
      if (page.kvs.length === 0) throw internalError('no results were found, but etcd indicated there were more values remaining');
      // The bucket is not full (a selector dropped objects, or the page was small): bigger pages
      // take fewer round trips, as upstream doubles them.
      if (paging) wanted = Math.min(wanted * 2, PAGE_SIZE);
      start = `${lastKey}\x00`;
    }
    if (!hasMore) return { items, revision };
    return {
      items,
      revision,
      continue: encodeContinue(`${lastKey}\x00`, keyPrefix, revision),
      // Only without selectors: etcd's count includes objects a selector would drop.
      ...(filter ? {} : { remainingItemCount: remaining }),
    };
  }

  /** etcd's answer to a list, as upstream's interpretListError turns it into a Status. */
  private async listError(err: unknown, keyPrefix: string, continueKey: string | undefined, revision: number): Promise<StatusError> {
    const message = err instanceof Error ? err.message : String(err);
    if (/required revision has been compacted/.test(message)) {
      if (continueKey === undefined) return expired('The resourceVersion for the provided list is too old.');
      // rv -1: continue at the newest revision, which the client accepts by using the token.
      const token = encodeContinue(continueKey, keyPrefix, -1);
      const status = expired(INCONSISTENT_CONTINUE);
      status.status.metadata = { continue: token };
      return status;
    }
    if (/required revision is a future revision/.test(message)) {
      // An exact resourceVersion etcd has not reached: upstream's "too large" answer, with the
      // revision etcd is at.
      const res = await this.client.kv.range({ key: Buffer.from(keyPrefix), count_only: true }).catch(() => undefined);
      return tooLargeResourceVersion(revision, Number(res?.header.revision ?? 0));
    }
    return storageError(err);
  }

  /** Creates the object. The store owns `obj` from here on: callers hand over an object they do not use again. */
  async create(namespace: string | undefined, obj: T, options: WriteOptions = {}): Promise<T> {
    const meta = obj.metadata ?? (obj.metadata = {});
    if (this.info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
    } else {
      delete meta.namespace;
    }
    if (meta.resourceVersion) throw internalError('resourceVersion should not be set on objects to be created');
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    return this.createAttempts(obj, options);
  }

  private async createAttempts(input: T, options: WriteOptions): Promise<T> {
    // The strategy changes the object as it goes (allocation, defaults); a retry starts over
    // from the object as it came. It is plain JSON data, so a JSON copy is kept instead of a
    // structuredClone, and the first attempt works on the object itself; a retry parses it with
    // the request decoder's parser (prototype-less objects, as the request's were).
    const pristine = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      const obj = attempt === 1 ? input : (parseJSON(pristine) as unknown as T);
      // NamespaceLifecycle admission; the transaction requires the namespace as it was judged,
      // so a namespace deleted meanwhile sends the create round again, this time read from etcd.
      const nsGuard =
        this.info.namespaced && this.namespaces && obj.metadata.namespace
          ? await this.namespaces.admit(obj.metadata.namespace, this.info, obj.metadata.name ?? '', attempt > 1)
          : undefined;
      let effects: SideEffects;
      try {
        effects = (await this.strategy.beginCreate?.(obj, { dryRun: !!options.dryRun })) ?? NO_SIDE_EFFECTS;
      } catch (err) {
        // Unlike upstream, an existing object wins over an allocation failure: with one
        // transaction nothing was allocated, so "already exists" is the true answer.
        if (err instanceof StatusError && (await this.exists(obj))) throw alreadyExists(this.info, obj.metadata.name!);
        throw err;
      }
      try {
        this.strategy.prepareForCreate(obj);
        const errors = this.strategy.validate(obj);
        if (errors.length) throw invalidObject(this.info.group, this.info.kind, obj.metadata.name ?? '', errors);
        this.strategy.canonicalize?.(obj);
        omitEmpty(this.info, obj);
        // Only a validated name becomes a key.
        const key = this.key(obj.metadata.namespace, obj.metadata.name ?? '');
        if (options.dryRun) {
          if (await this.read(key)) throw alreadyExists(this.info, obj.metadata.name!);
          return this.decorated(obj);
        }
        const txn = new WriteTxn().requireRevision(key, 0);
        if (nsGuard) txn.requireRevision(nsGuard.key, nsGuard.modRevision);
        this.addEffects(txn, effects);
        txn.put(key, this.encode(obj), await this.strategy.lease?.());
        const outcome = await this.time('create', () => txn.commit(this.txns));
        if (outcome.succeeded) {
          effects.settle(true);
          effects.committed?.(key, outcome.revision);
          obj.metadata.resourceVersion = String(outcome.revision);
          return this.decorated(obj);
        }
        effects.settle(false);
        if (outcome.current.has(key)) throw alreadyExists(this.info, obj.metadata.name!);
        if (nsGuard && outcome.current.get(nsGuard.key)?.modRevision !== nsGuard.modRevision) {
          if (attempt >= MAX_ATTEMPTS) throw conflict(this.info, obj.metadata.name!);
          continue;
        }
        this.decideClaims(effects, outcome.current, attempt);
      } catch (err) {
        effects.settle(false);
        throw err;
      }
    }
  }

  /**
   * GuaranteedUpdate: reads the object, computes the new one with `tryUpdate`, and writes it if
   * the object has not changed meanwhile; otherwise reads again and repeats. `tryUpdate` gets
   * undefined when the object does not exist (create on update).
   */
  async update(
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: T | undefined) => T,
    options: WriteOptions = {},
  ): Promise<{ obj: T; created: boolean }> {
    const key = this.key(namespace, name);
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(key);
      if (!current) {
        if (!this.strategy.allowCreateOnUpdate) throw notFound(this.info, name);
        const fresh = tryUpdate(undefined);
        fresh.metadata.name ??= name;
        return { obj: await this.create(namespace, fresh, options), created: true };
      }
      const old = this.decorated(structuredClone(current.obj));
      const obj = tryUpdate(structuredClone(old));
      const rv = obj.metadata?.resourceVersion;
      if (rv && rv !== String(current.modRevision)) throw conflict(this.info, name);
      this.keepSystemFields(obj, old);
      if (obj.metadata.deletionTimestamp && !this.lingers(obj)) {
        // The last finalizer is gone: the deletion that was waiting for it happens now.
        const removed = await this.remove(key, current, options);
        if (removed) return { obj: removed, created: false };
        continue;
      }
      let effects = NO_SIDE_EFFECTS;
      try {
        effects = (await this.strategy.beginUpdate?.(obj, old, { dryRun: !!options.dryRun })) ?? NO_SIDE_EFFECTS;
        this.strategy.prepareForUpdate(obj, old);
        const errors = this.strategy.validateUpdate(obj, old);
        if (errors.length) throw invalidObject(this.info.group, this.info.kind, name, errors);
        this.strategy.canonicalize?.(obj);
        omitEmpty(this.info, obj);
        const value = this.encode(obj);
        if (options.dryRun || value.equals(current.raw)) {
          effects.settle(false);
          obj.metadata.resourceVersion = String(current.modRevision);
          return { obj: this.decorated(obj), created: false };
        }
        const txn = new WriteTxn().requireRevision(key, current.modRevision);
        this.addEffects(txn, effects);
        txn.put(key, value, await this.strategy.lease?.());
        const outcome = await this.time('update', () => txn.commit(this.txns));
        if (outcome.succeeded) {
          effects.settle(true);
          effects.committed?.(key, outcome.revision);
          obj.metadata.resourceVersion = String(outcome.revision);
          return { obj: this.decorated(obj), created: false };
        }
        effects.settle(false);
        if (outcome.current.get(key)?.modRevision === current.modRevision) this.decideClaims(effects, outcome.current, attempt);
        else if (attempt >= MAX_ATTEMPTS) throw conflict(this.info, name);
      } catch (err) {
        effects.settle(false);
        throw err;
      }
    }
  }

  /** Deletes the object, or only marks it while finalizers hold it. Answers with the object. */
  async delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<T> {
    const key = this.key(namespace, name);
    for (let attempt = 1; ; attempt++) {
      const current = await this.read(key);
      if (!current) throw notFound(this.info, name);
      const pre = options.preconditions;
      if (pre?.uid && pre.uid !== current.obj.metadata.uid) {
        throw conflict(this.info, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.obj.metadata.uid ?? ''}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(current.modRevision)) {
        throw conflict(this.info, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.modRevision}`);
      }
      this.strategy.admitDelete?.(current.obj);
      if (!this.lingers(current.obj)) {
        const removed = await this.remove(key, current, options);
        if (removed) return removed;
        if (attempt >= MAX_ATTEMPTS) throw conflict(this.info, name);
        continue;
      }
      const marked = structuredClone(current.obj);
      if (!marked.metadata.deletionTimestamp) {
        marked.metadata.deletionTimestamp = nowTimestamp();
        marked.metadata.deletionGracePeriodSeconds = 0;
      }
      this.strategy.markDeleted?.(marked);
      const value = this.encode(marked);
      if (options.dryRun || value.equals(current.raw)) return this.decorated(current.obj);
      const lease = await this.strategy.lease?.();
      const outcome = await this.time('update', () => new WriteTxn().requireRevision(key, current.modRevision).put(key, value, lease).commit(this.txns));
      if (outcome.succeeded) {
        marked.metadata.resourceVersion = String(outcome.revision);
        return this.decorated(marked);
      }
      if (attempt >= MAX_ATTEMPTS) throw conflict(this.info, name);
    }
  }

  /** Deletes the key and its side-effect keys in one transaction; undefined if it changed meanwhile. */
  private async remove(key: string, current: Current<T>, options: WriteOptions): Promise<T | undefined> {
    const obj = current.obj;
    if (options.dryRun) return this.decorated(obj);
    const effects = (await this.strategy.deleteEffects?.(obj)) ?? NO_SIDE_EFFECTS;
    const txn = new WriteTxn().requireRevision(key, current.modRevision).delete(key);
    this.addEffects(txn, effects);
    const outcome = await this.time('delete', () => txn.commit(this.txns));
    effects.settle(outcome.succeeded);
    if (!outcome.succeeded) return undefined;
    effects.committed?.(key, outcome.revision);
    obj.metadata.resourceVersion = String(outcome.revision);
    return this.decorated(obj);
  }

  private lingers(obj: T): boolean {
    return (obj.metadata.finalizers?.length ?? 0) > 0 || !!this.strategy.mustLinger?.(obj);
  }

  /** What a client may not change on update, as rest.BeforeUpdate keeps it. */
  private keepSystemFields(obj: T, old: T): void {
    const meta = (obj.metadata ??= {});
    if (this.info.namespaced) meta.namespace ??= old.metadata.namespace;
    else delete meta.namespace;
    // An update without a resourceVersion is unconditional: it applies to the stored one.
    meta.resourceVersion ||= old.metadata.resourceVersion;
    meta.uid ||= old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    // Clients that do not know managedFields (a replace of `kubectl get -o yaml`) do not wipe them.
    if (!meta.managedFields?.length && old.metadata.managedFields?.length) meta.managedFields = old.metadata.managedFields;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
  }

  private addEffects(txn: WriteTxn, effects: SideEffects): void {
    for (const guard of effects.guards ?? []) txn.requireRevision(guard.key, guard.modRevision);
    for (const claim of effects.claims) txn.requireRevision(claim.key, 0).put(claim.key, claim.value);
    for (const put of effects.puts ?? []) txn.put(put.key, put.value);
    for (const key of effects.releases) txn.delete(key);
  }

  /**
   * After a failed transaction whose object condition held: either a key the write depended on
   * moved (redo it) or a claimed key was taken (the claim decides).
   */
  private decideClaims(effects: SideEffects, current: Map<string, { modRevision: number; value: Buffer }>, attempt: number): void {
    for (const guard of effects.guards ?? []) {
      const now = current.get(guard.key);
      if ((now?.modRevision ?? 0) !== guard.modRevision) guard.onChanged?.(now);
    }
    for (const claim of effects.claims) {
      if (!current.has(claim.key)) continue;
      const decision = claim.onTaken();
      if (decision !== 'retry') throw decision;
    }
    if (attempt >= MAX_ATTEMPTS) throw internalError(`gave up after ${attempt} conflicting writes`);
  }

  /** Whether an object of this name is stored; false when the name could not even be a key. */
  private async exists(obj: T): Promise<boolean> {
    let key: string;
    try {
      key = this.key(obj.metadata.namespace, obj.metadata.name ?? '');
    } catch {
      return false;
    }
    return (await this.read(key)) !== undefined;
  }

  private async read(key: string): Promise<Current<T> | undefined> {
    const stored = await this.time('get', () => readKey(this.client, key));
    if (!stored) return undefined;
    const obj = this.tryDecode(stored.value, stored.modRevision);
    if (!obj) throw internalError(`object at ${key} cannot be decoded`);
    return { obj, modRevision: stored.modRevision, raw: stored.value };
  }

  private tryDecode(value: Buffer, modRevision: number): T | undefined {
    try {
      return decodeObject<T>(value, modRevision);
    } catch {
      return undefined;
    }
  }

  private encode(obj: T): Buffer {
    return encodeObject(this.strategy.toStorage?.(obj) ?? obj);
  }

  private decorated(obj: T): T {
    this.strategy.decorate?.(obj);
    return obj;
  }
}
