import type { Namespace } from '../../shared/api/core.js';
import { forbidden } from '../errors/status.js';
import type { ResourceInfo, Strategy } from '../registry/strategy.js';
import { canonicalizeNamespace, prepareNamespaceForCreate, prepareNamespaceForUpdate, setNamespaceDefaults } from './defaults.js';
import { validateNamespace, validateNamespaceStatusUpdate, validateNamespaceUpdate } from './validation.js';

export const NAMESPACE_INFO: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  resource: 'namespaces',
  storage: 'namespaces',
  namespaced: false,
};

/** Namespaces the apiserver keeps and NamespaceLifecycle refuses to delete. */
export const IMMORTAL_NAMESPACES = ['default', 'kube-system', 'kube-public'];

export const FINALIZER_KUBERNETES = 'kubernetes';

export class NamespaceStrategy implements Strategy<Namespace> {
  readonly info = NAMESPACE_INFO;
  readonly allowCreateOnUpdate = false;

  defaults(ns: Namespace): void {
    setNamespaceDefaults(ns);
  }

  prepareForCreate(ns: Namespace): void {
    prepareNamespaceForCreate(ns);
  }

  validate(ns: Namespace) {
    return validateNamespace(ns);
  }

  prepareForUpdate(ns: Namespace, old: Namespace): void {
    prepareNamespaceForUpdate(ns, old);
  }

  validateUpdate(ns: Namespace, old: Namespace) {
    return validateNamespaceUpdate(ns, old);
  }

  canonicalize(ns: Namespace): void {
    canonicalizeNamespace(ns);
  }

  admitDelete(ns: Namespace): void {
    if (IMMORTAL_NAMESPACES.includes(ns.metadata.name!)) {
      throw forbidden(NAMESPACE_INFO, ns.metadata.name!, 'this namespace may not be deleted');
    }
  }

  mustLinger(ns: Namespace): boolean {
    return (ns.spec?.finalizers?.length ?? 0) > 0;
  }

  markDeleted(ns: Namespace): void {
    ns.status = { ...ns.status, phase: 'Terminating' };
  }
}

/** The /finalize subresource: only spec.finalizers change, as upstream's finalize strategy. */
export class NamespaceFinalizeStrategy extends NamespaceStrategy {
  override prepareForUpdate(ns: Namespace, old: Namespace): void {
    const finalizers = ns.spec?.finalizers ?? [];
    ns.metadata = { ...old.metadata, resourceVersion: ns.metadata.resourceVersion, managedFields: ns.metadata.managedFields ?? old.metadata.managedFields };
    ns.status = old.status;
    ns.spec = { ...old.spec, finalizers };
  }
}

/** The /status subresource: only status changes, as upstream's namespaceStatusStrategy. */
export class NamespaceStatusStrategy extends NamespaceStrategy {
  override prepareForUpdate(ns: Namespace, old: Namespace): void {
    ns.metadata = { ...old.metadata, resourceVersion: ns.metadata.resourceVersion, managedFields: ns.metadata.managedFields ?? old.metadata.managedFields };
    ns.spec = old.spec;
  }

  override validateUpdate(ns: Namespace, old: Namespace) {
    return validateNamespaceStatusUpdate(ns, old);
  }
}
