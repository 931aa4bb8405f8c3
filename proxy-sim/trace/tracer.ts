import { cidrContains, parseCIDR, parseIP, type IP } from '../../shared/net/ip.js';
import type { AddressMatch, Rule, Tables } from './rules.js';

export type Protocol = 'tcp' | 'udp' | 'sctp';

export interface Packet {
  src: string;
  dst: string;
  dport: number;
  protocol: Protocol;
}

/** One rule the packet matched. */
interface PathStep {
  table: string;
  chain: string;
  rule: string;
  target: string;
  comment?: string;
  /** Why it matched, one phrase per match of the rule. */
  why: string[];
  /** The chance that a packet reaches this rule and takes it. */
  chance: number;
}

export interface TraceResult {
  /** upstream's tracer output: DNAT destinations joined by ", ", or ACCEPT/DROP/REJECT, or "". */
  output: string;
  /** KUBE-MARK-MASQ was reached: the packet's source is rewritten to a node address. */
  masq: boolean;
  path: PathStep[];
  /** Each final destination with the chance that a new connection ends there. */
  ends: { output: string; chance: number }[];
  /** Rules passed over because they look at state a first packet does not have. */
  notes: string[];
}

/** The filter chains whose verdicts decide a Service packet, after nat has run. */
const FILTER_CHAINS = ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL'];
const EVERY = 'matches every packet';
const VERDICTS = new Set(['ACCEPT', 'DROP', 'REJECT']);

/**
 * Follows one new connection's first packet through kube-proxy's chains, with the semantics
 * of upstream's test tracer (tracePacket in pkg/proxy/iptables/proxier_test.go) so that its
 * answers can be compared: nat KUBE-SERVICES first (PREROUTING and OUTPUT both jump there
 * unconditionally), then, with the destination rewritten by the first DNAT, the filter
 * chains. Every probabilistic jump is followed, so a Service with n endpoints yields n
 * destinations; rules matching conntrack state, the mark or an affinity record never match,
 * because a first packet has none. `localIPs` are the node's addresses (addrtype LOCAL).
 */
export function tracePacket(tables: Tables, packet: Packet, localIPs: readonly string[]): TraceResult {
  const local = new Set(['127.0.0.1', '::1', ...localIPs].map((s) => canonical(s)));
  const src = parseIP(packet.src);
  if (!src) throw new Error(`--src: "${packet.src}" is not an IP address`);
  if (!parseIP(packet.dst)) throw new Error(`--dst: "${packet.dst}" is not an IP address`);
  const state = { path: [] as PathStep[], outputs: [] as { output: string; chance: number }[], masq: false, notes: [] as string[] };

  const run = (table: string, chain: string, dst: string, chance: number, depth: number): boolean => {
    const rules = tables.get(table)?.get(chain);
    if (!rules || depth > 64) return false;
    let left = chance;
    for (const rule of rules) {
      if (!rule.target) continue;
      const why = matches(rule, { ...packet, dst }, src, local, state.notes);
      if (!why) continue;
      const taken = rule.probability === undefined ? left : left * rule.probability;
      if (rule.probability === undefined && left < chance && why.length === 1 && why[0] === EVERY) why[0] = 'takes the connections no rule above took';
      state.path.push({ table, chain, rule: rule.raw, target: rule.target, ...(rule.comment ? { comment: rule.comment } : {}), why, chance: taken });
      if (rule.target === 'KUBE-MARK-MASQ') {
        state.masq = true;
        continue;
      }
      if (VERDICTS.has(rule.target)) {
        state.outputs.push({ output: rule.target, chance: taken });
        return true;
      }
      if (rule.target === 'DNAT') {
        state.outputs.push({ output: rule.dnatTo ?? '', chance: taken });
        return true;
      }
      const terminated = run(table, rule.target, dst, taken, depth + 1);
      if (terminated && rule.probability === undefined) return true;
      if (rule.probability !== undefined) left -= taken;
    }
    return false;
  };

  run('nat', 'KUBE-SERVICES', packet.dst, 1, 0);
  const first = state.outputs[0]?.output;
  const dst = first && !VERDICTS.has(first) ? hostOf(first) : packet.dst;
  for (const chain of FILTER_CHAINS) run('filter', chain, dst, 1, 0);

  return {
    output: state.outputs.map((o) => o.output).join(', '),
    masq: state.masq,
    path: state.path,
    ends: state.outputs,
    notes: [...new Set(state.notes)],
  };
}

