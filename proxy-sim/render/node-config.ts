import { cidrContains, formatIP, parseCIDR, parseIP, type CIDR, type Family, type IP } from '../../shared/net/ip.js';
import type { LocalDetector, ProxierConfig } from './config.js';
import { masqueradeMark } from './format.js';

export type DetectLocalMode = 'ClusterCIDR' | 'NoOp';

/** The simulated node, as the command line describes it (validated by the CLI). */
export interface NodeSettings {
  nodeName: string;
  nodeIP: string;
  /** Interface addresses as `ip/prefix`; the node IP and loopback when none are given. */
  hostAddresses: string[];
  clusterCIDRs: string[];
  detectLocalMode: DetectLocalMode;
  masqueradeAll: boolean;
  masqueradeBit: number;
  /** CIDRs, or the single word `primary`. */
  nodePortAddresses: string[];
  localhostNodePorts: boolean;
  conntrackTCPBeLiberal: boolean;
  randomFully: boolean;
  nfacct: boolean;
}

const IPV4_LOOPBACK: CIDR = parseCIDR('127.0.0.0/8')!;

/** The addresses of the node's interfaces, defaulting as `--host-addresses` documents. */
export function hostAddresses(node: NodeSettings): IP[] {
  const texts = node.hostAddresses.length > 0 ? node.hostAddresses : [node.nodeIP, '127.0.0.1/8', '::1/128'];
  const out: IP[] = [];
  for (const t of texts) {
    const ip = parseIP(t.includes('/') ? t.slice(0, t.indexOf('/')) : t);
    if (ip && !out.some((o) => o.family === ip.family && o.value === ip.value)) out.push(ip);
  }
  return out;
}

function isLoopback(ip: IP): boolean {
  return ip.family === 4 ? cidrContains(IPV4_LOOPBACK, ip) : ip.value === 1n;
}

/**
 * One proxier's configuration, with the adjustments upstream's NewProxier and
 * NewDualStackProxier make: the mark from the bit, localhost NodePorts only on IPv4 and only
 * when --nodeport-addresses covers 127.0.0.0/8, the detector's CIDR of this family (NoOp when
 * there is none), and the NodePort addresses resolved against the host's interfaces.
 */
export function buildProxierConfig(node: NodeSettings, family: Family): ProxierConfig {
  const hosts = hostAddresses(node);
  const primary = parseIP(node.nodeIP);
  const nodeIP = primary?.family === family ? primary : hosts.find((ip) => ip.family === family && !isLoopback(ip));

  // NewNodePortAddresses: keep this family's CIDRs; none means match-all.
  let cidrTexts = node.nodePortAddresses;
  if (cidrTexts.length === 1 && cidrTexts[0] === 'primary') {
    cidrTexts = nodeIP ? [`${formatIP(nodeIP)}/${family === 4 ? 32 : 128}`] : [];
  }
  const cidrs = cidrTexts.map((t) => parseCIDR(t.trim())).filter((c): c is CIDR => c?.family === family);
  const matchAll = cidrs.length === 0 || cidrs.some((c) => c.prefix === 0);
  const containsIPv4Loopback =
    family === 4 && (matchAll || cidrs.some((c) => cidrContains(IPV4_LOOPBACK, { family: 4, value: c.network }) || cidrContains(c, { family: 4, value: 0x7f000000n })));
  const localhostNodePorts = family === 4 && node.localhostNodePorts && containsIPv4Loopback;

  let nodePortIPs: string[] | undefined;
  if (!matchAll) {
    const matched = hosts
      .filter((ip) => cidrs.some((c) => cidrContains(c, ip)))
      // Loopback NodePorts never work on IPv6, and on IPv4 only with route_localnet.
      .filter((ip) => !isLoopback(ip) || (family === 4 && localhostNodePorts));
    matched.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    nodePortIPs = matched.map(formatIP);
  }

  let localDetector: LocalDetector | undefined;
  if (node.detectLocalMode === 'ClusterCIDR') {
    const cidr = node.clusterCIDRs.map((t) => t.trim()).find((t) => parseCIDR(t)?.family === family);
    if (cidr) localDetector = { ifLocal: `-s ${cidr}`, ifNotLocal: `! -s ${cidr}` };
  }

  return {
    family,
    nodeName: node.nodeName,
    // kube-proxy takes the zone from its Node object's labels; proxy-sim watches no Nodes.
    zone: '',
    nodeIP,
    masqueradeMark: masqueradeMark(node.masqueradeBit),
    masqueradeAll: node.masqueradeAll,
    localDetector,
    localhostNodePorts,
    nodePortIPs,
    conntrackTCPLiberal: node.conntrackTCPBeLiberal,
    randomFully: node.randomFully,
    nfacct: { ctStateInvalidDropped: node.nfacct, localhostNodePortsAccepted: node.nfacct },
  };
}
