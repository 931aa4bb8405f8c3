import type { IPFamily, Service, ServiceStatus } from '../../shared/api/core.js';
import { isIPv6String } from '../validation/ip.js';
import type { ServiceIPConfig } from './ip-families.js';
import { allocatesNodePorts, CLUSTER_IP_NONE, externallyAccessible, hasNodePorts, needsClusterIP, needsHealthCheck } from '../../shared/api/service.js';
import { deepEqualList, otherFamily, sameList } from './predicates.js';

/*
 * The storage and strategy hooks that reshape a Service between decoding and validation
 * (pkg/registry/core/service/storage.go and strategy.go). They run in this order:
 *   create: normalizeClusterIPs(svc) -> initIPFamilyFields -> allocate -> prepareForCreate -> validate
 *   update: defaultOnRead(old) -> patchAllocatedValues -> normalizeClusterIPs(svc, old)
 *           -> initIPFamilyFields -> allocate -> prepareForUpdate -> validateServiceUpdate
 * and defaultOnRead on every object returned to a client.
 */


/**
 * Keeps clusterIP and clusterIPs in sync, guessing what an old (singular-only) client meant.
 * Without `old` (create, and reads) only the plural is initialised from the singular; the singular
 * is never derived from the plural.
 */
export function normalizeClusterIPs(svc: Service, old?: Service): void {
  const spec = svc.spec;
  const clusterIP = spec.clusterIP ?? '';
  if (!old) {
    if (clusterIP && (spec.clusterIPs?.length ?? 0) === 0) spec.clusterIPs = [clusterIP];
    return;
  }
  const oldClusterIP = old.spec.clusterIP ?? '';
  // An old client patching some other field sent no clusterIPs.
  if ((old.spec.clusterIPs?.length ?? 0) > 0 && (spec.clusterIPs?.length ?? 0) === 0 && oldClusterIP === clusterIP) {
    spec.clusterIPs = [...old.spec.clusterIPs!];
  }
  if (oldClusterIP !== clusterIP && sameList(old.spec.clusterIPs, spec.clusterIPs)) {
    // Clearing the singular clears the plural on the client's behalf; changing it replaces the
    // plural, so that validation reports "may not change once set".
    if (oldClusterIP && !clusterIP) delete spec.clusterIPs;
    else spec.clusterIPs = [clusterIP];
  }
}

/**
 * Lets a client re-submit a manifest without the values we allocated for it (clusterIP(s),
 * nodePorts matched by port name, healthCheckNodePort), so that a plain re-apply is idempotent.
 */
export function patchAllocatedValues(svc: Service, old: Service): void {
  const spec = svc.spec;
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!spec.clusterIP && old.spec.clusterIP) spec.clusterIP = old.spec.clusterIP;
    if ((spec.clusterIPs?.length ?? 0) === 0 && (old.spec.clusterIPs?.length ?? 0) > 0) spec.clusterIPs = [...old.spec.clusterIPs!];
  }
  if (allocatesNodePorts(old) && allocatesNodePorts(svc)) {
    const nodePortsOf = (s: Service) => new Set((s.spec.ports ?? []).map((p) => p.nodePort ?? 0).filter((n) => n !== 0));
    const newPorts = nodePortsOf(svc);
    // Ports that the new object already uses explicitly must not be patched in a second time.
    const used = new Set([...nodePortsOf(old)].filter((n) => newPorts.has(n)));
    const byName = new Map<string, number>();
    for (const p of old.spec.ports ?? []) byName.set(p.name ?? '', p.nodePort ?? 0);
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const oldValue = byName.get(p.name ?? '') ?? 0;
      if (oldValue !== 0 && !used.has(oldValue)) p.nodePort = oldValue;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(svc) && !spec.healthCheckNodePort && old.spec.healthCheckNodePort) {
    spec.healthCheckNodePort = old.spec.healthCheckNodePort;
  }
}

/**
 * strategy.go's dropTypeDependentFields: on update, wipe fields that no longer apply to the new
 * type, but only those the client left unchanged (a changed value must fail validation instead).
 */
