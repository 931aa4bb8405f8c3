import type { Namespace } from '../../shared/api/core.js';

/** The label every namespace carries with its own name (kubernetes.io/metadata.name). */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * v1 SetDefaults_Namespace and SetDefaults_NamespaceStatus, applied at decode: the name label
 * (when the name is known; generateName is resolved later, see canonicalizeNamespace) and phase Active.
 */
export function setNamespaceDefaults(ns: Namespace): void {
  ns.metadata ??= {};
  if (ns.metadata.name) ns.metadata.labels = { ...ns.metadata.labels, [NAMESPACE_NAME_LABEL]: ns.metadata.name };
  ns.status ??= {};
  if (!ns.status.phase) ns.status.phase = 'Active';
}

/**
 * Strategy PrepareForCreate: status is reset to Active and the "kubernetes" finalizer is always
 * present on a new namespace (it is not a default because it may be removed during deletion).
 */
export function prepareNamespaceForCreate(ns: Namespace): void {
  ns.status = { phase: 'Active' };
  const finalizers = ns.spec?.finalizers ?? [];
  if (!finalizers.includes('kubernetes')) ns.spec = { ...ns.spec, finalizers: [...finalizers, 'kubernetes'] };
}

/** Strategy PrepareForUpdate: spec.finalizers and status only change through their subresources. */
export function prepareNamespaceForUpdate(ns: Namespace, old: Namespace): void {
  const finalizers = old.spec?.finalizers;
  ns.spec = { ...ns.spec };
  if (finalizers) ns.spec.finalizers = [...finalizers];
  else delete ns.spec.finalizers;
  if (old.status) ns.status = structuredClone(old.status);
  else delete ns.status;
}

/** Strategy Canonicalize (after validation): the name label, now that generateName is resolved. */
export function canonicalizeNamespace(ns: Namespace): void {
  ns.metadata.labels = { ...ns.metadata.labels, [NAMESPACE_NAME_LABEL]: ns.metadata.name ?? '' };
}
