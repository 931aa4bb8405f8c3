import type { CoreEvent } from '../../shared/api/core.js';
import { invalid, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import type { ResourceInfo, Strategy } from '../registry/strategy.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.js';

export const EVENT_INFO: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  resource: 'events',
  storage: 'events',
  namespaced: true,
};

/** The part of ValidateEventCreate that applies to the events written here (legacy, no eventTime). */
function validateEvent(ev: CoreEvent): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const ns = ev.involvedObject?.namespace ?? '';
  if (ns && ns !== (ev.metadata.namespace ?? '')) errs.push(invalid('involvedObject.namespace', goQuote(ns), 'does not match event.namespace'));
  if (ev.type && ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(invalid('type', '""', `has invalid value: ${ev.type}`));
  return errs;
}

/** core/v1 Event as registry/core/event: no status, expiring after --event-ttl through a lease. */
export class EventStrategy implements Strategy<CoreEvent> {
  readonly info = EVENT_INFO;
  readonly allowCreateOnUpdate = true;

  constructor(readonly ttlSeconds: number) {}

  prepareForCreate(): void {}

  validate(ev: CoreEvent) {
    return validateEvent(ev);
  }

  prepareForUpdate(): void {}

  validateUpdate(ev: CoreEvent, old: CoreEvent) {
    return [...validateEvent(ev), ...validateObjectMetaUpdate(ev.metadata, old.metadata)];
  }
}