export function dropTypeDependentFields(svc: Service, old: Service): void {
  const spec = svc.spec;
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if ((old.spec.clusterIP ?? '') === (spec.clusterIP ?? '') && sameList(old.spec.clusterIPs, spec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (deepEqualList(old.spec.ipFamilies, spec.ipFamilies)) delete spec.ipFamilies;
    if ((old.spec.ipFamilyPolicy ?? '') === (spec.ipFamilyPolicy ?? '')) delete spec.ipFamilyPolicy;
  }
  if (hasNodePorts(old) && !hasNodePorts(svc)) {
    const oldPorts = new Set((old.spec.ports ?? []).map((p) => p.nodePort ?? 0));
    const netNew = (spec.ports ?? []).some((p) => (p.nodePort ?? 0) !== 0 && !oldPorts.has(p.nodePort!));
    if (!netNew) for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheck(old) && !needsHealthCheck(svc) && (old.spec.healthCheckNodePort ?? 0) === (spec.healthCheckNodePort ?? 0)) {
    delete spec.healthCheckNodePort;
  }
  if (old.spec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts != null && spec.allocateLoadBalancerNodePorts === old.spec.allocateLoadBalancerNodePorts) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if ((spec.loadBalancerClass ?? null) === (old.spec.loadBalancerClass ?? null)) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(old) && !externallyAccessible(svc) && (old.spec.externalTrafficPolicy ?? '') === (spec.externalTrafficPolicy ?? '')) {
    delete spec.externalTrafficPolicy;
  }
  if (spec.type !== 'LoadBalancer') {
    svc.status ??= {};
    svc.status.loadBalancer = {};
  }
}

/** A ServiceStatus{} as Go serialises it: the loadBalancer struct is never omitted. */
const emptyStatus = (): ServiceStatus => ({ loadBalancer: {} });

/**
 * Strategy PrepareForCreate: clients cannot set status. No Service field is behind a disabled
 * feature gate in 1.33 (trafficDistribution is GA), so nothing else is dropped.
 */
export function prepareForCreate(svc: Service): void {
  svc.status = emptyStatus();
}

/** Strategy PrepareForUpdate: status is kept from the stored object, then type-dependent fields are wiped. */
export function prepareForUpdate(svc: Service, old: Service): void {
  svc.status = old.status ? structuredClone(old.status) : emptyStatus();
  svc.status.loadBalancer ??= {};
  dropTypeDependentFields(svc, old);
}

/**
 * The registry's Decorator: presents objects stored before clusterIPs/ipFamilies existed
 * consistently. Runs on every object returned (get, list, create, update, delete) and on the old
 * object at the start of an update.
 */
export function defaultOnRead(svc: Service, cfg: ServiceIPConfig): void {
  normalizeClusterIPs(svc);
  const spec = svc.spec;
  if (needsClusterIP(svc) && (spec.ipFamilies?.length ?? 0) === 0) {
    const primary = cfg.families[0]!;
    if (spec.clusterIP === CLUSTER_IP_NONE) {
      if (Object.keys(spec.selector ?? {}).length === 0) {
        // Selectorless headless: the endpoints' families are unknown, so assume both.
        spec.ipFamilyPolicy = 'RequireDualStack';
        spec.ipFamilies = [primary, otherFamily(primary)];
      } else {
        spec.ipFamilyPolicy = 'SingleStack';
        spec.ipFamilies = [primary];
      }
    } else {
      const families: IPFamily[] = (spec.clusterIPs ?? []).map((ip) => (isIPv6String(ip) ? 'IPv6' : 'IPv4'));
      // Go leaves an empty (omitted) list when there is no clusterIP to derive from.
      if (families.length > 0) spec.ipFamilies = families;
      if (families.length === 1) spec.ipFamilyPolicy = 'SingleStack';
      else if (families.length === 2) spec.ipFamilyPolicy = 'RequireDualStack';
    }
  }
  // Upstream once defaulted this for ExternalName by mistake; it hides it on read.
  if (spec.type === 'ExternalName') delete spec.internalTrafficPolicy;
}
