import type { Namespace } from '../../shared/api/core.js';
import type { KubeObject } from '../../shared/api/meta.js';
import type { WatchCache } from '../cache/watch-cache.js';
import { StatusError } from '../errors/status.js';
import { nowTimestamp } from '../registry/object-meta.js';
import type { Store } from '../registry/store.js';
import { deletionConditions, mergeConditions, type NamespaceCondition, type Remaining } from './conditions.js';
import { FINALIZER_KUBERNETES } from './strategy.js';

/**
 * Upstream's namespaceDeletionGracePeriod: the controller waits this long after it sees a
 * namespace terminating, so that every apiserver's admission refuses new content first.
 */
const NAMESPACE_DELETION_GRACE_MS = 5_000;
/** Upstream's finalizerEstimateSeconds; content held by finalizers is looked at again after estimate/2+1 s. */
const FINALIZER_ESTIMATE_SECONDS = 15;

interface NamespaceDeleterStores {
  /** The /finalize subresource's store: drops the `kubernetes` finalizer. */
  finalize: Store<Namespace>;
  /** The /status subresource's store: the deletion conditions. */
  status: Store<Namespace>;
  /** The namespaced kinds whose objects go with their namespace. */
  content: Store<KubeObject>[];
}

/**
 * The namespace controller's deletion half: once a namespace is terminating (and the grace
 * period has passed), delete what is in it (through the stores, so Services release their IPs),
 * report it in the namespace's conditions as upstream does, and once nothing is left drop the
 * `kubernetes` finalizer so the namespace itself goes. Every replica may run it: each step is
 * idempotent.
 */
export class NamespaceDeleter {
  private running = false;
  private again = false;
  private retry: NodeJS.Timeout | undefined;
  /** When each terminating namespace is due, as upstream's queue.AddAfter keeps it. */
  private readonly due = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private stopped = false;

  constructor(
    private readonly cache: WatchCache<Namespace>,
    private readonly stores: NamespaceDeleterStores,
    private readonly log: (line: string) => void,
    private readonly graceMs = NAMESPACE_DELETION_GRACE_MS,
  ) {}

  start(): void {
    this.cache.onChange(() => this.kick());
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    for (const d of this.due.values()) clearTimeout(d.timer);
    this.due.clear();
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.sweep()
      .catch((err) => {
        this.log(`namespace deletion failed, retrying: ${err instanceof Error ? err.message : String(err)}`);
        clearTimeout(this.retry);
        this.retry = setTimeout(() => this.kick(), 1000);
      })
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Runs the namespace's turn after `ms`, unless it already has an earlier one. */
  private later(name: string, ms: number): void {
    const at = Date.now() + ms;
    const current = this.due.get(name);
    if (current && current.at <= at) return;
    if (current) clearTimeout(current.timer);
    this.due.set(name, { at, timer: setTimeout(() => this.kick(), ms) });
  }

  private async sweep(): Promise<void> {
    const terminating = new Set<string>();
    for (const ns of [...this.cache.values()]) {
      if (!ns.metadata.deletionTimestamp || !ns.spec?.finalizers?.includes(FINALIZER_KUBERNETES)) continue;
      const name = ns.metadata.name!;
      terminating.add(name);
      const due = this.due.get(name);
      if (!due) {
        this.later(name, this.graceMs);
        continue;
      }
      if (due.at > Date.now()) {
        // A timer may fire a little before Date.now() reaches its time: look again then.
        clearTimeout(due.timer);
        due.timer = setTimeout(() => this.kick(), due.at - Date.now() + 1);
        continue;
      }
      this.due.delete(name);
      const remaining = await this.deleteContent(name);
      await this.report(name, remaining);
      if (remaining.resources.size > 0) {
        this.later(name, (Math.floor(FINALIZER_ESTIMATE_SECONDS / 2) + 1) * 1000);
        continue;
      }
      await ignoreNotFound(
        this.stores.finalize.update(undefined, name, (current) => {
          const next = structuredClone(current!);
          next.spec = { ...next.spec, finalizers: (next.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES) };
          return next;
        }),
      );
      this.log(`namespace ${name} emptied and deleted`);
    }
    for (const [name, due] of this.due) {
      if (terminating.has(name)) continue;
      clearTimeout(due.timer);
      this.due.delete(name);
    }
  }

  /** Deletes every object in the namespace, then counts what is still there (held by finalizers). */
  private async deleteContent(namespace: string): Promise<Remaining> {
    const remaining: Remaining = { resources: new Map(), finalizers: new Map() };
    for (const store of this.stores.content) {
      const { items } = await store.list(namespace);
      for (const obj of items) await ignoreNotFound(store.delete(namespace, obj.metadata.name!));
      const left = (await store.list(namespace)).items;
      if (left.length === 0) continue;
      remaining.resources.set(`${store.info.resource}.${store.info.group}`, left.length);
      for (const obj of left) {
        for (const f of obj.metadata.finalizers ?? []) remaining.finalizers.set(f, (remaining.finalizers.get(f) ?? 0) + 1);
      }
    }
    return remaining;
  }

  /** Writes upstream's five deletion conditions to the namespace's status, when they change. */
  private async report(name: string, remaining: Remaining): Promise<void> {
    const wanted = deletionConditions(remaining);
    await ignoreNotFound(
      this.stores.status.update(undefined, name, (current) => {
        const next = structuredClone(current!);
        const merged = mergeConditions((next.status?.conditions ?? []) as NamespaceCondition[], wanted, nowTimestamp());
        if (!merged.changed) return current!;
        next.status = { ...next.status, conditions: merged.conditions };
        return next;
      }),
    );
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  }
}
