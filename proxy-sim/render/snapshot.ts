import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { endpointsOfService, sliceOwner, type EndpointInfo, type ServiceEndpoints } from '../model/endpoints.js';
import { compareServicePorts } from '../model/order.js';
import { servicePortsOf, type ServicePortInfo } from '../model/service-port.js';
import { LARGE_CLUSTER_ENDPOINTS_THRESHOLD, type ProxierConfig } from './config.js';
import { assembleRestore, fullSections } from './ruleset.js';
import { renderServicePort } from './service-rules.js';

const NO_ENDPOINTS: readonly EndpointInfo[] = [];

/** Whether the total endpoint count puts the proxier in large-cluster mode. */
export function isLargeCluster(totalEndpoints: number): boolean {
  return totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
}

/**
 * The restore input of a full sync of a fresh proxier that has seen exactly these objects:
 * what `proxy-sim render` prints. Later objects win over earlier ones with the same name.
 */
export function renderSnapshot(cfg: ProxierConfig, services: readonly Service[], slices: readonly EndpointSlice[]): string {
  const ports: ServicePortInfo[] = [];
  const byName = new Map<string, Service>();
  for (const svc of services) byName.set(`${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`, svc);
  for (const svc of byName.values()) ports.push(...servicePortsOf(svc, cfg.family));
  ports.sort(compareServicePorts);

  const slicesByService = new Map<string, Map<string, EndpointSlice>>();
  for (const slice of slices) {
    const owner = sliceOwner(slice, cfg.family);
    if (!owner) continue;
    let m = slicesByService.get(owner.service);
    if (!m) slicesByService.set(owner.service, (m = new Map()));
    m.set(owner.slice, slice);
  }
  const endpoints = new Map<string, ServiceEndpoints>();
  for (const [service, m] of slicesByService) endpoints.set(service, endpointsOfService(service, m.values(), cfg.nodeName));

  const endpointsOf = (sp: ServicePortInfo) => endpoints.get(sp.service)?.get(sp.key) ?? NO_ENDPOINTS;
  let total = 0;
  for (const sp of ports) total += endpointsOf(sp).length;
  const large = isLargeCluster(total);
  const rules = ports.map((sp) => renderServicePort(sp, endpointsOf(sp), cfg, large));
  return assembleRestore(cfg, fullSections(rules), []);
}
