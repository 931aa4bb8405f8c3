import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { ResourceInfo, Strategy } from '../registry/strategy.js';
import { prepareEndpointSliceForCreate, prepareEndpointSliceForUpdate, setEndpointSliceDefaults } from './defaults.js';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './validation.js';

export const ENDPOINTSLICE_INFO: ResourceInfo = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  listKind: 'EndpointSliceList',
  resource: 'endpointslices',
  storage: 'endpointslices',
  namespaced: true,
};

export class EndpointSliceStrategy implements Strategy<EndpointSlice> {
  readonly info = ENDPOINTSLICE_INFO;
  readonly allowCreateOnUpdate = false;

  defaults(slice: EndpointSlice): void {
    setEndpointSliceDefaults(slice);
  }

  prepareForCreate(slice: EndpointSlice): void {
    prepareEndpointSliceForCreate(slice);
  }

  validate(slice: EndpointSlice) {
    return validateEndpointSlice(slice);
  }

  prepareForUpdate(slice: EndpointSlice, old: EndpointSlice): void {
    prepareEndpointSliceForUpdate(slice, old);
  }

  validateUpdate(slice: EndpointSlice, old: EndpointSlice) {
    return validateEndpointSliceUpdate(slice, old);
  }
}
