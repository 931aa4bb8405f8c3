import type { Service } from '../../shared/api/core.js';
import { serviceFields } from '../selectors/field-selector.js';
import { serviceNarrator } from '../services/narration.js';
import { SERVICE_INFO, ServiceStatusStrategy, ServiceStrategy } from '../services/strategy.js';
import { servicePrinter } from '../tables/printers.js';
import { ALL_VERBS, defineKind, STATUS_SUBRESOURCE } from './kind.js';

export const services = defineKind<Service>({
  info: SERVICE_INFO,
  schema: 'Service',
  discovery: { singular: 'service', verbs: ALL_VERBS, shortNames: ['svc'], categories: ['all'], storageVersionHash: '0/CO1lhkEBI=', subresources: [STATUS_SUBRESOURCE] },
  fields: serviceFields,
  printer: servicePrinter,
  returnDeletedObject: true,
  strategies: ({ allocators, ipConfig, mirroring, log }) => ({
    strategy: new ServiceStrategy({ allocators, ipConfig, dependents: (ns, name) => mirroring.dependentsOfService(ns, name), mirrors: (svc, old) => mirroring.serviceEffects(svc, old), log }),
    status: new ServiceStatusStrategy(ipConfig),
    narrator: serviceNarrator(log),
  }),
});
