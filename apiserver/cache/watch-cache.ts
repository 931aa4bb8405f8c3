import type { KubeObject } from '../../shared/api/meta.js';
import type { KeyValue } from '../../shared/etcd/range.js';
import type { ReflectorHandler, WatchEvent } from '../../shared/etcd/reflector.js';
import { decodeObject } from '../../shared/storage/codec.js';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent<T> {
  type: EventType;
  key: string;
  revision: number;
  /** Decoded when first read: a kind nobody watches is never decoded. */
  readonly object: T;
  /** For MODIFIED: the object before the change, which decides what a filtered watcher sees. */
  readonly prev?: T;
}

/** A stored value, decoded (and decorated) once, on first use. */
class Stored<T> {
  private decoded: T | undefined;
  private tried = false;

  constructor(
    readonly modRevision: number,
    private readonly make: () => T | undefined,
  ) {}

  get object(): T | undefined {
    if (!this.tried) {
      this.tried = true;
      this.decoded = this.make();
    }
    return this.decoded;
  }
}

function event<T>(type: EventType, key: string, revision: number, object: () => T | undefined, prev?: () => T | undefined): CacheEvent<T> {
  let made: { obj: T | undefined } | undefined;
  return {
    type,
    key,
    revision,
    get object() {
      made ??= { obj: object() };
      return made.obj as T;
    },
    get prev() {
      return prev?.();
    },
  };
}

interface CacheWatcher<T> {
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

interface WatchCacheOptions<T> {
  /** Fills derived fields of every object read (the strategy's decorate). */
  decorate?: (obj: T) => void;
  /** How many recent events a watch can resume from. */
  capacity?: number;
  log?: (line: string) => void;
  /**
   * Asks etcd for a progress notification (arriving through progress()). Revisions are global,
   * so a resourceVersion this apiserver returned can be newer than any change of this kind:
   * only etcd can say nothing of this kind happened up to it.
   */
  requestProgress?: () => void;
}

/** How often progress is requested while someone waits, as upstream's progress requester. */
const PROGRESS_REQUEST_MS = 100;

/**
 * One kind's objects and recent changes, fed by a single etcd watch, serving every HTTP watch of
 * that kind, as kube-apiserver's watch cache (cacher) does: one etcd watch per kind, not one per
 * client. It is also the informer store the controllers read.
 */
export class WatchCache<T extends KubeObject> implements ReflectorHandler {
  private readonly objects = new Map<string, Stored<T>>();
  /** Recent changes, whole revisions only (a revision may hold many objects: group commit). */
  private readonly window: CacheEvent<T>[] = [];
  /** Watches can resume from this revision on; the window holds every change after it. */
  private floor = 0;
  private readonly watchers = new Set<CacheWatcher<T>>();
  private readonly listeners = new Set<() => void>();
  private readonly waiters: { revision: number; resolve: () => void }[] = [];
  private progressTimer: NodeJS.Timeout | undefined;
  private current = 0;
  private readonly capacity: number;

  constructor(private readonly options: WatchCacheOptions<T> = {}) {
    this.capacity = options.capacity ?? 1000;
  }

  /** The newest revision the cache reflects. */
  get revision(): number {
    return this.current;
  }

  /** Objects held, as apiserver_storage_objects counts them. */
  get size(): number {
    return this.objects.size;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  get(key: string): T | undefined {
    return this.objects.get(key)?.object;
  }

  *values(): IterableIterator<T> {
    for (const stored of this.objects.values()) {
      const obj = stored.object;
      if (obj) yield obj;
    }
  }

  /** Current objects whose key starts with the prefix, in key order, as etcd would list them. */
  list(prefix = ''): { items: T[]; revision: number } {
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    const items = keys.map((k) => this.objects.get(k)!.object).filter((o): o is T => o !== undefined);
    return { items, revision: this.current };
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
      this.requestProgressWhileWaiting();
    });
  }

  /** etcd has sent every change of this kind up to `revision`. */
  progress(revision: number): void {
    this.publish([], revision);
  }

  private requestProgressWhileWaiting(): void {
    const request = this.options.requestProgress;
    if (!request || this.progressTimer) return;
    request();
    this.progressTimer = setInterval(() => {
      if (this.waiters.length === 0) {
        clearInterval(this.progressTimer);
        this.progressTimer = undefined;
        return;
      }
      request();
    }, PROGRESS_REQUEST_MS).unref();
  }

