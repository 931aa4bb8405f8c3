import type { Service, ServicePort, ServiceSpec } from '../../shared/api/core.js';
import { SERVICE_NAME_LABEL, type Endpoint, type EndpointSlice, type EndpointSlicePort } from '../../shared/api/discovery.js';
import type { ProxierConfig } from '../render/config.js';
import { buildProxierConfig, type NodeSettings } from '../render/node-config.js';

/** Test builders for the objects proxy-sim reads, shaped as the apiserver stores them. */

export function svc(
  namespacedName: string,
  spec: Partial<ServiceSpec> & { ports?: ServicePort[] },
  status?: Service['status'],
): Service {
  const [namespace, name] = namespacedName.split('/');
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name },
    spec: { type: 'ClusterIP', ports: [{ name: 'p80', port: 80, protocol: 'TCP' }], ...spec },
    ...(status ? { status } : {}),
  };
}

export function ep(ip: string, more: Partial<Endpoint> = {}): Endpoint {
  return { addresses: [ip], ...more };
}

export function slice(
  namespacedName: string,
  service: string,
  endpoints: Endpoint[],
  ports: EndpointSlicePort[] = [{ name: 'p80', port: 80, protocol: 'TCP' }],
  addressType = 'IPv4',
): EndpointSlice {
  const [namespace, name] = namespacedName.split('/');
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace, name, labels: { [SERVICE_NAME_LABEL]: service } },
    addressType,
    endpoints,
    ports,
  };
}

/** A node like upstream's fake proxier's, with the real mark format. */
export function testNode(overrides: Partial<NodeSettings> = {}): NodeSettings {
  return {
    nodeName: 'test-node',
    nodeIP: '192.168.0.2',
    hostAddresses: ['127.0.0.1/8', '::1/128', '192.168.0.2/24', '192.168.1.2/24', '2001:db8::1/64'],
    clusterCIDRs: ['10.0.0.0/8', 'fd00:10::/64'],
    detectLocalMode: 'ClusterCIDR',
    masqueradeAll: false,
    masqueradeBit: 14,
    nodePortAddresses: [],
    localhostNodePorts: true,
    conntrackTCPBeLiberal: false,
    randomFully: false,
    nfacct: false,
    ...overrides,
  };
}

export function testConfig(overrides: Partial<NodeSettings> = {}, family: 4 | 6 = 4): ProxierConfig {
  return buildProxierConfig(testNode(overrides), family);
}

/** The lines of `text` that start with `prefix` (e.g. `-A KUBE-SVC-`). */
export function linesStarting(text: string, prefix: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(prefix));
}
