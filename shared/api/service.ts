import type { Service } from './core.js';

/*
 * Questions about a Service that both programs ask, in one place as upstream shares them
 * (pkg/api/v1/service and pkg/api/service): the apiserver defaults, validates and allocates by
 * them, proxy-sim renders by them. JSON may carry null where Go has a nil pointer or slice; both
 * mean "not set".
 */

export const CLUSTER_IP_NONE = 'None';

/** v1.DefaultClientIPServiceAffinitySeconds: three hours. */
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

/** In validation, "headless" means clusterIPs is exactly ["None"]. */
export const isHeadless = (svc: Service): boolean => svc.spec.clusterIPs?.length === 1 && svc.spec.clusterIPs[0] === CLUSTER_IP_NONE;

/** Allocation and defaulting look at the singular field instead: clusterIP == "None" and no selector. */
export const isHeadlessSelectorless = (svc: Service): boolean =>
  svc.spec.clusterIP === CLUSTER_IP_NONE && Object.keys(svc.spec.selector ?? {}).length === 0;

export const needsClusterIP = (svc: Service): boolean => svc.spec.type !== 'ExternalName';

/** ExternallyAccessible: reachable from outside the cluster, by a node port, an LB or an external IP. */
export const externallyAccessible = (svc: Service): boolean =>
  svc.spec.type === 'LoadBalancer' || svc.spec.type === 'NodePort' || (svc.spec.type === 'ClusterIP' && (svc.spec.externalIPs?.length ?? 0) > 0);

/** ExternalPolicyLocal: externalTrafficPolicy counts only where the Service is externally accessible. */
export const externalPolicyLocal = (svc: Service): boolean => externallyAccessible(svc) && svc.spec.externalTrafficPolicy === 'Local';

/** InternalPolicyLocal. */
export const internalPolicyLocal = (svc: Service): boolean => svc.spec.internalTrafficPolicy === 'Local';

/** NeedsHealthCheck: a LoadBalancer with externalTrafficPolicy Local gets a healthCheckNodePort. */
export const needsHealthCheck = (svc: Service): boolean => svc.spec.type === 'LoadBalancer' && externalPolicyLocal(svc);

/** NodePort and LoadBalancer Services have nodePorts. */
export const hasNodePorts = (svc: Service): boolean => svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer';

/** shouldAllocateNodePorts: a LoadBalancer may opt out with allocateLoadBalancerNodePorts: false. */
export const allocatesNodePorts = (svc: Service): boolean =>
  svc.spec.type === 'NodePort' || (svc.spec.type === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false);
