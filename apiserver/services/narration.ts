import type { Service } from '../../shared/api/core.js';
import { formatIP } from '../../shared/net/ip.js';
import type { ClusterIPAllocator } from '../allocator/cluster-ips.js';
import type { ServiceCIDR } from '../allocator/service-cidr.js';
import type { IPDecision, ServiceAllocation } from './allocation.js';
import type { WriteNarrator } from '../http/resource-handler.js';

/**
 * The teaching log: one plain line per step of the flow, so a reader can follow a Service from
 * request to etcd. Step 1 is the request, step 2 the allocation, step 3 the transaction;
 * step 4 is printed by proxy-sim.
 */
const ref = (svc: Service) => `${svc.metadata.namespace}/${svc.metadata.name}`;

/** Step 1, and the refusals, for the Service handler. */
export function serviceNarrator(log: (line: string) => void): WriteNarrator {
  return {
    request(verb, namespace, name, userAgent) {
      const who = userAgent ? ` from ${userAgent.split(' ')[0]}` : '';
      log(`step 1/4 request: ${verb} service ${namespace ?? ''}/${name ?? '(generated name)'}${who}`);
    },
    refused(namespace, name, status) {
      log(`step 2/4 refused: service ${namespace ?? ''}/${name ?? ''}: ${status.code} ${status.message ?? ''}`);
    },
  };
}

function bandText(cidr: ServiceCIDR, band: 'static' | 'dynamic'): string {
  const ip = (slot: bigint) => formatIP(cidr.ipAt(slot));
  const last = cidr.size - 1n;
  return band === 'static'
    ? `static band ${ip(0n)}-${ip(cidr.bandSize - 1n)}`
    : `dynamic band ${ip(cidr.bandSize)}-${ip(last)}`;
}

export function describeDecisions(svc: Service, decisions: readonly IPDecision[], ips: ClusterIPAllocator): string | undefined {
  if (decisions.length === 0) {
    const why = svc.spec.type === 'ExternalName' ? 'ExternalName: no clusterIP' : svc.spec.clusterIPs?.[0] === 'None' ? 'headless (clusterIP None): no clusterIP' : undefined;
    return why && `step 2/4 allocate: service ${ref(svc)}: ${why}`;
  }
  const parts = decisions.map((d) => {
    const cidr = ips.rangeOf(d.cidr);
    const where = cidr ? bandText(cidr, d.band) : d.band;
    const how = d.how === 'random' ? 'picked at random from the' : 'requested, in the';
    const source = d.serviceCIDR ? ` in ServiceCIDR ${d.serviceCIDR}` : '';
    return `${d.ip} (${d.family}, ${how} ${where} of ${d.cidr}${source})`;
  });
  return `step 2/4 allocate: service ${ref(svc)} gets clusterIP ${parts.join(' and ')}`;
}

export function describeCommit(allocation: ServiceAllocation, objectKey: string, revision: number): string {
  const keys = [objectKey, ...allocation.claims.map((c) => c.key), ...allocation.releases.map((k) => `-${k}`)];
  return `step 3/4 persist: one etcd transaction at revision ${revision} wrote ${keys.join(', ')}`;
}

export function describeDeletion(svc: Service, objectKey: string, releases: readonly string[], revision: number): string {
  return `step 3/4 persist: service ${ref(svc)} deleted in one etcd transaction at revision ${revision}: -${[objectKey, ...releases].join(', -')}`;
}
