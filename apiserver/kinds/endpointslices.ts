import type { EndpointSlice } from '../../shared/api/discovery.js';
import { ENDPOINTSLICE_INFO, EndpointSliceStrategy } from '../endpointslices/strategy.js';
import { metadataFields } from '../selectors/field-selector.js';
import { endpointSlicePrinter } from '../tables/printers.js';
import { ALL_VERBS, defineKind } from './kind.js';

export const endpointSlices = defineKind<EndpointSlice>({
  info: ENDPOINTSLICE_INFO,
  schema: 'EndpointSlice',
  discovery: { singular: 'endpointslice', verbs: ALL_VERBS, storageVersionHash: 'Nx3SIv6I0mE=' },
  fields: metadataFields(true),
  printer: endpointSlicePrinter,
  returnDeletedObject: false,
  strategies: () => ({ strategy: new EndpointSliceStrategy() }),
});
