import type { CoreEvent } from '../../shared/api/events.js';
import { invalid, required, type FieldError } from '../errors/field.js';
import { goQuote, goValue } from '../errors/go-format.js';
import { validatePathSegment } from '../registry/object-meta.js';
import { isDNS1123Subdomain } from '../validation/dns.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.js';
import { isQualifiedName } from '../validation/qualified-name.js';
import { semanticEqual } from '../validation/semantic-equal.js';

const REPORTING_INSTANCE_LENGTH_LIMIT = 128;
const ACTION_LENGTH_LIMIT = 128;
const REASON_LENGTH_LIMIT = 128;
const NOTE_LENGTH_LIMIT = 1024;

/** The API version a write came through: core/v1 keeps the lenient legacy rules only. */
type EventRequestVersion = 'v1' | 'events.k8s.io/v1';

/**
 * ValidateEventCreate (pkg/apis/core/validation/events.go), on the stored core form, followed by
 * the generic store's object meta check with path-segment names that core/v1 requests get.
 */
export function validateEventCreate(e: CoreEvent, version: EventRequestVersion): FieldError[] {
  const errs = legacyValidateEvent(e);
  if (version === 'v1') return [...errs, ...validateObjectMeta(e.metadata, { namespaced: true, nameValidator: (name) => validatePathSegment(name) })];
  errs.push(...validateObjectMeta(e.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain }));
  errs.push(...validateSeries(e));
  if (!e.eventTime) errs.push(required('eventTime'));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(invalid('type', '""', `has invalid value: ${e.type ?? ''}`));
  if (e.firstTimestamp) errs.push(invalid('firstTimestamp', '""', 'needs to be unset'));
  if (e.lastTimestamp) errs.push(invalid('lastTimestamp', '""', 'needs to be unset'));
  if (e.count) errs.push(invalid('count', '""', 'needs to be unset'));
  if (e.source?.component || e.source?.host) errs.push(invalid('source', '""', 'needs to be unset'));
  return errs;
}

/** ValidateEventUpdate: core/v1 checks only the legacy rules; events.k8s.io/v1 freezes the event. */
export function validateEventUpdate(e: CoreEvent, old: CoreEvent, version: EventRequestVersion): FieldError[] {
  const errs = legacyValidateEvent(e);
  if (version === 'v1') return [...errs, ...validateObjectMetaUpdate(e.metadata, old.metadata)];
  errs.push(...validateObjectMetaUpdate(e.metadata, old.metadata));
  if (!semanticEqual(e.series ?? null, old.series ?? null)) errs.push(...validateSeries(e));
  const immutable: [string, unknown, unknown][] = [
    ['involvedObject', e.involvedObject ?? {}, old.involvedObject ?? {}],
    ['reason', e.reason ?? '', old.reason ?? ''],
    ['message', e.message ?? '', old.message ?? ''],
    ['source', e.source ?? {}, old.source ?? {}],
    ['firstTimestamp', e.firstTimestamp ?? null, old.firstTimestamp ?? null],
    ['lastTimestamp', e.lastTimestamp ?? null, old.lastTimestamp ?? null],
    ['count', e.count ?? 0, old.count ?? 0],
    ['reason', e.reason ?? '', old.reason ?? ''],
    ['type', e.type ?? '', old.type ?? ''],
    ['eventTime', e.eventTime ?? null, old.eventTime ?? null],
    ['action', e.action ?? '', old.action ?? ''],
    ['related', e.related ?? null, old.related ?? null],
    ['reportingController', e.reportingComponent ?? '', old.reportingComponent ?? ''],
    ['reportingInstance', e.reportingInstance ?? '', old.reportingInstance ?? ''],
  ];
  for (const [field, now, before] of immutable) {
    if (!semanticEqual(now, before)) errs.push(invalid(field, goValue(now), 'field is immutable'));
  }
  return errs;
}

function validateSeries(e: CoreEvent): FieldError[] {
  if (!e.series) return [];
  const errs: FieldError[] = [];
  if ((e.series.count ?? 0) < 2) errs.push(invalid('series.count', '""', 'should be at least 2'));
  if (!e.series.lastObservedTime) errs.push(required('series.lastObservedTime'));
  return errs;
}

/** legacyValidateEvent: what every event must satisfy, whichever version wrote it. */
function legacyValidateEvent(e: CoreEvent): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = e.metadata.namespace ?? '';
  const involvedNamespace = e.involvedObject?.namespace ?? '';
  const mismatch = () => errs.push(invalid('involvedObject.namespace', goQuote(involvedNamespace), 'does not match event.namespace'));
  if (!e.eventTime) {
    // Old-style events: the namespaces agree, or a cluster-scoped object's event lives in default.
    if (involvedNamespace === '' ? namespace !== '' && namespace !== 'default' : namespace !== involvedNamespace) mismatch();
  } else {
    if (involvedNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') mismatch();
    const controller = e.reportingComponent ?? '';
    if (!controller) errs.push(required('reportingController'));
    for (const msg of isQualifiedName(controller)) errs.push(invalid('reportingController', goQuote(controller), msg));
    const instance = e.reportingInstance ?? '';
    if (!instance) errs.push(required('reportingInstance'));
    if (instance.length > REPORTING_INSTANCE_LENGTH_LIMIT) errs.push(invalid('reportingInstance', '""', `can have at most ${REPORTING_INSTANCE_LENGTH_LIMIT} characters`));
    const action = e.action ?? '';
    if (!action) errs.push(required('action'));
    if (action.length > ACTION_LENGTH_LIMIT) errs.push(invalid('action', '""', `can have at most ${ACTION_LENGTH_LIMIT} characters`));
    const reason = e.reason ?? '';
    if (!reason) errs.push(required('reason'));
    if (reason.length > REASON_LENGTH_LIMIT) errs.push(invalid('reason', '""', `can have at most ${REASON_LENGTH_LIMIT} characters`));
    if ((e.message ?? '').length > NOTE_LENGTH_LIMIT) errs.push(invalid('message', '""', `can have at most ${NOTE_LENGTH_LIMIT} characters`));
  }
  for (const msg of isDNS1123Subdomain(namespace)) errs.push(invalid('namespace', goQuote(namespace), msg));
  return errs;
}
