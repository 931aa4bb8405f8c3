import type { CoreEvent, EventV1 } from '../../shared/api/events.js';
import type { ResourceInfo, Strategy } from '../registry/strategy.js';
import { convertInPlaceFromCore, eventToCore } from './convert.js';
import type { LeaseManager } from './leases.js';
import { validateEventCreate, validateEventUpdate } from './validation.js';

export const EVENT_INFO: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'Event',
  listKind: 'EventList',
  resource: 'events',
  storage: 'events',
  namespaced: true,
};

export const EVENT_V1_INFO: ResourceInfo = { ...EVENT_INFO, group: 'events.k8s.io', kind: 'Event', listKind: 'EventList' };

/**
 * registry/core/event's strategy for core/v1 requests: no defaults, nothing reset, created on
 * update, and the lenient legacy validation. Every write carries the --event-ttl lease.
 */
export class EventStrategy implements Strategy<CoreEvent> {
  readonly info = EVENT_INFO;
  readonly allowCreateOnUpdate = true;

  constructor(private readonly leases: LeaseManager) {}

  prepareForCreate(): void {}
  prepareForUpdate(): void {}
  validate(e: CoreEvent) {
    return validateEventCreate(e, 'v1');
  }
  validateUpdate(e: CoreEvent, old: CoreEvent) {
    return validateEventUpdate(e, old, 'v1');
  }
  lease(): Promise<string> {
    return this.leases.lease();
  }
}

/**
 * The same registry seen through events.k8s.io/v1: objects are converted to the stored core form
 * for validation and storage, and back on every read, as upstream's conversion does.
 */
export class EventV1Strategy implements Strategy<EventV1> {
  readonly info = EVENT_V1_INFO;
  readonly allowCreateOnUpdate = true;

  constructor(private readonly leases: LeaseManager) {}

  prepareForCreate(): void {}
  prepareForUpdate(): void {}
  validate(e: EventV1) {
    return validateEventCreate(eventToCore(e), 'events.k8s.io/v1');
  }
  validateUpdate(e: EventV1, old: EventV1) {
    return validateEventUpdate(eventToCore(e), eventToCore(old), 'events.k8s.io/v1');
  }
  toStorage(e: EventV1): CoreEvent {
    return eventToCore(e);
  }
  decorate(obj: EventV1): void {
    convertInPlaceFromCore(obj);
  }
  lease(): Promise<string> {
    return this.leases.lease();
  }
}

