import type { ServiceCIDRObject } from '../../shared/api/networking.js';
import { metadataFields } from '../selectors/field-selector.js';
import { SERVICECIDR_INFO, ServiceCIDRStatusStrategy, ServiceCIDRStrategy } from '../servicecidrs/strategy.js';
import { serviceCIDRPrinter } from '../tables/printers.js';
import { ALL_VERBS, defineKind, STATUS_SUBRESOURCE } from './kind.js';

export const serviceCIDRs = defineKind<ServiceCIDRObject>({
  info: SERVICECIDR_INFO,
  schema: 'ServiceCIDR',
  discovery: { singular: 'servicecidr', verbs: ALL_VERBS, storageVersionHash: 'gNLvruQhW2g=', subresources: [STATUS_SUBRESOURCE] },
  fields: metadataFields(false),
  printer: serviceCIDRPrinter,
  returnDeletedObject: false,
  strategies: () => ({ strategy: new ServiceCIDRStrategy(), status: new ServiceCIDRStatusStrategy() }),
});
