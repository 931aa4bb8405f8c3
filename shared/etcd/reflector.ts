import type { Etcd3, IWatchResponse, Watcher } from 'etcd3';
import { listPrefix, toKeyValue, type KeyValue } from './range.js';
import { etcdOrdersProgress, nothingUndelivered } from './watch-progress.js';

export type WatchEvent =
  | { type: 'put'; kv: KeyValue; prev?: KeyValue }
  | { type: 'delete'; key: string; revision: number; prev?: KeyValue };

export interface ReflectorHandler {
  /** The whole state under the prefix at `revision`. Called at start and after a compaction. */
  replace(items: KeyValue[], revision: number): void;
  /** Changes in revision order. Never includes a change at or below the last revision delivered. */
  apply(events: WatchEvent[], revision: number): void;
  /** etcd has sent every change under the prefix up to `revision` (a progress notification). */
  progress?(revision: number): void;
}

interface ReflectorOptions {
  log?: (message: string) => void;
  /** Longest wait between reconnect attempts. */
  maxBackoffMs?: number;
  /** The list hands over keys with empty values (the handler needs only which keys exist). */
  keysOnly?: boolean;
}

/**
 * List-then-watch of one etcd prefix, as client-go's reflector does for an informer.
 *
 * The etcd3 client resumes a broken watch from the newest revision it has *seen in a header*,
 * which can be past events it never delivered. So this class tracks the revision it delivered
 * itself, drops the client's watcher on every disconnect, and watches again from there. A
 * cancelled watch (etcd cancels on compaction) is answered with a fresh list, and so is an etcd
 * whose revision went backwards (restored or wiped).
 */
