import type { ObjectReference } from './core.js';
import type { KubeObject } from './meta.js';

/** core/v1 EventSource. */
interface EventSource {
  component?: string;
  host?: string;
}

/** The series of a repeated event (the same shape in core/v1 and events.k8s.io/v1). */
interface EventSeries {
  count?: number;
  lastObservedTime?: string | null;
}

/** core/v1 Event: the stored form of both API versions, as upstream stores it. */
export interface CoreEvent extends KubeObject {
  involvedObject?: ObjectReference;
  reason?: string;
  message?: string;
  source?: EventSource;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  type?: string;
  eventTime?: string | null;
  series?: EventSeries | null;
  action?: string;
  related?: ObjectReference | null;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** events.k8s.io/v1 Event. */
export interface EventV1 extends KubeObject {
  eventTime?: string | null;
  series?: EventSeries | null;
  reportingController?: string;
  reportingInstance?: string;
  action?: string;
  reason?: string;
  regarding?: ObjectReference;
  related?: ObjectReference | null;
  note?: string;
  type?: string;
  deprecatedSource?: EventSource;
  deprecatedFirstTimestamp?: string | null;
  deprecatedLastTimestamp?: string | null;
  deprecatedCount?: number;
}

