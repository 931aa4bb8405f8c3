import type { IPAddress } from '../../shared/api/networking.js';
import { IPADDRESS_INFO, IPAddressStrategy } from '../ipaddresses/strategy.js';
import { metadataFields } from '../selectors/field-selector.js';
import { ipAddressPrinter } from '../tables/printers.js';
import { ALL_VERBS, defineKind } from './kind.js';

export const ipAddresses = defineKind<IPAddress>({
  info: IPADDRESS_INFO,
  schema: 'IPAddress',
  discovery: { singular: 'ipaddress', verbs: ALL_VERBS, shortNames: ['ip'], storageVersionHash: '3f/plJFChNE=' },
  fields: metadataFields(false),
  printer: ipAddressPrinter,
  returnDeletedObject: false,
  strategies: () => ({ strategy: new IPAddressStrategy() }),
});
