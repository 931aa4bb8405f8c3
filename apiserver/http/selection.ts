import type { KubeObject } from '../../shared/api/meta.js';
import { badRequest } from '../errors/status.js';
import { matchesFields, parseFieldSelector, type SelectableFields } from '../selectors/field-selector.js';
import { matchesLabels, parseLabelSelector, SelectorError } from '../selectors/label-selector.js';

/**
 * Which objects a list or watch is about: the namespace of the URL, `labelSelector` and
 * `fieldSelector` (a single-object watch arrives as `fieldSelector=metadata.name=<name>`).
 * Bad selectors are 400s with upstream's text.
 */
export function selection<T extends KubeObject>(fields: SelectableFields, namespace: string | undefined, query: URLSearchParams): (obj: T) => boolean {
  try {
    const labels = parseLabelSelector(query.get('labelSelector') ?? '');
    const selector = parseFieldSelector(query.get('fieldSelector') ?? '', fields);
    return (obj) =>
      (!namespace || obj.metadata.namespace === namespace) &&
      (labels.length === 0 || matchesLabels(labels, obj.metadata.labels)) &&
      (selector.length === 0 || matchesFields(selector, fields.values(obj)));
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}
