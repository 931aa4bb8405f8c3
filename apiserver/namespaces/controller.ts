import type { Namespace } from '../../shared/api/core.js';
import type { KubeObject } from '../../shared/api/meta.js';
import type { WatchCache } from '../cache/watch-cache.js';
import { StatusError } from '../errors/status.js';
import type { Store } from '../registry/store.js';
import { FINALIZER_KUBERNETES } from './strategy.js';

/**
 * The namespace controller's deletion half: once a namespace is terminating, delete what is in
 * it (through the stores, so Services release their IPs), then drop the `kubernetes` finalizer so
 * the namespace itself goes. Every replica may run it: each step is idempotent.
 */
export class NamespaceDeleter {
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly cache: WatchCache<Namespace>,
    private readonly finalize: Store<Namespace>,
    private readonly content: Store<KubeObject>[],
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.cache.onChange(() => this.kick());
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
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
        this.timer = setTimeout(() => this.kick(), 1000);
      })
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async sweep(): Promise<void> {
    for (const ns of [...this.cache.values()]) {
      if (!ns.metadata.deletionTimestamp || !ns.spec?.finalizers?.includes(FINALIZER_KUBERNETES)) continue;
      const name = ns.metadata.name!;
      for (const store of this.content) {
        const { items } = await store.list(name);
        for (const obj of items) await ignoreNotFound(store.delete(name, obj.metadata.name!));
      }
      await ignoreNotFound(
        this.finalize.update(undefined, name, (current) => {
          const next = structuredClone(current!);
          next.spec = { ...next.spec, finalizers: (next.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES) };
          return next;
        }),
      );
      this.log(`namespace ${name} emptied and deleted`);
    }
  }
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 404)) throw err;
  }
}
