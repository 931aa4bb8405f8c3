import { invalid, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import type { Namespace } from '../../shared/api/core.js';
import { nameIsDNSLabel } from '../validation/names.js';
import { validateFinalizerName, validateKubeFinalizerName, validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.js';

/** ValidateNamespace. Upstream reports spec.finalizers entries under the list's path, without an index. */
export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, nameValidator: nameIsDNSLabel });
  for (const finalizer of ns.spec?.finalizers ?? []) {
    errs.push(...validateFinalizerName(finalizer, 'spec.finalizers'));
    errs.push(...validateKubeFinalizerName(finalizer, 'spec.finalizers'));
  }
  return errs;
}

/** The strategy's ValidateUpdate: ValidateNamespace, then ValidateNamespaceUpdate (metadata). */
export function validateNamespaceUpdate(ns: Namespace, old: Namespace): FieldError[] {
  return [...validateNamespace(ns), ...validateObjectMetaUpdate(ns.metadata, old.metadata)];
}

/**
 * ValidateNamespaceStatusUpdate, all the /status subresource checks: the phase is Active until
 * the namespace is being deleted, Terminating from then on. (Upstream's path has a capital P.)
 */
export function validateNamespaceStatusUpdate(ns: Namespace, old: Namespace): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = ns.status?.phase ?? '';
  if (!ns.metadata.deletionTimestamp) {
    if (phase !== 'Active') errs.push(invalid('status.Phase', goQuote(phase), "may only be 'Active' if `deletionTimestamp` is empty"));
  } else if (phase !== 'Terminating') {
    errs.push(invalid('status.Phase', goQuote(phase), "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  }
  return errs;
}
