import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from '../errors/field.js';
import { goOptionalString, goQuote, goStringSlice, goTypedSlice } from '../errors/go-format.js';
import type { Service, ServicePort, SessionAffinityConfig } from '../../shared/api/core.js';
import { validateDNS1123Label, validateDNS1123Subdomain } from '../validation/dns.js';
import { ipFamilyOf } from '../../shared/net/ip.js';
import { isIPv6String, validateCIDRForLegacyField, validateIPForLegacyField, validateNonSpecialIP } from '../validation/ip.js';
import { validateLabels } from '../validation/labels.js';
import { nameIsDNS1035Label } from '../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.js';
import { isValidPortNum, validatePortNumOrName } from '../validation/ports.js';
import { validateQualifiedName } from '../validation/qualified-name.js';
import { CLUSTER_IP_NONE, externallyAccessible, isHeadless, needsHealthCheck } from '../../shared/api/service.js';

/*
 * core/validation's ValidateService and ValidateServiceUpdate (Kubernetes 1.33, default feature
 * gates). Errors are emitted in upstream's order, because the 422 message lists them in order.
 */

const SESSION_AFFINITIES = ['ClientIP', 'None'];
const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['SingleStack', 'PreferDualStack', 'RequireDualStack'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const TRAFFIC_DISTRIBUTIONS = ['PreferClose'];
const MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;

const TOPOLOGY_MODE = 'service.kubernetes.io/topology-mode';
const TOPOLOGY_AWARE_HINTS = 'service.kubernetes.io/topology-aware-hints';
const LB_SOURCE_RANGES = 'service.beta.kubernetes.io/load-balancer-source-ranges';
const LB_ONLY = "may only be used when `type` is 'LoadBalancer'";

const ipFamiliesValue = (svc: Service) => goTypedSlice('core.IPFamily', svc.spec.ipFamilies);

/** The Go dump of the (protocol, port) key upstream reports for a duplicate port. */
const goServicePortKey = (protocol: string, port: number) =>
  `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, ` +
  'TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}';

/** ValidateService: the rules shared by create and update. */
export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, nameValidator: nameIsDNS1035Label });
  const annotations = svc.metadata?.annotations ?? {};
  const spec = svc.spec;

  if (TOPOLOGY_MODE in annotations && TOPOLOGY_AWARE_HINTS in annotations && annotations[TOPOLOGY_MODE] !== annotations[TOPOLOGY_AWARE_HINTS]) {
    errs.push(
      invalid(
        `metadata.annotations[${TOPOLOGY_MODE}]`,
        goQuote(annotations[TOPOLOGY_MODE]!),
        `must match annotations[${TOPOLOGY_AWARE_HINTS}] when both are specified`,
      ),
    );
  }

  const ports = spec.ports ?? [];
  const headless = isHeadless(svc);
  if (ports.length === 0 && !headless && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  switch (spec.type) {
    case 'LoadBalancer':
    case 'NodePort':
      if (headless) {
        errs.push(invalid('spec.clusterIPs[0]', goQuote(CLUSTER_IP_NONE), `may not be set to 'None' for ${spec.type} services`));
      }
      break;
    case 'ExternalName': {
      if ((spec.clusterIPs?.length ?? 0) > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if ((spec.ipFamilies?.length ?? 0) > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy != null) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      // A CNAME may end with a dot to mark it fully qualified.
      const externalName = spec.externalName ?? '';
      const cname = externalName.endsWith('.') ? externalName.slice(0, -1) : externalName;
      if (cname) errs.push(...validateDNS1123Subdomain(cname, 'spec.externalName'));
      else errs.push(required('spec.externalName'));
      break;
    }
  }

  const portNames = new Set<string>();
  ports.forEach((port, i) => errs.push(...validateServicePort(port, ports.length > 1, portNames, `spec.ports[${i}]`)));

  if (spec.selector != null) errs.push(...validateLabels(spec.selector, 'spec.selector'));

  const affinity = spec.sessionAffinity ?? '';
  if (!affinity) errs.push(required('spec.sessionAffinity'));
  else if (!SESSION_AFFINITIES.includes(affinity)) errs.push(notSupported('spec.sessionAffinity', goQuote(affinity), SESSION_AFFINITIES));
  if (affinity === 'ClientIP') errs.push(...validateClientIPAffinityConfig(spec.sessionAffinityConfig));
  else if (affinity === 'None' && spec.sessionAffinityConfig != null) {
    errs.push(forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }

  errs.push(...validateServiceClusterIPsRelatedFields(svc));

  (spec.externalIPs ?? []).forEach((ip, i) => {
    const path = `spec.externalIPs[${i}]`;
    const ipErrs = validateIPForLegacyField(ip, path);
    errs.push(...(ipErrs.length > 0 ? ipErrs : validateNonSpecialIP(ip, path)));
  });

  const type = spec.type ?? '';
  if (!type) errs.push(required('spec.type'));
  else if (!SERVICE_TYPES.includes(type)) errs.push(notSupported('spec.type', goQuote(type), SERVICE_TYPES));

  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }

  // Duplicates are keyed by (protocol, nodePort) and by (protocol, port).
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    const key = `${p.protocol ?? ''}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(`spec.ports[${i}].nodePort`, String(p.nodePort)));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ''}/${p.port ?? 0}`;
    if (portKeys.has(key)) errs.push(duplicate(`spec.ports[${i}]`, goServicePortKey(p.protocol ?? '', p.port ?? 0)));
    portKeys.add(key);
  });

  errs.push(...validateSourceRanges(svc));

  if (spec.allocateLoadBalancerNodePorts != null && type !== 'LoadBalancer') {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', LB_ONLY));
  }
  // Upstream's path really has no "spec." here; defaulting makes it unreachable over HTTP.
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts == null) errs.push(required('allocateLoadBalancerNodePorts'));

  errs.push(...validateLoadBalancerClass(svc, undefined));
  errs.push(...validateExternalTrafficPolicy(svc));

  if (spec.internalTrafficPolicy == null) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(required('spec.internalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy)) {
    errs.push(notSupported('spec.internalTrafficPolicy', goQuote(spec.internalTrafficPolicy), TRAFFIC_POLICIES));
  }

  // PreferSameZone/PreferSameNode are behind the PreferSameTrafficDistribution gate, off in 1.33.
  if (spec.trafficDistribution != null && !TRAFFIC_DISTRIBUTIONS.includes(spec.trafficDistribution)) {
    errs.push(notSupported('spec.trafficDistribution', goQuote(spec.trafficDistribution), TRAFFIC_DISTRIBUTIONS));
  }
  return errs;
}

