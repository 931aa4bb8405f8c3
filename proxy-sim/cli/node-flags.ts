import { hostname } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parseCIDR, parseIP, type Family } from '../../shared/net/ip.js';
import type { DetectLocalMode, NodeSettings } from '../render/node-config.js';

/** Boolean flags, which also take pflag's `--flag=true|false`. */
export const BOOLEAN_FLAGS: ReadonlySet<string> = new Set([
  'masquerade-all',
  'iptables-localhost-nodeports',
  'conntrack-tcp-be-liberal',
  'random-fully',
  'nfacct',
]);

export interface NodeFlagValues {
  hostnameOverride: string;
  nodeIp: string;
  hostAddresses: string[];
  clusterCidr: string[];
  detectLocalMode: DetectLocalMode;
  masqueradeAll: boolean;
  iptablesMasqueradeBit: number;
  nodeportAddresses: string[];
  iptablesLocalhostNodeports: boolean;
  conntrackTcpBeLiberal: boolean;
  randomFully: boolean;
  nfacct: boolean;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function ipArg(value: string): string {
  if (!parseIP(value.trim())) throw new InvalidArgumentError(`"${value}" is not a valid IP address.`);
  return value.trim();
}

function cidrList(value: string): string[] {
  const items = list(value);
  for (const item of items) if (!parseCIDR(item)) throw new InvalidArgumentError(`"${item}" is not a valid CIDR.`);
  return items;
}

function hostAddressList(value: string): string[] {
  const items = list(value);
  for (const item of items) {
    if (!(item.includes('/') ? parseCIDR(item) : parseIP(item))) {
      throw new InvalidArgumentError(`"${item}" is not an address with a prefix length, such as 192.168.0.2/24.`);
    }
  }
  return items;
}

function nodePortAddressList(value: string): string[] {
  const items = list(value);
  if (items.length === 1 && items[0] === 'primary') return items;
  for (const item of items) {
    if (!parseCIDR(item)) throw new InvalidArgumentError(`"${item}" is not a valid CIDR (or use the single value "primary").`);
  }
  return items;
}

function masqueradeBit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 31) throw new InvalidArgumentError('must be an integer from 0 to 31.');
  return n;
}

function detectLocalMode(value: string): DetectLocalMode {
  if (value !== 'ClusterCIDR' && value !== 'NoOp') throw new InvalidArgumentError('must be ClusterCIDR or NoOp.');
  return value;
}

function booleanFlag(cmd: Command, name: string, description: string, defaultValue: boolean): void {
  cmd.addOption(new Option(`--${name}`, `${description}; also --${name}=true|false`).default(defaultValue));
  cmd.addOption(new Option(`--no-${name}`).hideHelp());
}

/** The simulated node's flags, with kube-proxy's names. */
export function addNodeFlags(cmd: Command): Command {
  const opt = (flags: string, description: string) => new Option(flags, description);
  cmd
    .addOption(opt('--hostname-override <name>', 'node name: endpoints on this node are local').default(hostname().toLowerCase(), 'the host name'))
    .addOption(opt('--node-ip <ip>', "the node's primary IP").argParser(ipArg).default('127.0.0.1'))
    .addOption(
      opt('--host-addresses <list>', "the node's interface addresses as ip/prefix, comma-separated")
        .argParser(hostAddressList)
        .default([], 'the node IP and loopback'),
    )
    .addOption(
      opt('--cluster-cidr <cidrs>', 'pod CIDRs, one per family, comma-separated: the ClusterCIDR local-traffic detector uses them')
        .argParser(cidrList)
        .default([], 'none'),
    )
    .addOption(
      opt('--detect-local-mode <mode>', 'local-traffic detector: ClusterCIDR (NoOp when there is no CIDR) or NoOp')
        .argParser(detectLocalMode)
        .default('ClusterCIDR'),
    )
    .addOption(opt('--iptables-masquerade-bit <bit>', 'the fwmark bit that marks packets to masquerade').argParser(masqueradeBit).default(14))
    .addOption(
      opt('--nodeport-addresses <cidrs>', 'CIDRs of the node addresses that accept NodePorts, or "primary"')
        .argParser(nodePortAddressList)
        .default([], 'all'),
    );
  booleanFlag(cmd, 'masquerade-all', 'masquerade all traffic to cluster IPs', false);
  booleanFlag(cmd, 'iptables-localhost-nodeports', 'accept NodePorts on 127.0.0.1 (IPv4)', true);
  booleanFlag(cmd, 'conntrack-tcp-be-liberal', 'nf_conntrack_tcp_be_liberal is set: no DROP of INVALID packets', false);
  booleanFlag(cmd, 'random-fully', 'iptables supports MASQUERADE --random-fully', false);
  booleanFlag(cmd, 'nfacct', 'the kernel has nfacct: add the counter matches', false);
  return cmd;
}

export function nodeSettings(v: NodeFlagValues): NodeSettings {
  return {
    nodeName: v.hostnameOverride,
    nodeIP: v.nodeIp,
    hostAddresses: v.hostAddresses,
    clusterCIDRs: v.clusterCidr,
    detectLocalMode: v.detectLocalMode,
    masqueradeAll: v.masqueradeAll,
    masqueradeBit: v.iptablesMasqueradeBit,
    nodePortAddresses: v.nodeportAddresses,
    localhostNodePorts: v.iptablesLocalhostNodeports,
    conntrackTCPBeLiberal: v.conntrackTcpBeLiberal,
    randomFully: v.randomFully,
    nfacct: v.nfacct,
  };
}

/** `--ip-family`: one family, or for live mode also both (`IPv4,IPv6`: a dual-stack node). */
export function ipFamilies(value: string | undefined, nodeIP: string, allowBoth: boolean): Family[] {
  if (value === undefined) return [parseIP(nodeIP)?.family ?? 4];
  const items = list(value);
  const families = items.map((s) => {
    if (s === 'IPv4') return 4 as const;
    if (s === 'IPv6') return 6 as const;
    throw new Error(`--ip-family: "${s}" is not IPv4 or IPv6.`);
  });
  if (families.length === 0 || families.length > (allowBoth ? 2 : 1) || new Set(families).size !== families.length) {
    throw new Error(allowBoth ? '--ip-family takes IPv4, IPv6, or both separated by a comma.' : '--ip-family takes IPv4 or IPv6.');
  }
  return families;
}