  /**
   * Starts a watch and returns how to stop it. Without a revision it first delivers the current
   * objects as ADDED; with one, every change after it from the window of recent events, then
   * live changes. Throws TooOldResourceVersion when the window no longer reaches back so far.
   */
  watch(fromRevision: number | undefined, watcher: CacheWatcher<T>): () => void {
    let backlog: CacheEvent<T>[];
    if (fromRevision === undefined) {
      backlog = this.list().items.map((object) => event<T>('ADDED', '', this.current, () => object));
    } else {
      if (fromRevision < this.floor) throw new TooOldResourceVersion(fromRevision, this.floor);
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
      this.current = 0;
    }
    // What happened between the last change seen and this list is unknown: resuming from
    // before it is impossible. Watchers that are open get the difference, as events.
    this.window.length = 0;
    this.floor = revision;
    const next = new Map<string, Stored<T>>();
    for (const kv of items) next.set(kv.key, this.stored(kv.key, kv.value, kv.modRevision));
    // Only open watches need the difference; at start (100,000 objects, none watched) it is skipped.
    const events: CacheEvent<T>[] = [];
    if (this.watchers.size > 0) {
      for (const [key, now] of next) {
        const old = this.objects.get(key);
        if (!old) events.push(event('ADDED', key, revision, () => now.object));
        else if (old.modRevision !== now.modRevision) events.push(event('MODIFIED', key, revision, () => now.object, () => old.object));
      }
      for (const [key, old] of this.objects) {
        if (!next.has(key)) events.push(deleted(key, revision, old));
      }
    }
    let changed = events.length > 0 || next.size !== this.objects.size;
    if (!changed) {
      for (const [key, now] of next) {
        if (this.objects.get(key)?.modRevision !== now.modRevision) {
          changed = true;
          break;
        }
      }
    }
    this.objects.clear();
    for (const [key, stored] of next) this.objects.set(key, stored);
    this.publish(events, revision, false, changed);
  }

  apply(changes: WatchEvent[], revision: number): void {
    const events: CacheEvent<T>[] = [];
    for (const change of changes) {
      if (change.type === 'put') {
        const { key, value, modRevision } = change.kv;
        const now = this.stored(key, value, modRevision);
        const prev = this.objects.get(key);
        this.objects.set(key, now);
        events.push(prev ? event('MODIFIED', key, modRevision, () => now.object, () => prev.object) : event('ADDED', key, modRevision, () => now.object));
      } else {
        const old = this.objects.get(change.key);
        if (!old) continue;
        this.objects.delete(change.key);
        events.push(deleted(change.key, change.revision, old));
      }
    }
    this.publish(events, revision);
  }

  /** Ends every watch, e.g. when the server stops. */
  closeAll(reason: string): void {
    for (const watcher of [...this.watchers]) this.drop(watcher, reason);
  }

  private publish(events: CacheEvent<T>[], revision: number, remember = true, changed = events.length > 0): void {
    this.current = Math.max(this.current, revision);
    if (events.length) {
      if (remember) this.remember(events);
      for (const watcher of [...this.watchers]) {
        const mine = seenAll(events, (obj) => watcher.filter(obj));
        if (mine.length && !watcher.deliver(mine)) this.drop(watcher, 'watcher stopped');
      }
    }
    if (changed) for (const listener of this.listeners) listener();
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.revision <= this.current) this.waiters.splice(i, 1)[0]!.resolve();
    }
  }

  /** Adds changes to the window, dropping the oldest revisions, each as a whole, when it is full. */
  private remember(events: CacheEvent<T>[]): void {
    this.window.push(...events);
    while (this.window.length > this.capacity) {
      const oldest = this.window[0]!.revision;
      let n = 0;
      while (n < this.window.length && this.window[n]!.revision === oldest) n++;
      this.window.splice(0, n);
      this.floor = oldest;
    }
  }

  private drop(watcher: CacheWatcher<T>, reason: string): void {
    if (!this.watchers.delete(watcher)) return;
    watcher.close(reason);
  }

  private stored(key: string, value: Buffer, modRevision: number): Stored<T> {
    return new Stored(modRevision, () => {
      try {
        const obj = decodeObject<T>(value, modRevision);
        this.options.decorate?.(obj);
        return obj;
      } catch {
        this.options.log?.(`watch cache: skipping ${key}: not a JSON API object`);
        return undefined;
      }
    });
  }
}

/**
 * An event as a filtered watcher sees it, as upstream's cacher converts it: a change that makes
 * an object match the filter is ADDED, one that makes it stop matching is DELETED (the previous
 * state, at the revision of the change), and changes outside the filter are not seen at all.
 */
function seenBy<T extends KubeObject>(e: CacheEvent<T>, filter: (obj: T) => boolean): CacheEvent<T> | undefined {
  const object = e.object;
  const prev = e.prev;
  if (e.type !== 'MODIFIED') return object && filter(object) ? e : undefined;
  const now = object !== undefined && filter(object);
  const before = prev !== undefined && filter(prev);
  if (now) return before ? e : event('ADDED', e.key, e.revision, () => object);
  if (before) return event('DELETED', e.key, e.revision, () => stamped(prev, e.revision));
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

function deleted<T extends KubeObject>(key: string, revision: number, old: Stored<T>): CacheEvent<T> {
  return event('DELETED', key, revision, () => {
    const obj = old.object;
    return obj && stamped(obj, revision);
  });
}
