import type { Service } from '../../shared/api/core.js';

/*
 * Questions asked about a Service all over its rules (pkg/api/service/util.go and the registry's
 * helpers). JSON may carry null where Go has a nil pointer or slice; both mean "not set".
 */

export const CLUSTER_IP_NONE = 'None';

/** In validation, "headless" means clusterIPs is exactly ["None"]. */
export const isHeadless = (svc: Service): boolean => svc.spec.clusterIPs?.length === 1 && svc.spec.clusterIPs[0] === CLUSTER_IP_NONE;

/** Allocation and defaulting look at the singular field instead: clusterIP == "None" and no selector. */
export const isHeadlessSelectorless = (svc: Service): boolean =>
  svc.spec.clusterIP === CLUSTER_IP_NONE && Object.keys(svc.spec.selector ?? {}).length === 0;

export const needsClusterIP = (svc: Service): boolean => svc.spec.type !== 'ExternalName';

export const externallyAccessible = (svc: Service): boolean =>
  svc.spec.type === 'LoadBalancer' || svc.spec.type === 'NodePort' || (svc.spec.type === 'ClusterIP' && (svc.spec.externalIPs?.length ?? 0) > 0);

/** NodePort and LoadBalancer Services have nodePorts. */
export const hasNodePorts = (svc: Service): boolean => svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer';

/** shouldAllocateNodePorts: a LoadBalancer may opt out with allocateLoadBalancerNodePorts: false. */
export const allocatesNodePorts = (svc: Service): boolean =>
  svc.spec.type === 'NodePort' || (svc.spec.type === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false);

export const otherFamily = (family: 'IPv4' | 'IPv6'): 'IPv4' | 'IPv6' => (family === 'IPv4' ? 'IPv6' : 'IPv4');

/** NeedsHealthCheck: a LoadBalancer with externalTrafficPolicy Local gets a healthCheckNodePort. */
export const needsHealthCheck = (svc: Service): boolean => svc.spec.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';

/** Go's len(a) == len(b) && a[i] == b[i]: nil and empty compare equal. */
export function sameList(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** reflect.DeepEqual on slices: like sameList, but nil and empty differ. */
export function deepEqualList(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  if (a == null || b == null) return a == null && b == null;
  return sameList(a, b);
}
