import type { CoreEvent } from '../../shared/api/core.js';
import { EVENT_INFO, EventStrategy } from '../events/strategy.js';
import { eventFields } from '../selectors/field-selector.js';
import { eventPrinter } from '../tables/printers.js';
import { ALL_VERBS, defineKind } from './kind.js';

export const events = defineKind<CoreEvent>({
  info: EVENT_INFO,
  schema: 'Event',
  discovery: { singular: 'event', verbs: ALL_VERBS, shortNames: ['ev'], storageVersionHash: 'r2yiGXH7wu8=' },
  fields: eventFields,
  printer: eventPrinter,
  returnDeletedObject: false,
  strategies: ({ eventTTLSeconds }) => ({ strategy: new EventStrategy(eventTTLSeconds) }),
});
