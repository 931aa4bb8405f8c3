import { formatIP, parseIP } from '../../shared/net/ip.js';
import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { buildProxierConfig, hostAddresses, type NodeSettings } from '../render/node-config.js';
import { renderSnapshot } from '../render/snapshot.js';
import { explainTrace } from '../trace/explain.js';
import { parseTables } from '../trace/rules.js';
import { tracePacket, type Packet, type Protocol } from '../trace/tracer.js';

export function parseProtocol(value: string): Protocol {
  const p = value.toLowerCase();
  if (p !== 'tcp' && p !== 'udp' && p !== 'sctp') throw new Error(`--protocol: "${value}" is not tcp, udp or sctp`);
  return p;
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new Error(`--dport: "${value}" is not a port from 1 to 65535`);
  return n;
}

/**
 * `proxy-sim trace`: renders the rules of the packet's family for these objects, as `render`
 * does, and follows the packet through them. JSON is upstream's tracer triple; `path` holds
 * the rules matched, in order.
 */
export function traceCommand(node: NodeSettings, services: readonly Service[], slices: readonly EndpointSlice[], packet: Packet, json: boolean): string {
  const dst = parseIP(packet.dst);
  const src = parseIP(packet.src);
  if (!dst) throw new Error(`--dst: "${packet.dst}" is not an IP address`);
  if (!src) throw new Error(`--src: "${packet.src}" is not an IP address`);
  if (src.family !== dst.family) throw new Error('--src and --dst must be of the same IP family');
  const rules = renderSnapshot(buildProxierConfig(node, dst.family), services, slices);
  const result = tracePacket(parseTables(rules), { ...packet, src: formatIP(src), dst: formatIP(dst) }, hostAddresses(node).map(formatIP));
  if (json) {
    const path = result.path.map((s) => ({ table: s.table, chain: s.chain, rule: s.rule, why: s.why }));
    return JSON.stringify({ output: result.output, masq: result.masq, path }, null, 2) + '\n';
  }
  return explainTrace(packet, result);
}
