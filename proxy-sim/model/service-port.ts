import type { Service, ServicePort } from '../../shared/api/core.js';
import {
  CLUSTER_IP_NONE,
  DEFAULT_CLIENT_IP_TIMEOUT_SECONDS,
  externalPolicyLocal as externalPolicyLocalOf,
  internalPolicyLocal as internalPolicyLocalOf,
  needsHealthCheck,
} from '../../shared/api/service.js';
import { familyName, formatCIDR, formatIP, parseCIDR, parseIP, type CIDR, type Family } from '../../shared/net/ip.js';
import { EXT_PREFIX, FW_PREFIX, SVC_PREFIX, SVL_PREFIX, portProtoHash } from '../render/chain-names.js';

/**
 * One port of one Service as one proxier (one IP family) sees it: upstream's ServicePortInfo,
 * with the chain names computed once, as upstream does, because hashing is the costly part.
 */
export interface ServicePortInfo {
  /** Unique per proxier: the ServicePortName (namespace, name, port name, protocol). */
  readonly key: string;
  /** `namespace/name`: partial syncs rewrite chains per Service, not per port. */
  readonly service: string;
  /** `namespace/name:port`, or `namespace/name` for an unnamed port: comments and hashes use it. */
  readonly name: string;
  /** Lower case, as written in `-m tcp -p tcp`. */
  readonly protocol: string;
  readonly clusterIP: string;
  readonly port: number;
  readonly nodePort: number;
  readonly externalIPs: readonly string[];
  readonly loadBalancerVIPs: readonly string[];
  readonly loadBalancerSourceRanges: readonly SourceRange[];
  /** 0 unless the Service is LoadBalancer with externalTrafficPolicy Local. */
  readonly healthCheckNodePort: number;
  readonly clientIPAffinity: boolean;
  readonly stickyMaxAgeSeconds: number;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  readonly externallyAccessible: boolean;
  readonly usesClusterEndpoints: boolean;
  readonly usesLocalEndpoints: boolean;
  readonly svcChain: string;
  readonly svlChain: string;
  readonly extChain: string;
  readonly fwChain: string;
}

interface SourceRange {
  text: string;
  cidr: CIDR;
}

/** A ServicePortName as upstream prints it: the port name is omitted when empty. */
export function servicePortName(namespace: string, name: string, port: string | undefined): string {
  return port ? `${namespace}/${name}:${port}` : `${namespace}/${name}`;
}

/** The key a ServicePortInfo and its endpoints share. */
export function servicePortKey(portName: string, protocol: string): string {
  return `${portName}/${protocol}`;
}

/**
 * upstream GetClusterIPByFamily: spec.clusterIPs by spec.ipFamilies, or spec.clusterIP alone
 * when ipFamilies is empty (objects written before dual stack).
 */
export function clusterIPOfFamily(svc: Service, family: Family): string {
  const spec = svc.spec ?? {};
  const families = spec.ipFamilies ?? [];
  if (families.length === 0) {
    const ip = spec.clusterIP ?? '';
    if (ip === '' || ip === 'None') return '';
    // Go's IsIPv6String: anything that is not an IPv6 address counts as IPv4 here.
    return (parseIP(ip)?.family === 6) === (family === 6) ? ip : '';
  }
  const idx = families.indexOf(familyName(family));
  return idx >= 0 ? (spec.clusterIPs?.[idx] ?? '') : '';
}

/** ShouldSkipService: headless and ExternalName Services get no rules at all. */
function isProxied(svc: Service): boolean {
  const spec = svc.spec ?? {};
  if (spec.clusterIP === undefined || spec.clusterIP === '' || spec.clusterIP === CLUSTER_IP_NONE) return false;
  return spec.type !== 'ExternalName';
}

function ipsOfFamily(ips: readonly string[] | undefined, family: Family): string[] {
  const out: string[] = [];
  for (const s of ips ?? []) {
    const ip = typeof s === 'string' ? parseIP(s) : undefined;
    if (ip?.family === family) out.push(formatIP(ip));
  }
  return out;
}

function rangesOfFamily(ranges: readonly string[] | undefined, family: Family): SourceRange[] {
  const out: SourceRange[] = [];
  for (const s of ranges ?? []) {
    const cidr = typeof s === 'string' ? parseCIDR(s.trim()) : undefined;
    if (cidr?.family === family) out.push({ text: formatCIDR(cidr), cidr });
  }
  return out;
}

