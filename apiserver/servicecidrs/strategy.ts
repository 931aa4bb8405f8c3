import type { ServiceCIDRObject } from '../../shared/api/networking.js';
import type { ResourceInfo, Strategy } from '../registry/strategy.js';
import { validateObjectMetaUpdate } from '../validation/object-meta.js';
import { validateServiceCIDR, validateServiceCIDRUpdate } from './validation.js';

export const SERVICECIDR_INFO: ResourceInfo = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'ServiceCIDR',
  listKind: 'ServiceCIDRList',
  resource: 'servicecidrs',
  storage: 'servicecidrs',
  namespaced: false,
};

/** ServiceCIDR as registry/networking/servicecidr: users write the spec, the controller the status. */
export class ServiceCIDRStrategy implements Strategy<ServiceCIDRObject> {
  readonly info = SERVICECIDR_INFO;
  readonly allowCreateOnUpdate = false;

  prepareForCreate(sc: ServiceCIDRObject): void {
    delete sc.status;
  }

  validate(sc: ServiceCIDRObject) {
    return validateServiceCIDR(sc);
  }

  prepareForUpdate(sc: ServiceCIDRObject, old: ServiceCIDRObject): void {
    if (old.status) sc.status = old.status;
    else delete sc.status;
  }

  validateUpdate(sc: ServiceCIDRObject, old: ServiceCIDRObject) {
    return [...validateServiceCIDR(sc), ...validateServiceCIDRUpdate(sc, old)];
  }
}

/** The status subresource: only status.conditions change. */
export class ServiceCIDRStatusStrategy implements Strategy<ServiceCIDRObject> {
  readonly info = SERVICECIDR_INFO;
  readonly allowCreateOnUpdate = false;

  prepareForCreate(): void {}

  validate() {
    return [];
  }

  prepareForUpdate(sc: ServiceCIDRObject, old: ServiceCIDRObject): void {
    if (old.spec) sc.spec = old.spec;
    else delete sc.spec;
    // ResetObjectMetaForStatus: metadata is the object's, not the status writer's.
    sc.metadata = { ...old.metadata, resourceVersion: sc.metadata.resourceVersion };
  }

  validateUpdate(sc: ServiceCIDRObject, old: ServiceCIDRObject) {
    return validateObjectMetaUpdate(sc.metadata, old.metadata);
  }
}