function validateServicePort(port: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = port.name ?? '';
  if (requireName && !name) {
    errs.push(required(`${path}.name`));
  } else if (name) {
    errs.push(...validateDNS1123Label(name, `${path}.name`));
    if (names.has(name)) errs.push(duplicate(`${path}.name`, goQuote(name)));
    else names.add(name);
  }
  const portNumber = port.port ?? 0;
  for (const msg of isValidPortNum(portNumber)) errs.push(invalid(`${path}.port`, String(portNumber), msg));
  const protocol = port.protocol ?? '';
  if (!protocol) errs.push(required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(`${path}.protocol`, goQuote(protocol), PROTOCOLS));
  // A targetPort on a headless Service is tolerated for compatibility with the v1 API.
  errs.push(...validatePortNumOrName(port.targetPort, `${path}.targetPort`));
  if (port.appProtocol != null) errs.push(...validateQualifiedName(port.appProtocol, `${path}.appProtocol`));
  return errs;
}

function validateClientIPAffinityConfig(config: SessionAffinityConfig | undefined | null): FieldError[] {
  const path = 'spec.sessionAffinityConfig';
  const detail = 'when session affinity type is ClientIP';
  if (config == null) return [required(path, detail)];
  if (config.clientIP == null) return [required(`${path}.clientIP`, detail)];
  const timeout = config.clientIP.timeoutSeconds;
  if (timeout == null) return [required(`${path}.clientIP.timeoutSeconds`, detail)];
  if (timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT_SECONDS) {
    return [invalid(`${path}.clientIP.timeoutSeconds`, String(timeout), `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT_SECONDS}`)];
  }
  return [];
}

/** The field, or else the legacy annotation; upstream's field path really is capitalised. */
function validateSourceRanges(svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  const isLB = svc.spec.type === 'LoadBalancer';
  const ranges = svc.spec.loadBalancerSourceRanges ?? [];
  const annotations = svc.metadata?.annotations ?? {};
  if (ranges.length > 0) {
    const path = 'spec.LoadBalancerSourceRanges';
    if (!isLB) errs.push(forbidden(path, LB_ONLY));
    // Space padding is tolerated, a leftover from when this was only an annotation.
    ranges.forEach((value, i) => errs.push(...validateCIDRForLegacyField(value.trim(), `${path}[${i}]`)));
  } else if (LB_SOURCE_RANGES in annotations) {
    const path = `metadata.annotations[${LB_SOURCE_RANGES}]`;
    if (!isLB) errs.push(forbidden(path, LB_ONLY));
    const value = annotations[LB_SOURCE_RANGES]!.trim();
    if (value) for (const cidr of value.split(',')) errs.push(...validateCIDRForLegacyField(cidr.trim(), path));
  }
  return errs;
}