/**
 * The service ports one proxier builds for a stored Service (upstream serviceToServiceMap and
 * newBaseServiceInfo). Empty when the Service is skipped. Stored Services are defaulted by the
 * apiserver, but nothing here assumes it: missing fields read as their zero values.
 */
export function servicePortsOf(svc: Service, family: Family): ServicePortInfo[] {
  if (!isProxied(svc)) return [];
  const clusterIPText = clusterIPOfFamily(svc, family);
  const clusterIP = clusterIPText ? parseIP(clusterIPText) : undefined;
  if (!clusterIP) return [];

  const spec = svc.spec;
  const namespace = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const clientIPAffinity = spec.sessionAffinity === 'ClientIP';
  const stickyMaxAgeSeconds = clientIPAffinity
    ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_CLIENT_IP_TIMEOUT_SECONDS)
    : 0;
  const externalIPs = ipsOfFamily(spec.externalIPs ?? [], family);
  const externalPolicyLocal = externalPolicyLocalOf(svc);
  const internalPolicyLocal = internalPolicyLocalOf(svc);
  const loadBalancerSourceRanges = rangesOfFamily(spec.loadBalancerSourceRanges, family);
  const loadBalancerVIPs: string[] = [];
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (!ing?.ip) continue;
    // LoadBalancerIPMode (GA in 1.32): Proxy-mode load balancers are not short-circuited.
    if (ing.ipMode !== undefined && ing.ipMode !== null && ing.ipMode !== 'VIP') continue;
    const ip = parseIP(ing.ip);
    if (ip?.family === family) loadBalancerVIPs.push(formatIP(ip));
  }
  const healthCheckNodePort = needsHealthCheck(svc) ? (spec.healthCheckNodePort ?? 0) : 0;

  const byKey = new Map<string, ServicePortInfo>();
  for (const port of spec.ports ?? []) {
    if (!port || typeof port !== 'object') continue;
    const info = portInfo(port);
    // Two ports with the same name and protocol are one map entry upstream: the last one wins.
    byKey.set(info.key, info);
  }
  return [...byKey.values()];

  function portInfo(port: ServicePort): ServicePortInfo {
    const protocolUpper = port.protocol || 'TCP';
    const protocol = protocolUpper.toLowerCase();
    const portName = servicePortName(namespace, name, port.name);
    const nodePort = port.nodePort ?? 0;
    const externallyAccessible = nodePort !== 0 || loadBalancerVIPs.length > 0 || externalIPs.length > 0;
    const hash = portProtoHash(portName, protocol);
    return {
      key: servicePortKey(portName, protocolUpper),
      service: `${namespace}/${name}`,
      name: portName,
      protocol,
      clusterIP: formatIP(clusterIP!),
      port: port.port ?? 0,
      nodePort,
      externalIPs,
      loadBalancerVIPs,
      loadBalancerSourceRanges,
      healthCheckNodePort,
      clientIPAffinity,
      stickyMaxAgeSeconds,
      externalPolicyLocal,
      internalPolicyLocal,
      externallyAccessible,
      usesClusterEndpoints: !internalPolicyLocal || externallyAccessible,
      usesLocalEndpoints: internalPolicyLocal || (externalPolicyLocal && externallyAccessible),
      svcChain: SVC_PREFIX + hash,
      svlChain: SVL_PREFIX + hash,
      extChain: EXT_PREFIX + hash,
      fwChain: FW_PREFIX + hash,
    };
  }
}

/**
 * Whether two computed port lists are the same, as upstream's DeepEqual of ServicePortMaps:
 * a Service write that changes nothing kube-proxy uses does not mark the Service changed.
 */
export function samePorts(a: readonly ServicePortInfo[], b: readonly ServicePortInfo[]): boolean {
  if (a.length !== b.length) return false;
  const before = new Map(a.map((p) => [p.key, portSignature(p)]));
  return b.every((p) => before.get(p.key) === portSignature(p));
}

function portSignature(p: ServicePortInfo): string {
  return JSON.stringify([
    p.key,
    p.clusterIP,
    p.port,
    p.nodePort,
    p.externalIPs,
    p.loadBalancerVIPs,
    p.loadBalancerSourceRanges.map((r) => r.text),
    p.healthCheckNodePort,
    p.clientIPAffinity,
    p.stickyMaxAgeSeconds,
    p.externalPolicyLocal,
    p.internalPolicyLocal,
  ]);
}
