import { cidrContains, familyBits, formatIP, parseCIDR, parseIP, prefixMask, type CIDR, type Family, type IP } from '../../shared/net/ip.js';
import type { NodeSettings } from '../render/node-config.js';

/** The addresses of one family in the lab: the node, its neighbour, and the client pod. */
export interface FamilyPlan {
  family: Family;
  /** `ip/prefix` on the node's link to the remote node: the node IP and host addresses. */
  nodeAddresses: string[];
  /** The node IP of this family (what --node-ip or the first host address says). */
  nodeIP: string;
  /** The remote node's address on the same link: it stands for everything outside the node. */
  remoteIP: string;
  remotePrefix: number;
  /** The client pod on this node: inside the cluster CIDR, so kube-proxy takes it for a pod. */
  clientIP: string;
}

const isLoopback = (text: string) => text.startsWith('127.') || text === '::1';

/** An interface address: the address itself, and its prefix length. */
interface IfAddress {
  ip: IP;
  prefix: number;
}

const text = (a: IfAddress) => formatIP(a.ip);
const subnet = (a: IfAddress): CIDR => ({ family: a.ip.family, network: a.ip.value & prefixMask(a.ip.family, a.prefix), prefix: a.prefix });

function hostAddressesOf(node: NodeSettings, family: Family): IfAddress[] {
  const texts = node.hostAddresses.length > 0 ? node.hostAddresses : [node.nodeIP];
  const out: IfAddress[] = [];
  for (const t of texts) {
    const [ip, prefix] = t.split('/');
    if (isLoopback(ip!)) continue;
    const addr = parseIP(ip!);
    if (addr?.family !== family) continue;
    const bits = prefix === undefined ? (family === 4 ? 24 : 64) : Number(prefix);
    out.push({ ip: addr, prefix: bits });
  }
  return out;
}

/** The last address of the network that is none of `taken`, below the broadcast address. */
function lastFree(cidr: CIDR, taken: Set<bigint>): bigint | undefined {
  const size = 1n << BigInt(familyBits(cidr.family) - cidr.prefix);
  const base = cidr.network & prefixMask(cidr.family, cidr.prefix);
  for (let v = base + size - 2n; v > base; v--) if (!taken.has(v)) return v;
  return undefined;
}

const DEFAULT_CLIENT_NET: Record<Family, string> = { 4: '10.99.0.0/16', 6: 'fd00:99::/64' };

/**
 * Plans the lab's addresses from the node flags. Throws with a reason the user can act on
 * when the node cannot be built, e.g. a node IP that is loopback.
 */
export function planAddresses(node: NodeSettings, families: readonly Family[]): FamilyPlan[] {
  return families.map((family) => {
    const hosts = hostAddressesOf(node, family);
    const primary = parseIP(node.nodeIP);
    const nodeIP = primary?.family === family && !isLoopback(node.nodeIP) ? formatIP(primary) : hosts[0] && text(hosts[0]);
    if (!nodeIP) throw new Error(`--netns needs a non-loopback IPv${family} node address: give --node-ip or --host-addresses (e.g. ${family === 4 ? '192.168.0.2/24' : '2001:db8::2/64'})`);
    if (!hosts.some((h) => text(h) === nodeIP)) hosts.unshift({ ip: parseIP(nodeIP)!, prefix: family === 4 ? 24 : 64 });
    const link = hosts.find((h) => text(h) === nodeIP)!;
    const remote = lastFree(subnet(link), new Set(hosts.map((h) => h.ip.value)));
    if (remote === undefined) throw new Error(`--netns: the node's subnet ${nodeIP}/${link.prefix} has no room for a second node`);
    const clusterCIDR = node.clusterCIDRs.map((t) => parseCIDR(t)).find((c) => c?.family === family) ?? parseCIDR(DEFAULT_CLIENT_NET[family])!;
    const client = lastFree(clusterCIDR, new Set());
    if (client === undefined || cidrContains(subnet(link), { family, value: client })) throw new Error(`--netns: no room for a client pod in ${formatIP({ family, value: clusterCIDR.network })}/${clusterCIDR.prefix}`);
    return {
      family,
      nodeAddresses: hosts.map((h) => `${text(h)}/${h.prefix}`),
      nodeIP,
      remoteIP: formatIP({ family, value: remote }),
      remotePrefix: link.prefix,
      clientIP: formatIP({ family, value: client }),
    };
  });
}
