import type { CoreEvent, ObjectReference } from '../../shared/api/core.js';
import { nowTimestamp } from '../registry/object-meta.js';
import type { Store } from '../registry/store.js';

/**
 * client-go's EventRecorder, reduced to what the in-process controllers need: one core/v1 Event
 * per occurrence, named `<object>.<nanoseconds in hex>` as client-go names them, written through
 * the Event store (so with the --event-ttl lease). Recording never fails the caller.
 */
export class EventRecorder {
  constructor(
    private readonly store: Store<CoreEvent>,
    private readonly component: string,
    private readonly log: (line: string) => void,
  ) {}

  async record(object: ObjectReference, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const now = nowTimestamp();
    const namespace = object.namespace || 'default';
    const nanos = BigInt(Date.now()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
    const ev: CoreEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${object.name ?? 'unknown'}.${nanos.toString(16)}`, namespace },
      involvedObject: object,
      reason,
      message,
      source: { component: this.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: '',
    };
    try {
      await this.store.create(namespace, ev);
    } catch (err) {
      this.log(`events: could not record ${reason} for ${object.kind}/${object.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
