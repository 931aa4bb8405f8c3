import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { ProxierConfig } from '../render/config.js';
import { buildProxierConfig, type NodeSettings } from '../render/node-config.js';

/** proxy-sim/testdata in the source tree (tests run from dist/, data is not compiled). */
export const TESTDATA = fileURLToPath(new URL('../../../proxy-sim/testdata/', import.meta.url));

export function readTestdata(path: string): string {
  return readFileSync(TESTDATA + path, 'utf8');
}

function readItems<T>(path: string): T[] {
  const parsed = JSON.parse(readTestdata(path)) as { items?: T[] } | T[];
  return Array.isArray(parsed) ? parsed : (parsed.items ?? []);
}

interface GoldenConfig {
  ipFamily: 'IPv4' | 'IPv6';
  nodeName: string;
  nodeIP: string;
  hostInterfaceAddresses: Record<string, string[]>;
  localDetector: { mode: string; cidr: string };
  masqueradeMark: string;
  masqueradeAll: boolean;
  localhostNodePorts: boolean;
  nodePortAddresses: string[] | null;
  conntrackTCPLiberal: boolean;
  nfAcctCounters: Record<string, boolean>;
  iptablesHasRandomFully: boolean;
}

/** The node settings of upstream's fake proxier, as a golden case's config.json gives them. */
function goldenNode(dir: string): { node: NodeSettings; family: 4 | 6; mark: string } {
  const c = JSON.parse(readTestdata(`golden/${dir}/config.json`)) as GoldenConfig;
  const node: NodeSettings = {
    nodeName: c.nodeName,
    nodeIP: c.nodeIP,
    hostAddresses: Object.values(c.hostInterfaceAddresses).flat(),
    clusterCIDRs: [c.localDetector.cidr],
    detectLocalMode: c.localDetector.mode === 'ClusterCIDR' ? 'ClusterCIDR' : 'NoOp',
    masqueradeAll: c.masqueradeAll,
    masqueradeBit: 14,
    nodePortAddresses: c.nodePortAddresses ?? [],
    localhostNodePorts: c.localhostNodePorts,
    conntrackTCPBeLiberal: c.conntrackTCPLiberal,
    randomFully: c.iptablesHasRandomFully,
    nfacct: Object.values(c.nfAcctCounters).every(Boolean),
  };
  return { node, family: c.ipFamily === 'IPv6' ? 6 : 4, mark: c.masqueradeMark };
}

/** The fake proxier's configuration; its mark is the literal string the upstream test injects. */
export function goldenConfig(dir: string): ProxierConfig {
  const { node, family, mark } = goldenNode(dir);
  return { ...buildProxierConfig(node, family), masqueradeMark: mark };
}

export function goldenObjects(dir: string): { services: Service[]; slices: EndpointSlice[] } {
  return {
    services: readItems<Service>(`golden/${dir}/services.json`),
    slices: readItems<EndpointSlice>(`golden/${dir}/endpointslices.json`),
  };
}
