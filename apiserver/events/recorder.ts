import { hostname } from 'node:os';
import type { ObjectReference } from '../../shared/api/core.js';
import type { EventV1 } from '../../shared/api/events.js';
import type { Store } from '../registry/store.js';
import { EVENTS_V1_VERSION } from './convert.js';

/** How long a repeated event keeps growing one series (client-go/tools/events' finishTime). */
const SERIES_WINDOW_MS = 6 * 60_000;

/** How often a growing series is written at most (client-go's refreshTime). */
const SERIES_REFRESH_MS = 30 * 60_000;

/** MicroTime as Go writes it: RFC 3339 with six fraction digits, UTC. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** What an emitter says: the shape of events.EventRecorder.Eventf's arguments. */
interface EventNote {
  regarding: ObjectReference;
  type: 'Normal' | 'Warning';
  reason: string;
  action: string;
  note: string;
}

/**
 * An events.k8s.io/v1 recorder as client-go's tools/events builds one for a controller: the
 * event is named `<object>.<unix nanos in hex>` in the object's namespace (default for
 * cluster-scoped ones), reported by the controller on this host. An event repeated within six
 * minutes becomes a series: the second occurrence writes `series.count: 2`, later ones raise the
 * count, written on the next occurrence at most once per refresh interval. Writes go through the
 * events.k8s.io store, so they are validated and carry the --event-ttl lease; a failed write is
 * logged, never thrown, as events are best effort.
 */
export class EventRecorder {
  private readonly seen = new Map<string, { event: EventV1; lastObserved: number; written: number }>();
  private readonly instance: string;
  /** Tells apart events of one object recorded in the same millisecond. */
  private sequence = 0;

  constructor(
    private readonly store: Store<EventV1>,
    private readonly controller: string,
    private readonly log: (line: string) => void,
    private readonly options: { now?: () => number; refreshMs?: number } = {},
  ) {
    this.instance = `${controller}-${hostname()}`;
  }

  /** Records one occurrence; resolves once it is written (or given up). */
  async record(n: EventNote): Promise<void> {
    const now = this.options.now?.() ?? Date.now();
    const key = JSON.stringify([n.action, n.reason, n.regarding, n.type, n.note]);
    const known = this.seen.get(key);
    try {
      if (known && now - known.lastObserved <= SERIES_WINDOW_MS) {
        known.lastObserved = now;
        const count = (known.event.series?.count ?? 1) + 1;
        known.event.series = { count, lastObservedTime: microTime(now) };
        if (count > 2 && now - known.written < (this.options.refreshMs ?? SERIES_REFRESH_MS)) return;
        known.written = now;
        const series = known.event.series;
        const { namespace, name } = known.event.metadata;
        // An event that expired meanwhile is written anew under its name.
        const { obj } = await this.store.update(namespace, name!, (current) => ({ ...(current ?? { ...known.event, metadata: { namespace, name } }), series }));
        known.event = obj;
        return;
      }
      const event = this.newEvent(n, now);
      this.seen.set(key, { event: await this.store.create(event.metadata.namespace, event), lastObserved: now, written: now });
    } catch (err) {
      this.log(`events: could not record ${n.reason} for ${n.regarding.kind}/${n.regarding.name}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.forgetOld(now);
    }
  }

  private newEvent(n: EventNote, now: number): EventV1 {
    const nanos = BigInt(now) * 1_000_000n + BigInt(this.sequence++ % 1_000_000);
    return {
      apiVersion: EVENTS_V1_VERSION,
      kind: 'Event',
      metadata: { name: `${n.regarding.name}.${nanos.toString(16)}`, namespace: n.regarding.namespace || 'default' },
      eventTime: microTime(now),
      reportingController: this.controller,
      reportingInstance: this.instance,
      action: n.action,
      reason: n.reason,
      regarding: n.regarding,
      note: n.note,
      type: n.type,
    };
  }

  private forgetOld(now: number): void {
    for (const [key, entry] of this.seen) if (now - entry.lastObserved > SERIES_WINDOW_MS) this.seen.delete(key);
  }
}
