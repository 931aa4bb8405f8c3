import { randomUUID } from 'node:crypto';
import type { Service } from '../../shared/api/core.js';
import { IP_ALLOCATOR_MANAGER, IP_FAMILY_LABEL, IP_MANAGED_BY_LABEL, type IPAddress } from '../../shared/api/networking.js';
import { ipFamilyOf } from '../../shared/net/ip.js';
import { nowTimestamp } from '../registry/object-meta.js';

/** The networking.k8s.io/v1 IPAddress that records one clusterIP of a Service, named by the IP. */
export function newIPAddress(ip: string, svc: Service): IPAddress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IPAddress',
    metadata: {
      name: ip,
      uid: randomUUID(),
      creationTimestamp: nowTimestamp(),
      labels: { [IP_FAMILY_LABEL]: ipFamilyOf(ip) ?? 'IPv4', [IP_MANAGED_BY_LABEL]: IP_ALLOCATOR_MANAGER },
    },
    spec: { parentRef: { group: '', resource: 'services', namespace: svc.metadata.namespace, name: svc.metadata.name! } },
  };
}

/**
 * What a nodePort's key holds. Upstream keeps nodePorts in one bitmap, so there is no upstream
 * kind for one port: this one is the project's own, shaped like an IPAddress.
 */
export function newNodePortAllocation(port: number, svc: Service) {
  return {
    apiVersion: 'clusterip-lab/v1',
    kind: 'NodePortAllocation',
    metadata: { name: String(port), creationTimestamp: nowTimestamp() },
    spec: { parentRef: { group: '', resource: 'services', namespace: svc.metadata.namespace, name: svc.metadata.name! } },
  };
}
