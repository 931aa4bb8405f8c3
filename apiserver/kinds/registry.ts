import type { KubeObject } from '../../shared/api/meta.js';
import { endpoints } from './endpoints.js';
import { endpointSlices } from './endpointslices.js';
import { events, eventsV1 } from './events.js';
import { ipAddresses } from './ipaddresses.js';
import type { Kind } from './kind.js';
import { namespaces } from './namespaces.js';
import { serviceCIDRs } from './servicecidrs.js';
import { services } from './services.js';

/**
 * Every kind this apiserver serves. The server builds a store, cache, reflector and handler for
 * each; discovery, OpenAPI and tables list them from here. Namespaced kinds are emptied out of a
 * terminating namespace in this order.
 */
export const KINDS: readonly Kind<KubeObject>[] = [services, namespaces, endpoints, endpointSlices, ipAddresses, serviceCIDRs, events, eventsV1];

/**
 * API groups in the order upstream's discovery lists them (the core group first, then by group
 * priority as kube-apiserver registers them).
 */
export const GROUP_ORDER: readonly string[] = ['', 'events.k8s.io', 'authorization.k8s.io', 'networking.k8s.io', 'discovery.k8s.io'];

/** The kinds in discovery's order: by group priority, then by resource name. */
export function kindsInDiscoveryOrder(): Kind<KubeObject>[] {
  const rank = (k: Kind<KubeObject>) => GROUP_ORDER.indexOf(k.info.group);
  return [...KINDS].sort((a, b) => rank(a) - rank(b) || a.info.resource.localeCompare(b.info.resource));
}