/** validateLoadBalancerClassField; with `old`, also the update rule that the class is immutable on a LoadBalancer. */
function validateLoadBalancerClass(svc: Service, old: Service | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const path = 'spec.loadBalancerClass';
  const cls = svc.spec.loadBalancerClass;
  if (old && old.spec.type === 'LoadBalancer' && svc.spec.type === 'LoadBalancer' && (old.spec.loadBalancerClass ?? null) !== (cls ?? null)) {
    errs.push(invalid(path, goOptionalString(cls), 'may not change once set'));
  }
  if (svc.spec.type === 'LoadBalancer') {
    if (cls != null) errs.push(...validateQualifiedName(cls, path));
  } else if (cls != null) {
    errs.push(forbidden(path, LB_ONLY));
  }
  return errs;
}

function validateExternalTrafficPolicy(svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  const policy = svc.spec.externalTrafficPolicy ?? '';
  if (!externallyAccessible(svc)) {
    if (policy) errs.push(invalid('spec.externalTrafficPolicy', goQuote(policy), 'may only be set for externally-accessible services'));
  } else if (!policy) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(policy)) {
    errs.push(notSupported('spec.externalTrafficPolicy', goQuote(policy), TRAFFIC_POLICIES));
  }
  const hc = svc.spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck(svc)) {
    if (hc !== 0) {
      errs.push(invalid('spec.healthCheckNodePort', String(hc), "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (hc === 0) {
    errs.push(required('spec.healthCheckNodePort'));
  } else {
    for (const msg of isValidPortNum(hc)) errs.push(invalid('spec.healthCheckNodePort', String(hc), msg));
  }
  return errs;
}

/**
 * ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs/ipFamilies/ipFamilyPolicy
 * consistency. Also the pre-check of initIPFamilyFields, hence exported. Nothing for ExternalName.
 */
export function validateServiceClusterIPsRelatedFields(svc: Service): FieldError[] {
  const spec = svc.spec;
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const clusterIPs = spec.clusterIPs ?? [];
  const families = spec.ipFamilies ?? [];
  const listValue = goStringSlice(spec.clusterIPs);
  let hasInvalidIPs = false;

  if (spec.clusterIP) {
    if (clusterIPs.length === 0) errs.push(required('spec.clusterIPs'));
    else if (clusterIPs[0] !== spec.clusterIP) errs.push(invalid('spec.clusterIPs', listValue, 'first value must match `clusterIP`'));
  } else if (clusterIPs.length > 0) {
    errs.push(invalid('spec.clusterIPs', listValue, 'must be empty when `clusterIP` is not specified'));
  }

  const seen = new Set<string>();
  families.forEach((family, i) => {
    if (!IP_FAMILIES.includes(family)) errs.push(notSupported(`spec.ipFamilies[${i}]`, goQuote(family), IP_FAMILIES));
    // Rejecting repeats also makes two families one of each, in either order.
    if (seen.has(family)) errs.push(duplicate(`spec.ipFamilies[${i}]`, goQuote(family)));
    seen.add(family);
  });

  if (spec.ipFamilyPolicy != null && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', goQuote(spec.ipFamilyPolicy), IP_FAMILY_POLICIES));
  }

  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === CLUSTER_IP_NONE) {
      if (clusterIPs.length > 1) {
        hasInvalidIPs = true;
        errs.push(invalid('spec.clusterIPs', listValue, "'None' must be the first and only value"));
      }
      return;
    }
    const ipErrs = validateIPForLegacyField(ip, `spec.clusterIPs[${i}]`);
    if (ipErrs.length > 0) hasInvalidIPs = true;
    errs.push(...ipErrs);
  });

  if (clusterIPs.length > 2) errs.push(invalid('spec.clusterIPs', listValue, 'may only hold up to 2 values'));
  // Bad entries would skew the family checks below.
  if (hasInvalidIPs) return errs;

  if (clusterIPs.length > 1) {
    const found = new Set(clusterIPs.map((ip) => ipFamilyOf(ip)));
    if (!(found.has('IPv4') && found.has('IPv6'))) {
      errs.push(invalid('spec.clusterIPs', listValue, 'may specify no more than one IP for each IP family'));
    }
  }

  if (!isHeadless(svc) && clusterIPs.length > 0 && families.length > 0) {
    for (let i = 0; i < clusterIPs.length && i < families.length; i++) {
      const ip = clusterIPs[i]!;
      if (families[i] === 'IPv4' && isIPv6String(ip)) {
        errs.push(invalid(`spec.clusterIPs[${i}]`, goQuote(ip), `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (families[i] === 'IPv6' && !isIPv6String(ip)) {
        errs.push(invalid(`spec.clusterIPs[${i}]`, goQuote(ip), `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    }
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: the primary clusterIP is immutable; the secondary may come and go. */
function validateUpgradeDowngradeClusterIPs(old: Service, svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  if (svc.spec.type === 'ExternalName' || old.spec.type === 'ExternalName') return errs;
  if (isHeadless(old) && isHeadless(svc)) return errs;
  const before = old.spec.clusterIPs ?? [];
  const after = svc.spec.clusterIPs ?? [];
  const value = goStringSlice(svc.spec.clusterIPs);
  if (before.length === after.length) {
    before.forEach((ip, i) => {
      if (ip !== after[i]) errs.push(invalid(`spec.clusterIPs[${i}]`, value, 'may not change once set'));
    });
  } else if (before.length > after.length) {
    if (after.length === 0) errs.push(invalid('spec.clusterIPs[0]', value, 'primary clusterIP can not be unset'));
    if (after.length > 0 && after[0] !== before[0]) errs.push(invalid('spec.clusterIPs[0]', value, 'may not change once set'));
    if (after.length === 1 && svc.spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        invalid('spec.ipFamilyPolicy', goOptionalString(svc.spec.ipFamilyPolicy), "must be set to 'SingleStack' when releasing the secondary clusterIP"),
      );
    }
  } else if (before.length > 0 && after[0] !== before[0]) {
    errs.push(invalid('spec.clusterIPs[0]', value, 'may not change once set'));
  }
  return errs;
}

/**
 * validateUpgradeDowngradeIPFamilies. Upstream quirks kept: the path is always ipFamilies[0],
 * "primary ipFamily can not be unset" tests clusterIPs, and some errors show clusterIPs as value.
 */
function validateUpgradeDowngradeIPFamilies(old: Service, svc: Service): FieldError[] {
  const errs: FieldError[] = [];
  if (svc.spec.type === 'ExternalName' || old.spec.type === 'ExternalName') return errs;
  if (isHeadless(old) !== isHeadless(svc) || isHeadless(svc)) return errs;
  const before = old.spec.ipFamilies ?? [];
  const after = svc.spec.ipFamilies ?? [];
  const clusterIPsValue = goStringSlice(svc.spec.clusterIPs);
  if (before.length === after.length) {
    before.forEach((family, i) => {
      if (family !== after[i]) errs.push(invalid('spec.ipFamilies[0]', ipFamiliesValue(svc), 'may not change once set'));
    });
  } else if (before.length > after.length) {
    if ((svc.spec.clusterIPs?.length ?? 0) === 0) errs.push(invalid('spec.ipFamilies[0]', ipFamiliesValue(svc), 'primary ipFamily can not be unset'));
    if (after.length > 0 && after[0] !== before[0]) errs.push(invalid('spec.ipFamilies[0]', clusterIPsValue, 'may not change once set'));
    if (after.length === 1 && svc.spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        invalid('spec.ipFamilyPolicy', goOptionalString(svc.spec.ipFamilyPolicy), "must be set to 'SingleStack' when releasing the secondary ipFamily"),
      );
    }
  } else if (before.length > 0 && after.length > 0 && after[0] !== before[0]) {
    errs.push(invalid('spec.ipFamilies[0]', clusterIPsValue, 'may not change once set'));
  }
  return errs;
}

/** ValidateServiceUpdate: the update-only rules, then all of ValidateService. */
export function validateServiceUpdate(svc: Service, old: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  errs.push(...validateUpgradeDowngradeClusterIPs(old, svc));
  errs.push(...validateUpgradeDowngradeIPFamilies(old, svc));
  errs.push(...validateLoadBalancerClass(svc, old));
  if (needsHealthCheck(old) && needsHealthCheck(svc) && (old.spec.healthCheckNodePort ?? 0) !== (svc.spec.healthCheckNodePort ?? 0)) {
    errs.push(forbidden('spec.healthCheckNodePort', 'field is immutable'));
  }
  errs.push(...validateService(svc));
  return errs;
}
