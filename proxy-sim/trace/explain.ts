import type { Packet, TraceResult } from './tracer.js';

/** What each of kube-proxy's chains is for, in a few words. */
function describeChain(table: string, chain: string): string {
  if (table === 'filter') {
    switch (chain) {
      case 'KUBE-SERVICES':
        return 'refuses cluster IPs that have no endpoints (REJECT) or no local ones (DROP)';
      case 'KUBE-EXTERNAL-SERVICES':
        return 'the same for external IPs, load balancer IPs and NodePorts';
      case 'KUBE-NODEPORTS':
        return 'lets health-check NodePorts in';
      case 'KUBE-PROXY-FIREWALL':
        return "drops load balancer traffic from outside loadBalancerSourceRanges";
    }
  }
  if (chain === 'KUBE-SERVICES') return "kube-proxy's entry point: every Service address and port (from PREROUTING and OUTPUT)";
  if (chain === 'KUBE-NODEPORTS') return 'NodePorts, for packets to an address of this node';
  if (chain === 'KUBE-MARK-MASQ') return 'marks the packet; KUBE-POSTROUTING will masquerade it';
  if (chain.startsWith('KUBE-SVC-')) return 'one Service port: picks one of all its endpoints';
  if (chain.startsWith('KUBE-SVL-')) return "one Service port, traffic policy Local: picks one of this node's endpoints";
  if (chain.startsWith('KUBE-EXT-')) return 'one Service port, traffic from outside the cluster (NodePort, external or load balancer IP)';
  if (chain.startsWith('KUBE-FW-')) return 'one Service port: loadBalancerSourceRanges';
  if (chain.startsWith('KUBE-SEP-')) return 'one endpoint: masquerade if it talks to itself, then DNAT to it';
  return 'a chain kube-proxy does not write';
}

function percent(chance: number): string {
  const p = chance * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}

/** The trace for people: each chain entered, each rule taken and why, then the verdict. */
export function explainTrace(packet: Packet, result: TraceResult): string {
  const lines: string[] = [`${packet.protocol.toUpperCase()} packet ${packet.src} -> ${packet.dst}:${packet.dport}, the first of a new connection`, ''];
  let last = '';
  for (const step of result.path) {
    const where = `${step.table} ${step.chain}`;
    if (where !== last) {
      lines.push(`${where}: ${describeChain(step.table, step.chain)}`);
      last = where;
    }
    const target = step.target === 'DNAT' ? `DNAT ${/--to-destination (\S+)/.exec(step.rule)?.[1] ?? ''}` : step.target;
    const chance = step.chance < 1 ? ` (${percent(step.chance)} of connections)` : '';
    // Per-service chains repeat the Service's name; the entry chains say which rule it was.
    const comment = step.comment && !/^KUBE-(SEP|SVC|SVL)-/.test(step.chain) ? ` [${step.comment}]` : '';
    lines.push(`  -> ${target}${chance}${comment}: ${step.why.join(', ')}`);
  }
  if (result.path.length === 0) lines.push('No kube-proxy rule matches: the packet goes on untouched (this is not a Service address and port on this node).');
  for (const note of result.notes) lines.push(`  note: ${note}`);
  lines.push('');
  lines.push(verdict(result));
  return lines.join('\n') + '\n';
}

function verdict(result: TraceResult): string {
  const dnat = result.ends.filter((e) => !['ACCEPT', 'DROP', 'REJECT'].includes(e.output));
  const verdicts = result.ends.filter((e) => !dnat.includes(e));
  const parts: string[] = [];
  if (dnat.length === 1) parts.push(`Result: DNAT to ${dnat[0]!.output}.`);
  else if (dnat.length > 1) parts.push(`Result: DNAT to one of ${dnat.map((e) => `${e.output} (${percent(e.chance)})`).join(', ')}; each connection picks one.`);
  for (const v of verdicts) {
    if (v.output === 'REJECT') parts.push(`Result: REJECT: the client gets "connection refused" at once (no endpoints).`);
    else if (v.output === 'DROP') parts.push('Result: DROP: the packet is thrown away; the client waits until it times out.');
    else parts.push('Result: ACCEPT: the node itself answers (a health-check port).');
  }
  if (parts.length === 0) parts.push('Result: not a kube-proxy destination.');
  if (dnat.length > 0) {
    parts.push(
      result.masq
        ? 'Masqueraded: KUBE-POSTROUTING rewrites the source to a node address, so replies come back through this node.'
        : 'Not masqueraded: the endpoint sees the client\'s own source address.',
    );
  }
  return parts.join('\n');
}