export class PrefixReflector {
  private watcher: Watcher | undefined;
  private delivered = 0;
  /** Keys under the prefix as delivered, to check progress answers an older etcd sends. */
  private keys = 0;
  private checkingProgress = false;
  private stopped = false;
  private backoffMs = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly client: Etcd3,
    readonly prefix: string,
    private readonly handler: ReflectorHandler,
    private readonly options: ReflectorOptions = {},
  ) {
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  /** What the last list cost: keys, ms reading them from etcd, ms in the handler's replace. */
  lastList = { keys: 0, readMs: 0, replaceMs: 0 };

  /** The newest revision whose changes have all been delivered. */
  get revision(): number {
    return this.delivered;
  }

  /** Resolves once the first list has been delivered. Retries until etcd answers. */
  async start(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.list();
        this.watch();
        return;
      } catch (err) {
        this.options.log?.(`list ${this.prefix} failed: ${describe(err)}; retrying`);
        await sleep(this.nextBackoff());
      }
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.dropWatcher(true);
  }

  private async list(): Promise<void> {
    // Paged at one revision, as client-go's reflector pages its list, so no response is larger
    // than a page; a page compacted away mid-list fails the list, which start() retries.
    const items: KeyValue[] = [];
    const started = performance.now();
    const revision = await listPrefix(
      this.client,
      this.prefix,
      (kvs) => {
        for (const kv of kvs) items.push(kv);
      },
      { keysOnly: this.options.keysOnly },
    );
    if (this.stopped) return;
    const read = performance.now();
    this.delivered = revision;
    this.keys = items.length;
    this.handler.replace(items, revision);
    this.lastList = { keys: items.length, readMs: read - started, replaceMs: performance.now() - read };
  }

  private watch(): void {
    if (this.stopped) return;
    const watcher = this.client
      .watch()
      .prefix(this.prefix)
      .withPreviousKV()
      .startRevision(String(this.delivered + 1))
      .watcher();
    this.watcher = watcher;
    watcher.on('data', (res) => this.onData(watcher, res));
    (watcher as NodeJS.EventEmitter).on('progress', (res: IWatchResponse) => this.onRequestedProgress(watcher, res));
    // An etcd that lost its data restarts its revisions from 1: everything known is void.
    watcher.on('connected', (res: IWatchResponse) => {
      if (Number(res.header.revision) < this.delivered) {
        this.recover(watcher, new Error(`etcd is at revision ${res.header.revision}, behind ${this.delivered}`), { relist: true, cancel: true });
      }
    });
    watcher.on('disconnected', (err: Error) => this.recover(watcher, err, { relist: false, cancel: true }));
    // etcd cancels a watch whose start revision has been compacted away; it may cancel for
    // other reasons too, and a fresh list is the right answer to all of them.
    // After a cancel the client has already forgotten this watcher.
    watcher.on('error', (err: Error) => this.recover(watcher, err, { relist: true, cancel: false }));
  }

  private onData(watcher: Watcher, res: IWatchResponse): void {
    if (watcher !== this.watcher) return;
    this.backoffMs = 0;
    if (res.events.length === 0) {
      // A progress notification: every change up to the header revision has been sent.
      this.delivered = Math.max(this.delivered, Number(res.header.revision));
      this.handler.progress?.(this.delivered);
      return;
    }
    const events: WatchEvent[] = [];
    let revision = this.delivered;
    for (const ev of res.events) {
      const kv = toKeyValue(ev.kv);
      if (kv.modRevision <= this.delivered) continue;
      revision = Math.max(revision, kv.modRevision);
      if (ev.type === 'Delete') this.keys--;
      else if (ev.kv.version === '1') this.keys++;
      const prev = ev.prev_kv ? toKeyValue(ev.prev_kv) : undefined;
      events.push(
        ev.type === 'Delete'
          ? { type: 'delete', key: kv.key, revision: kv.modRevision, prev }
          : { type: 'put', kv, prev },
      );
    }
    if (events.length === 0) return;
    this.delivered = revision;
    this.handler.apply(events, revision);
  }

  /**
   * The answer to a progress request (requestWatchProgress). An etcd older than 3.4.31 or
   * 3.5.13 can send it ahead of events still queued for the stream, so there it is believed only
   * once etcd's state at that revision shows nothing left to deliver. It moves the handler on but
   * not what this reflector has delivered: a change that still arrives is applied, not dropped.
   */
  private onRequestedProgress(watcher: Watcher, res: IWatchResponse): void {
    const progress = this.handler.progress?.bind(this.handler);
    if (watcher !== this.watcher || !progress || this.checkingProgress) return;
    const revision = Number(res.header.revision);
    const delivered = this.delivered;
    const keys = this.keys;
    if (revision <= delivered) return progress(delivered);
    this.checkingProgress = true;
    void etcdOrdersProgress(this.client)
      .then((ordered) => ordered || nothingUndelivered(this.client, this.prefix, delivered, keys, revision))
      .then((complete) => {
        if (complete && watcher === this.watcher && this.delivered === delivered) progress(revision);
      })
      .catch(() => undefined)
      .finally(() => (this.checkingProgress = false));
  }

  /**
   * Drops the watcher (cancelling it in the client, which after a disconnect would otherwise
   * resume it from the wrong revision) and, after a backoff, watches again or re-lists.
   */
  private recover(watcher: Watcher, err: Error, { relist, cancel }: { relist: boolean; cancel: boolean }): void {
    if (watcher !== this.watcher || this.stopped) return;
    this.dropWatcher(cancel);
    const delay = this.nextBackoff();
    this.options.log?.(
      `watch ${this.prefix} ${relist ? 'cancelled' : 'disconnected'} (${describe(err)}); ` +
        `${relist ? 're-listing' : `resuming from revision ${this.delivered + 1}`} in ${delay}ms`,
    );
    this.retryTimer = setTimeout(() => {
      if (relist) void this.start();
      else this.watch();
    }, delay);
  }

  private dropWatcher(cancel: boolean): void {
    const watcher = this.watcher;
    this.watcher = undefined;
    if (!watcher) return;
    watcher.removeAllListeners();
    // An unhandled 'error' on an EventEmitter throws; this watcher must never take the process down.
    watcher.on('error', () => undefined);
    if (cancel) watcher.cancel().catch(() => undefined);
  }

  private nextBackoff(): number {
    this.backoffMs = this.backoffMs === 0 ? 100 : Math.min(this.backoffMs * 2, this.maxBackoffMs);
    return this.backoffMs;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
