import type { CoreEvent, EventV1 } from '../../shared/api/events.js';
import type { SelectableFields } from '../selectors/field-selector.js';
import { eventToCore } from './convert.js';

const OBJECT_FIELDS = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'] as const;

/** registry/core/event ToSelectableFields: `source` falls back to the reporting controller. */
function coreValues(e: CoreEvent): Record<string, string> {
  const involved = (e.involvedObject ?? {}) as Record<string, string | undefined>;
  const fields: Record<string, string> = { 'metadata.name': e.metadata?.name ?? '', 'metadata.namespace': e.metadata?.namespace ?? '' };
  for (const f of OBJECT_FIELDS) fields[`involvedObject.${f}`] = involved[f] ?? '';
  fields['reason'] = e.reason ?? '';
  fields['reportingComponent'] = e.reportingComponent ?? '';
  fields['source'] = e.source?.component || e.reportingComponent || '';
  fields['type'] = e.type ?? '';
  return fields;
}

/** core/v1's field label conversion for Event (pkg/apis/core/v1/conversion.go). */
export const eventFields: SelectableFields = {
  supported: [...OBJECT_FIELDS.map((f) => `involvedObject.${f}`), 'reason', 'reportingComponent', 'source', 'type', 'metadata.namespace', 'metadata.name'],
  values: (obj) => coreValues((obj ?? { metadata: {} }) as CoreEvent),
};

/** events.k8s.io/v1's: regarding.* and reportingController, mapped onto the same selectable set. */
export const eventV1Fields: SelectableFields = {
  supported: ['reason', ...OBJECT_FIELDS.map((f) => `regarding.${f}`), 'reportingController', 'type', 'metadata.namespace', 'metadata.name'],
  values(obj) {
    const core = coreValues(eventToCore((obj ?? { metadata: {} }) as EventV1));
    const fields: Record<string, string> = { 'metadata.name': core['metadata.name']!, 'metadata.namespace': core['metadata.namespace']!, reason: core['reason']!, type: core['type']! };
    for (const f of OBJECT_FIELDS) fields[`regarding.${f}`] = core[`involvedObject.${f}`]!;
    fields['reportingController'] = core['reportingComponent']!;
    return fields;
  },
};
