import type { CoreEvent, EventV1 } from '../../shared/api/events.js';
import { eventFields, eventV1Fields } from '../events/fields.js';
import { eventPrinter, eventV1Printer } from '../events/printer.js';
import { EVENT_INFO, EVENT_V1_INFO, EventStrategy, EventV1Strategy } from '../events/strategy.js';
import { ALL_VERBS, defineKind } from './kind.js';

/** The one events registry, as core/v1 serves it. */
export const events = defineKind<CoreEvent>({
  info: EVENT_INFO,
  schema: 'Event',
  discovery: { singular: 'event', verbs: ALL_VERBS, shortNames: ['ev'], storageVersionHash: 'r2yiGXH7wu8=' },
  fields: eventFields,
  printer: eventPrinter,
  returnDeletedObject: false,
  strategies: ({ eventLeases }) => ({ strategy: new EventStrategy(eventLeases) }),
});

/** The same registry as events.k8s.io/v1 serves it (same keys, converted on the way). */
export const eventsV1 = defineKind<EventV1>({
  info: EVENT_V1_INFO,
  schema: 'events.Event',
  discovery: { singular: 'event', verbs: ALL_VERBS, shortNames: ['ev'], storageVersionHash: 'r2yiGXH7wu8=' },
  fields: eventV1Fields,
  printer: eventV1Printer,
  returnDeletedObject: false,
  strategies: ({ eventLeases }) => ({ strategy: new EventV1Strategy(eventLeases) }),
});
