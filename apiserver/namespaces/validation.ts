import type { FieldError } from '../errors/field.js';
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
