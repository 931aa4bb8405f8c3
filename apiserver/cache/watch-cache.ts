import type { KubeObject } from '../../shared/api/meta.js';
import type { KeyValue, ReflectorHandler, WatchEvent } from '../../shared/etcd/reflector.js';
import { decodeObject } from '../../shared/storage/codec.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent<T> {
  type: EventType;
  key: string;
  object: T;
  revision: number;
  /** For MODIFIED: the object before the change, which decides what a filtered watcher sees. */
  prev?: T;
}

export interface CacheWatcher<T> {
  /** Which objects the watcher is about; see seenBy for how changes across it are shown. */
  filter(obj: T): boolean;
  /** Receives each batch of events as the watcher sees them; returning false ends the watch. */
  deliver(events: CacheEvent<T>[]): boolean;
  /** Called once when the cache ends the watch. */
  close(reason: string): void;
}

export class TooOldResourceVersion extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export interface WatchCacheOptions<T> {
  /** Fills derived fields of every object read (the strategy's decorate). */
  decorate?: (obj: T) => void;
  /** How many recent events a watch can resume from. */
  capacity?: number;
  log?: (line: string) => void;
}

/**
 * One kind's objects and recent changes, fed by a single etcd watch, serving every HTTP watch of
 * that kind, as kube-apiserver's watch cache (cacher) does: one etcd watch per kind, not one per
 * client. It is also the informer store the controllers read.
 */
export class WatchCache<T extends KubeObject> implements ReflectorHandler {
  private readonly objects = new Map<string, T>();
  private readonly window: CacheEvent<T>[] = [];
  private readonly watchers = new Set<CacheWatcher<T>>();
  private readonly listeners = new Set<() => void>();
  private readonly waiters: { revision: number; resolve: () => void }[] = [];
  private current = 0;
  private readonly capacity: number;

  constructor(private readonly options: WatchCacheOptions<T> = {}) {
    this.capacity = options.capacity ?? 1000;
  }

