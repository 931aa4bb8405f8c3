import type { CoreEvent, EventV1 } from '../../shared/api/events.js';
import { ageSince } from '../tables/duration.js';
import type { Printer } from '../tables/printers.js';
import { eventToCore } from './convert.js';

/**
 * printEvent (pkg/printers/internalversion): Last Seen from lastTimestamp, else the first seen
 * time, else eventTime; a series overrides both time and count; a singleton counts 1. The server
 * renders wide, so every column has its cell.
 */
export const eventPrinter: Printer<CoreEvent> = {
  columns: [
    ['Last Seen', 'string', '', 0, ['Event', 'lastTimestamp']],
    ['Type', 'string', '', 0, ['Event', 'type']],
    ['Reason', 'string', '', 0, ['Event', 'reason']],
    ['Object', 'string', '', 0, ['Event', 'involvedObject']],
    ['Subobject', 'string', '', 1, ['ObjectReference', 'fieldPath']],
    ['Source', 'string', '', 1, ['Event', 'source']],
    ['Message', 'string', '', 0, ['Event', 'message']],
    ['First Seen', 'string', '', 1, ['Event', 'firstTimestamp']],
    ['Count', 'string', '', 1, ['Event', 'count']],
    ['Name', 'string', 'name', 1, ['ObjectMeta', 'name']],
  ],
  cells(e, now) {
    const first = e.firstTimestamp ? ageSince(e.firstTimestamp, now) : ageSince(e.eventTime, now);
    let last = e.lastTimestamp ? ageSince(e.lastTimestamp, now) : first;
    let count = e.count ?? 0;
    if (e.series) {
      last = ageSince(e.series.lastObservedTime, now);
      count = e.series.count ?? 0;
    } else if (count === 0) {
      count = 1;
    }
    const involved = e.involvedObject ?? {};
    const kind = (involved.kind ?? '').toLowerCase();
    const target = involved.name ? `${kind}/${involved.name}` : kind;
    return [last, e.type ?? '', e.reason ?? '', target, involved.fieldPath ?? '', eventSource(e), (e.message ?? '').trim(), first, String(count), e.metadata?.name ?? ''];
  },
};

/** events.k8s.io/v1 Events print as their core form, as upstream's one table convertor does. */
export const eventV1Printer: Printer<EventV1> = {
  columns: eventPrinter.columns,
  cells: (e, now) => eventPrinter.cells(eventToCore(e), now),
};

/** formatEventSource: component (or reporting controller), then host (or reporting instance). */
function eventSource(e: CoreEvent): string {
  const component = e.source?.component || e.reportingComponent || '';
  const host = e.source?.host || e.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}
