import type { Family } from '../../shared/net/ip.js';

interface JumpRule {
  table: 'filter' | 'nat';
  chain: string;
  args: string[];
}

const rule = (table: JumpRule['table'], chain: string, comment: string | undefined, target: string, ctNew = false): JumpRule => ({
  table,
  chain,
  args: [...(ctNew ? ['-m', 'conntrack', '--ctstate', 'NEW'] : []), ...(comment ? ['-m', 'comment', '--comment', comment] : []), '-j', target],
});

/**
 * The rules kube-proxy adds outside iptables-restore at each full sync (EnsureChain, then
 * EnsureRule with Prepend, in this order), which send the built-in chains' packets to its
 * own. KUBE-FIREWALL exists only on IPv4 with localhost NodePorts.
 */
export function jumpRules(family: Family, firewallChain: boolean): JumpRule[] {
  const ext = 'kubernetes externally-visible service portals';
  const portals = 'kubernetes service portals';
  const lbFirewall = 'kubernetes load balancer firewall';
  const rules = [
    rule('filter', 'INPUT', ext, 'KUBE-EXTERNAL-SERVICES', true),
    rule('filter', 'FORWARD', ext, 'KUBE-EXTERNAL-SERVICES', true),
    rule('filter', 'INPUT', 'kubernetes health check service ports', 'KUBE-NODEPORTS'),
    rule('filter', 'FORWARD', portals, 'KUBE-SERVICES', true),
    rule('filter', 'OUTPUT', portals, 'KUBE-SERVICES', true),
    rule('filter', 'FORWARD', 'kubernetes forwarding rules', 'KUBE-FORWARD'),
    rule('filter', 'INPUT', lbFirewall, 'KUBE-PROXY-FIREWALL', true),
    rule('filter', 'OUTPUT', lbFirewall, 'KUBE-PROXY-FIREWALL', true),
    rule('filter', 'FORWARD', lbFirewall, 'KUBE-PROXY-FIREWALL', true),
    rule('nat', 'OUTPUT', portals, 'KUBE-SERVICES'),
    rule('nat', 'PREROUTING', portals, 'KUBE-SERVICES'),
    rule('nat', 'POSTROUTING', 'kubernetes postrouting rules', 'KUBE-POSTROUTING'),
  ];
  if (family === 4 && firewallChain) rules.push(rule('filter', 'INPUT', undefined, 'KUBE-FIREWALL'), rule('filter', 'OUTPUT', undefined, 'KUBE-FIREWALL'));
  return rules;
}
