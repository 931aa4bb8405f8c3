import { NFACCT_CT_STATE_INVALID, type ProxierConfig } from './config.js';
import type { ServicePortRules } from './service-rules.js';

/**
 * The per-service parts of a restore input, each a list of whole lines, in service order.
 * "Synced" service ports are those whose own chains this sync writes.
 */
export interface RulesetSections {
  /** filter-table rules of every service port. */
  filter: readonly string[];
  /** `:CHAIN` lines of the synced service ports. */
  chainLines: readonly string[];
  /** Per service port: its KUBE-SERVICES and KUBE-NODEPORTS rules, then, if synced, its chains' rules. */
  natRules: readonly string[];
}

/** The sections of a full sync of these service ports. */
export function fullSections(rules: readonly ServicePortRules[]): RulesetSections {
  return {
    filter: rules.map((r) => r.filter),
    chainLines: rules.map((r) => r.chainLines),
    natRules: rules.flatMap((r) => [r.natJumps, r.chainRules]),
  };
}

const NODEPORTS_COMMENT = '"kubernetes service nodeports; NOTE: this must be the last rule in this chain"';

/**
 * The iptables-restore input of one sync (upstream's assembly at the end of syncProxyRules):
 * the filter table, then the nat table. Top-level chains are always declared and written in
 * full, service ports' own chains as `sections` says, and `staleChains` are flushed and deleted.
 */
export function assembleRestore(cfg: ProxierConfig, sections: RulesetSections, staleChains: readonly string[]): string {
  const mark = cfg.masqueradeMark;
  const out: string[] = [];

  out.push(
    '*filter\n' +
      ':KUBE-SERVICES - [0:0]\n' +
      ':KUBE-EXTERNAL-SERVICES - [0:0]\n' +
      ':KUBE-FORWARD - [0:0]\n' +
      ':KUBE-NODEPORTS - [0:0]\n' +
      ':KUBE-PROXY-FIREWALL - [0:0]\n',
  );
  if (cfg.family === 4 && cfg.localhostNodePorts) {
    // route_localnet opens a hole (kubernetes issue 90259); kubelet writes the same rule.
    out.push(
      ':KUBE-FIREWALL - [0:0]\n' +
        '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n',
    );
  }
  for (const part of sections.filter) out.push(part);
  if (!cfg.conntrackTCPLiberal) {
    const nfacct = cfg.nfacct.ctStateInvalidDropped ? ` -m nfacct --nfacct-name ${NFACCT_CT_STATE_INVALID}` : '';
    out.push(`-A KUBE-FORWARD -m conntrack --ctstate INVALID${nfacct} -j DROP\n`);
  }
  out.push(
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${mark}/${mark} -j ACCEPT\n` +
      '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n' +
      'COMMIT\n',
  );

  out.push('*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n');
  for (const part of sections.chainLines) out.push(part);
  for (const chain of staleChains) out.push(`:${chain} - [0:0]\n`);
  out.push(
    `-A KUBE-POSTROUTING -m mark ! --mark ${mark}/${mark} -j RETURN\n` +
      `-A KUBE-POSTROUTING -j MARK --xor-mark ${mark}\n` +
      `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE${cfg.randomFully ? ' --random-fully' : ''}\n` +
      `-A KUBE-MARK-MASQ -j MARK --or-mark ${mark}\n`,
  );
  for (const part of sections.natRules) out.push(part);
  for (const chain of staleChains) out.push(`-X ${chain}\n`);
  out.push(nodePortsJumps(cfg), 'COMMIT\n');
  return out.join('');
}

/** The last rule(s) of nat KUBE-SERVICES: NodePorts on the node's own addresses. */
function nodePortsJumps(cfg: ProxierConfig): string {
  if (cfg.nodePortIPs === undefined) {
    let dst = '-m addrtype --dst-type LOCAL';
    if (cfg.family === 6) dst += ' ! -d ::1/128';
    else if (!cfg.localhostNodePorts) dst += ' ! -d 127.0.0.0/8';
    return `-A KUBE-SERVICES -m comment --comment ${NODEPORTS_COMMENT} ${dst} -j KUBE-NODEPORTS\n`;
  }
  return cfg.nodePortIPs.map((ip) => `-A KUBE-SERVICES -m comment --comment ${NODEPORTS_COMMENT} -d ${ip} -j KUBE-NODEPORTS\n`).join('');
}
