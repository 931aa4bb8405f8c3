import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../shared/api/meta.js';
import { TooOldResourceVersion, type CacheEvent, type WatchCache } from '../cache/watch-cache.js';
import { badRequest, expired, StatusError, timeout } from '../errors/status.js';

/** Bounds that keep many or long watches from exhausting the server. */
export interface WatchLimits {
  /** Watches open at once, over all kinds. */
  maxWatchers: number;
  /** The longest a watch stays open, whatever timeoutSeconds asks. */
  maxSeconds: number;
  /** A client that does not read: bytes queued before it is cut off. */
  maxBufferedBytes: number;
  /** How often a BOOKMARK is sent to clients that allow them. */
  bookmarkEveryMs: number;
}

const DEFAULT_WATCH_LIMITS: WatchLimits = {
  maxWatchers: 4096,
  maxSeconds: 3600,
  maxBufferedBytes: 4 << 20,
  bookmarkEveryMs: 60_000,
};

interface WatchRequest<T> {
  cache: WatchCache<T & KubeObject>;
  /** Which objects this watch is about (namespace, selectors). */
  filter: (obj: T) => boolean;
  /** The object as the client asked to see it (an object, or a Table row). */
  render: (obj: T, type: string) => unknown;
  contentType: string;
  /** What a bookmark carries: an empty object of the watched kind. */
  bookmark: (revision: number, initialEventsEnd: boolean) => unknown;
  /**
   * The event's line when it is the same for every watcher (plain JSON objects), so a change
   * seen by a thousand watchers is serialized once, as upstream's cachingObject does.
   */
  shared?: (e: CacheEvent<T>) => string;
}

/** The watches of one server, counted against its limits. */
export class WatchBudget {
  open = 0;
  constructor(readonly limits: WatchLimits = DEFAULT_WATCH_LIMITS) {}
}

/**
 * Serves `?watch=true` from the kind's watch cache: newline-delimited `{"type","object"}` events,
 * initial ADDED events when no resourceVersion (or "0") is given, a 410 ERROR event when the
 * requested one has left the window, bookmarks when allowed, and the stream held open until
 * timeoutSeconds (bounded by the limits).
 */
export async function serveWatch<T extends KubeObject>(
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
  w: WatchRequest<T>,
  budget: WatchBudget,
): Promise<void> {
  const limits = budget.limits;
  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents') === 'true';
  let from: number | undefined;
  if (rvParam !== '' && rvParam !== '0' && !sendInitial) {
    from = Number(rvParam);
    if (!Number.isSafeInteger(from) || from < 0) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a valid resource version`);
    if (from > w.cache.revision) {
      try {
        await w.cache.waitFor(from, 3000);
      } catch (err) {
        throw timeout((err as Error).message, 1);
      }
    }
  }
  if (budget.open >= limits.maxWatchers) {
    throw new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Too many requests: too many watches open, please try again later', reason: 'TooManyRequests', details: { retryAfterSeconds: 1 }, code: 429 });
  }
  const requested = Number(query.get('timeoutSeconds') ?? limits.maxSeconds);
  const seconds = Number.isFinite(requested) && requested > 0 ? Math.min(requested, limits.maxSeconds) : limits.maxSeconds;
  const bookmarks = query.get('allowWatchBookmarks') === 'true';

  res.writeHead(200, { 'Content-Type': w.contentType, 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  budget.open++;
  let done = false;
  let stop = () => undefined as void;
  const timers: NodeJS.Timeout[] = [];
  const finish = (drop = false) => {
    if (done) return;
    done = true;
    budget.open--;
    stop();
    for (const t of timers) clearTimeout(t);
    // Ending politely would keep the unread backlog in memory until the client reads it.
    if (drop) res.destroy();
    else res.end();
  };
  // A batch of events (all of one or more etcd revisions) is written whole, and a client that
  // stopped reading is cut off only between batches: objects written together share a
  // revision, and a client resumes from the revision of the last event it saw.
  const write = (...events: ({ type: string; object: unknown } | string)[]): boolean => {
    if (done) return false;
    res.write(events.map((e) => (typeof e === 'string' ? e : `${JSON.stringify(e)}\n`)).join(''));
    if (res.writableLength > limits.maxBufferedBytes) {
      // The client stopped reading; upstream also drops unresponsive watchers.
      finish(true);
      return false;
    }
    return true;
  };
  req.on('close', () => finish());
  res.on('error', () => finish());

  try {
    stop = w.cache.watch(from, {
      filter: w.filter,
      deliver: (events: CacheEvent<T>[]) => write(...events.map((e) => w.shared?.(e) ?? { type: e.type, object: w.render(e.object, e.type) })),
      close: () => finish(),
    });
  } catch (err) {
    if (err instanceof TooOldResourceVersion) {
      write({ type: 'ERROR', object: expired(err.message).status });
      finish();
      return;
    }
    finish();
    throw err;
  }
  if (sendInitial && bookmarks) write({ type: 'BOOKMARK', object: w.bookmark(w.cache.revision, true) });
  timers.push(setTimeout(() => finish(), seconds * 1000));
  if (bookmarks) {
    const tick = () => {
      if (write({ type: 'BOOKMARK', object: w.bookmark(w.cache.revision, false) })) timers.push(setTimeout(tick, limits.bookmarkEveryMs));
    };
    timers.push(setTimeout(tick, Math.min(limits.bookmarkEveryMs, Math.max(0, seconds * 1000 - 2000))));
  }
}