/** `10.0.0.1:80` or `[fd00::1]:80` → the address. */
function hostOf(destination: string): string {
  if (destination.startsWith('[')) return destination.slice(1, destination.indexOf(']'));
  const colon = destination.lastIndexOf(':');
  return colon > 0 && destination.indexOf(':') === colon ? destination.slice(0, colon) : destination;
}

function canonical(s: string): string {
  const ip = parseIP(s.includes('/') ? s.slice(0, s.indexOf('/')) : s);
  return ip ? `${ip.family}:${ip.value}` : s;
}

function addressMatches(m: AddressMatch, ip: IP): boolean {
  const cidr = parseCIDR(m.value.includes('/') ? m.value : `${m.value}/${ip.family === 4 ? 32 : 128}`);
  const inside = cidr !== undefined && cidr.family === ip.family && cidrContains(cidr, ip);
  return inside !== m.negated;
}

function describeAddress(what: string, ip: string, m: AddressMatch): string {
  if (m.value.includes('/')) return `${what} ${ip} is ${m.negated ? 'not ' : ''}in ${m.value}`;
  return m.negated ? `${what} ${ip} is not ${m.value}` : `${what} is ${m.value}`;
}

/** Why the rule matches the packet, or undefined when it does not. */
function matches(rule: Rule, p: Packet, src: IP, local: Set<string>, notes: string[]): string[] | undefined {
  const why: string[] = [];
  if (rule.source) {
    if (!addressMatches(rule.source, src)) return undefined;
    why.push(describeAddress('source', p.src, rule.source));
  }
  if (rule.srcType) {
    const isLocal = local.has(canonical(p.src));
    if ((rule.srcType.value === 'LOCAL') === (isLocal === rule.srcType.negated)) return undefined;
    why.push(`source ${p.src} is ${isLocal ? '' : 'not '}an address of this node (LOCAL)`);
  }
  if (rule.protocol !== undefined) {
    if (rule.protocol !== p.protocol) return undefined;
    why.push(`protocol ${p.protocol}`);
  }
  if (rule.destination) {
    const dst = parseIP(p.dst)!;
    if (!addressMatches(rule.destination, dst)) return undefined;
    why.push(describeAddress('destination', p.dst, rule.destination));
  }
  if (rule.dstType) {
    const isLocal = local.has(canonical(p.dst));
    if ((rule.dstType.value === 'LOCAL') === (isLocal === rule.dstType.negated)) return undefined;
    why.push(`destination ${p.dst} is ${isLocal ? '' : 'not '}an address of this node (LOCAL)`);
  }
  if (rule.dport !== undefined) {
    if (rule.dport !== p.dport) return undefined;
    why.push(`port ${p.dport}`);
  }
  if (rule.stateful) {
    notes.push(`${rule.chain}: a rule that needs ${rule.stateful} does not match a new connection's first packet`);
    return undefined;
  }
  if (rule.unknown) {
    notes.push(`${rule.chain}: a rule with options the tracer does not model (${rule.unknown}) is taken as not matching`);
    return undefined;
  }
  if (rule.probability !== undefined) why.push(`taken at random with probability ${rule.probability}`);
  if (rule.recentSet) why.push(`records the client in ${rule.recentSet} for session affinity`);
  if (why.length === 0) why.push(EVERY);
  return why;
}
