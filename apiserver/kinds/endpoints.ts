import type { Endpoints } from '../../shared/api/core.js';
import { ENDPOINTS_INFO, EndpointsStrategy } from '../endpoints/strategy.js';
import { metadataFields } from '../selectors/field-selector.js';
import { endpointsPrinter } from '../tables/printers.js';
import { ALL_VERBS, defineKind } from './kind.js';

export const endpoints = defineKind<Endpoints>({
  info: ENDPOINTS_INFO,
  schema: 'Endpoints',
  discovery: { singular: 'endpoints', verbs: ALL_VERBS, shortNames: ['ep'], storageVersionHash: 'fWeeMqaN/OA=' },
  fields: metadataFields(true),
  printer: endpointsPrinter,
  returnDeletedObject: false,
  warning: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice',
  strategies: ({ mirroring }) => ({ strategy: new EndpointsStrategy(mirroring) }),
});