  /** The newest revision the cache reflects. */
  get revision(): number {
    return this.current;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  values(): IterableIterator<T> {
    return this.objects.values();
  }

  /** Current objects whose key starts with the prefix, in key order, as etcd would list them. */
  list(prefix = ''): { items: T[]; revision: number } {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    return { items: keys.map((k) => this.objects.get(k)!), revision: this.current };
  }

  /** Called after every change, for controllers that reconcile on any change. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once the cache has caught up with `revision`, or rejects after `timeoutMs`. */
  waitFor(revision: number, timeoutMs: number): Promise<void> {
    if (this.current >= revision) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`Too large resource version: ${revision}, current: ${this.current}`));
      }, timeoutMs);
      const waiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Starts a watch and returns how to stop it. Without a revision it first delivers the current
   * objects as ADDED; with one, every change after it from the window of recent events, then
   * live changes. Throws TooOldResourceVersion when the window no longer reaches back so far.
   */
  watch(fromRevision: number | undefined, watcher: CacheWatcher<T>): () => void {
    let backlog: CacheEvent<T>[];
    if (fromRevision === undefined) {
      backlog = this.list().items.map((object) => ({ type: 'ADDED' as const, key: '', object, revision: this.current }));
    } else {
      const oldest = this.window[0]?.revision ?? this.current + 1;
      if (fromRevision < oldest - 1 && fromRevision < this.current) throw new TooOldResourceVersion(fromRevision, oldest - 1);
      backlog = this.window.filter((e) => e.revision > fromRevision);
    }
    this.watchers.add(watcher);
    const first = seenAll(backlog, (obj) => watcher.filter(obj));
    if (first.length && !watcher.deliver(first)) this.drop(watcher, 'watcher stopped');
    return () => {
      this.watchers.delete(watcher);
    };
  }

  replace(items: KeyValue[], revision: number): void {
    if (revision < this.current) {
      // etcd went back in time (restored or wiped): no watch can resume across that.
      this.closeAll('etcd revision went backwards');
      this.window.length = 0;
      this.current = 0;
    }
    // A fresh list (start, or after a compaction): tell watchers what changed, as events.
    const next = new Map<string, T>();
    for (const kv of items) {
      const obj = this.decode(kv.key, kv.value, kv.modRevision);
      if (obj) next.set(kv.key, obj);
    }
    const events: CacheEvent<T>[] = [];
    for (const [key, object] of next) {
      const old = this.objects.get(key);
      if (!old) events.push({ type: 'ADDED', key, object, revision });
      else if (old.metadata.resourceVersion !== object.metadata.resourceVersion) events.push({ type: 'MODIFIED', key, object, revision, prev: old });
    }
    for (const [key, old] of this.objects) {
      if (!next.has(key)) events.push({ type: 'DELETED', key, object: stamped(old, revision), revision });
    }
    this.objects.clear();
    for (const [key, obj] of next) this.objects.set(key, obj);
    this.publish(events, revision);
  }

  apply(changes: WatchEvent[], revision: number): void {
    const events: CacheEvent<T>[] = [];
    for (const change of changes) {
      if (change.type === 'put') {
        const object = this.decode(change.kv.key, change.kv.value, change.kv.modRevision);
        if (!object) continue;
        const prev = this.objects.get(change.kv.key);
        this.objects.set(change.kv.key, object);
        events.push(prev ? { type: 'MODIFIED', key: change.kv.key, object, revision: change.kv.modRevision, prev } : { type: 'ADDED', key: change.kv.key, object, revision: change.kv.modRevision });
      } else {
        const old = this.objects.get(change.key);
        if (!old) continue;
        this.objects.delete(change.key);
        events.push({ type: 'DELETED', key: change.key, object: stamped(old, change.revision), revision: change.revision });
      }
    }
    this.publish(events, revision);
  }

  /** Ends every watch, e.g. when the server stops. */
  closeAll(reason: string): void {
    for (const watcher of [...this.watchers]) this.drop(watcher, reason);
  }

  private publish(events: CacheEvent<T>[], revision: number): void {
    this.current = Math.max(this.current, revision);
    if (events.length) {
      this.window.push(...events);
      if (this.window.length > this.capacity) this.window.splice(0, this.window.length - this.capacity);
      for (const watcher of [...this.watchers]) {
        const mine = seenAll(events, (obj) => watcher.filter(obj));
        if (mine.length && !watcher.deliver(mine)) this.drop(watcher, 'watcher stopped');
      }
      for (const listener of this.listeners) listener();
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.revision <= this.current) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  private drop(watcher: CacheWatcher<T>, reason: string): void {
    if (!this.watchers.delete(watcher)) return;
    watcher.close(reason);
  }

  private decode(key: string, value: Buffer, modRevision: number): T | undefined {
    try {
      const obj = decodeObject<T>(value, modRevision);
      this.options.decorate?.(obj);
      return obj;
    } catch {
      this.options.log?.(`watch cache: skipping ${key}: not a JSON API object`);
      return undefined;
    }
  }
}

/**
 * An event as a filtered watcher sees it, as upstream's cacher converts it: a change that makes
 * an object match the filter is ADDED, one that makes it stop matching is DELETED (the previous
 * state, at the revision of the change), and changes outside the filter are not seen at all.
 */
export function seenBy<T extends KubeObject>(event: CacheEvent<T>, filter: (obj: T) => boolean): CacheEvent<T> | undefined {
  if (event.type !== 'MODIFIED') return filter(event.object) ? event : undefined;
  const now = filter(event.object);
  const before = event.prev !== undefined && filter(event.prev);
  if (now) return before ? event : { ...event, type: 'ADDED' };
  if (before) return { type: 'DELETED', key: event.key, object: stamped(event.prev!, event.revision), revision: event.revision };
  return undefined;
}

function seenAll<T extends KubeObject>(events: CacheEvent<T>[], filter: (obj: T) => boolean): CacheEvent<T>[] {
  const out: CacheEvent<T>[] = [];
  for (const e of events) {
    const seen = seenBy(e, filter);
    if (seen) out.push(seen);
  }
  return out;
}

/** A deleted object carries the revision of its deletion, as upstream's DELETED events do. */
function stamped<T extends KubeObject>(obj: T, revision: number): T {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } };
}
