import type { CoreEvent, EventV1 } from '../../shared/api/events.js';

const CORE_EVENT_VERSION = 'v1';
export const EVENTS_V1_VERSION = 'events.k8s.io/v1';

/**
 * events.k8s.io/v1 to core/v1, as upstream's Convert_v1_Event_To_core_Event: regarding becomes
 * involvedObject, note the message, reportingController reportingComponent and the deprecated*
 * fields the legacy ones; the rest keeps its name.
 */
export function eventToCore(e: EventV1): CoreEvent {
  const out: CoreEvent = { apiVersion: CORE_EVENT_VERSION, kind: 'Event', metadata: e.metadata };
  set(out, 'involvedObject', e.regarding);
  set(out, 'reason', e.reason);
  set(out, 'message', e.note);
  set(out, 'source', e.deprecatedSource);
  set(out, 'firstTimestamp', e.deprecatedFirstTimestamp);
  set(out, 'lastTimestamp', e.deprecatedLastTimestamp);
  set(out, 'count', e.deprecatedCount);
  set(out, 'type', e.type);
  set(out, 'eventTime', e.eventTime);
  set(out, 'series', e.series);
  set(out, 'action', e.action);
  set(out, 'related', e.related);
  set(out, 'reportingComponent', e.reportingController);
  set(out, 'reportingInstance', e.reportingInstance);
  return out;
}

/** core/v1 to events.k8s.io/v1, the inverse of eventToCore. */
function eventFromCore(e: CoreEvent): EventV1 {
  const out: EventV1 = { apiVersion: EVENTS_V1_VERSION, kind: 'Event', metadata: e.metadata };
  set(out, 'eventTime', e.eventTime);
  set(out, 'series', e.series);
  set(out, 'reportingController', e.reportingComponent);
  set(out, 'reportingInstance', e.reportingInstance);
  set(out, 'action', e.action);
  set(out, 'reason', e.reason);
  set(out, 'regarding', e.involvedObject);
  set(out, 'related', e.related);
  set(out, 'note', e.message);
  set(out, 'type', e.type);
  set(out, 'deprecatedSource', e.source);
  set(out, 'deprecatedFirstTimestamp', e.firstTimestamp);
  set(out, 'deprecatedLastTimestamp', e.lastTimestamp);
  set(out, 'deprecatedCount', e.count);
  return out;
}

/** Turns a stored (core) Event into events.k8s.io/v1 in place; one already converted is left alone. */
export function convertInPlaceFromCore(obj: EventV1): void {
  if (obj.apiVersion === EVENTS_V1_VERSION) return;
  const converted = eventFromCore(obj as CoreEvent);
  for (const key of Object.keys(obj)) delete (obj as unknown as Record<string, unknown>)[key];
  Object.assign(obj, converted);
}

/** Copies only present values, so absent fields stay absent in the other version. */
function set<T extends object, K extends keyof T>(out: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) out[key] = value;
}
