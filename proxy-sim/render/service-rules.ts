import { cidrContains } from '../../shared/net/ip.js';
import { categorizeEndpoints } from '../model/categorize.js';
import type { EndpointInfo } from '../model/endpoints.js';
import type { ServicePortInfo } from '../model/service-port.js';
import { NFACCT_LOCALHOST_NODEPORTS, type ProxierConfig } from './config.js';
import { probability } from './format.js';

/**
 * The rules of one service port, split the way the restore input interleaves them. Each
 * string is whole lines, each ending in "\n".
 */
export interface ServicePortRules {
  /** filter-table rules: written on every sync. */
  readonly filter: string;
  /** nat KUBE-SERVICES and KUBE-NODEPORTS rules: written on every sync. */
  readonly natJumps: string;
  /** `:CHAIN - [0:0]` lines of the per-service chains: written only when the Service is synced. */
  readonly chainLines: string;
  /** Rules of the per-service chains: written only when the Service is synced. */
  readonly chainRules: string;
  /** The per-service chains, in declaration order: what stale-chain cleanup must keep. */
  readonly chains: readonly string[];
}

/**
 * Rule generation for one service port, in the emission order of upstream's syncProxyRules
 * loop (pkg/proxy/iptables/proxier.go). `largeCluster` drops the comments of KUBE-SEP rules
 * and of the rules jumping to them.
 */
export function renderServicePort(
  sp: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
  cfg: ProxierConfig,
  largeCluster: boolean,
): ServicePortRules {
  const { cluster, local, allReachable, hasAny: hasEndpoints } = categorizeEndpoints(endpoints, sp, cfg);
  const name = sp.name;
  const proto = `-m ${sp.protocol} -p ${sp.protocol}`;
  const dport = `--dport ${sp.port}`;

  const usesClusterChain = cluster.length > 0 && sp.usesClusterEndpoints;
  const usesLocalChain = local.length > 0 && sp.usesLocalEndpoints;
  const internalChain = sp.internalPolicyLocal ? sp.svlChain : sp.svcChain;
  const hasInternalEndpoints = hasEndpoints && !(sp.internalPolicyLocal && local.length === 0);
  const externalPolicyChain = sp.externalPolicyLocal ? sp.svlChain : sp.svcChain;
  const hasExternalEndpoints = hasEndpoints && !(sp.externalPolicyLocal && local.length === 0);
  // Not hasExternalEndpoints: the short-circuit rules for pods and the node are needed even
  // when no local endpoint takes external traffic.
  const usesExtChain = hasEndpoints && sp.externallyAccessible;
  const usesFwChain = hasEndpoints && sp.loadBalancerVIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;
  const lbChain = usesFwChain ? sp.fwChain : sp.extChain;

  let internalTarget = '';
  let internalComment = '';
  let externalTarget = '';
  let externalComment = '';
  if (!hasEndpoints) {
    internalTarget = externalTarget = 'REJECT';
    internalComment = externalComment = `"${name} has no endpoints"`;
  } else {
    if (!hasInternalEndpoints) {
      internalTarget = 'DROP';
      internalComment = `"${name} has no local endpoints"`;
    }
    if (!hasExternalEndpoints) {
      externalTarget = 'DROP';
      externalComment = `"${name} has no local endpoints"`;
    }
  }

  // Lines go into arrays joined once: V8 then builds flat strings, which later joins copy
  // cheaply, instead of deep chains of concatenations.
  const filter: string[] = [];
  const natJumps: string[] = [];

  if (hasInternalEndpoints) {
    natJumps.push(`-A KUBE-SERVICES -m comment --comment "${name} cluster IP" ${proto} -d ${sp.clusterIP} ${dport} -j ${internalChain}\n`);
  } else {
    filter.push(`-A KUBE-SERVICES -m comment --comment ${internalComment} ${proto} -d ${sp.clusterIP} ${dport} -j ${internalTarget}\n`);
  }

  for (const ip of sp.externalIPs) {
    if (hasEndpoints) {
      natJumps.push(`-A KUBE-SERVICES -m comment --comment "${name} external IP" ${proto} -d ${ip} ${dport} -j ${sp.extChain}\n`);
    }
    if (!hasExternalEndpoints) {
      filter.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalComment} ${proto} -d ${ip} ${dport} -j ${externalTarget}\n`);
    }
  }

  for (const ip of sp.loadBalancerVIPs) {
    if (hasEndpoints) {
      natJumps.push(`-A KUBE-SERVICES -m comment --comment "${name} loadbalancer IP" ${proto} -d ${ip} ${dport} -j ${lbChain}\n`);
    }
    if (usesFwChain) {
      filter.push(`-A KUBE-PROXY-FIREWALL -m comment --comment "${name} traffic not accepted by ${sp.fwChain}" ${proto} -d ${ip} ${dport} -j DROP\n`);
    }
  }
  if (!hasExternalEndpoints) {
    for (const ip of sp.loadBalancerVIPs) {
      filter.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalComment} ${proto} -d ${ip} ${dport} -j ${externalTarget}\n`);
    }
  }

  if (sp.nodePort !== 0) {
    if (hasEndpoints) {
      if (cfg.localhostNodePorts && cfg.family === 4 && cfg.nfacct.localhostNodePortsAccepted) {
        natJumps.push(`-A KUBE-NODEPORTS -m comment --comment ${name} ${proto} -d 127.0.0.0/8 --dport ${sp.nodePort} -m nfacct --nfacct-name ${NFACCT_LOCALHOST_NODEPORTS} -j ${sp.extChain}\n`);
      }
      natJumps.push(`-A KUBE-NODEPORTS -m comment --comment ${name} ${proto} --dport ${sp.nodePort} -j ${sp.extChain}\n`);
    }
    if (!hasExternalEndpoints) {
      filter.push(`-A KUBE-EXTERNAL-SERVICES -m comment --comment ${externalComment} -m addrtype --dst-type LOCAL ${proto} --dport ${sp.nodePort} -j ${externalTarget}\n`);
    }
  }

  // Health checks are answered whether or not this node has endpoints.
  if (sp.healthCheckNodePort !== 0) {
    filter.push(`-A KUBE-NODEPORTS -m comment --comment "${name} health check node port" -m tcp -p tcp --dport ${sp.healthCheckNodePort} -j ACCEPT\n`);
  }

  const chainLines: string[] = [];
  const chainRules: string[] = [];
  const chains: string[] = [];
  const declare = (chain: string) => {
    chainLines.push(`:${chain} - [0:0]\n`);
    chains.push(chain);
  };

  if (hasInternalEndpoints) {
    // Masquerade off-cluster traffic to the cluster IP: it may be bridged off the node.
    const match = `-m comment --comment "${name} cluster IP" ${proto} -d ${sp.clusterIP} ${dport}`;
    if (cfg.masqueradeAll) {
      chainRules.push(`-A ${internalChain} ${match} -j KUBE-MARK-MASQ\n`);
    } else if (cfg.localDetector) {
      chainRules.push(`-A ${internalChain} ${match} ${cfg.localDetector.ifNotLocal} -j KUBE-MARK-MASQ\n`);
    }
  }

  if (usesExtChain) {
    const ext = sp.extChain;
    declare(ext);
    if (!sp.externalPolicyLocal) {
      chainRules.push(`-A ${ext} -m comment --comment "masquerade traffic for ${name} external destinations" -j KUBE-MARK-MASQ\n`);
    } else {
      if (cfg.localDetector) {
        chainRules.push(`-A ${ext} -m comment --comment "pod traffic for ${name} external destinations" ${cfg.localDetector.ifLocal} -j ${sp.svcChain}\n`);
      }
      chainRules.push(`-A ${ext} -m comment --comment "masquerade LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ\n`);
      chainRules.push(`-A ${ext} -m comment --comment "route LOCAL traffic for ${name} external destinations" -m addrtype --src-type LOCAL -j ${sp.svcChain}\n`);
    }
    if (hasExternalEndpoints) chainRules.push(`-A ${ext} -j ${externalPolicyChain}\n`);
  }

  if (usesFwChain) {
    const fw = sp.fwChain;
    declare(fw);
    const head = `-A ${fw} -m comment --comment "${name} loadbalancer IP"`;
    let allowFromNode = false;
    for (const range of sp.loadBalancerSourceRanges) {
      chainRules.push(`${head} -s ${range.text} -j ${sp.extChain}\n`);
      if (cfg.nodeIP && cidrContains(range.cidr, cfg.nodeIP)) allowFromNode = true;
    }
    // A VIP often sits on the node itself; the node's own requests then come from the VIP.
    if (allowFromNode) {
      for (const ip of sp.loadBalancerVIPs) chainRules.push(`${head} -s ${ip} -j ${sp.extChain}\n`);
    }
    chainRules.push(`-A ${fw} -m comment --comment "other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL"\n`);
  }

  if (usesClusterChain) {
    declare(sp.svcChain);
    serviceToEndpointRules(chainRules, sp, sp.svcChain, cluster, largeCluster);
  }
  if (usesLocalChain) {
    declare(sp.svlChain);
    serviceToEndpointRules(chainRules, sp, sp.svlChain, local, largeCluster);
  }

  const comment = largeCluster ? '' : ` -m comment --comment ${name}`;
  for (const ep of allReachable) {
    declare(ep.chain);
    chainRules.push(`-A ${ep.chain}${comment} -s ${ep.ip} -j KUBE-MARK-MASQ\n`);
    const recent = sp.clientIPAffinity ? ` -m recent --name ${ep.chain} --set` : '';
    chainRules.push(`-A ${ep.chain}${comment}${recent} ${proto} -j DNAT --to-destination ${ep.str}\n`);
  }

  return {
    filter: filter.join(''),
    natJumps: natJumps.join(''),
    chainLines: chainLines.join(''),
    chainRules: chainRules.join(''),
    chains,
  };
}

function serviceToEndpointRules(
  out: string[],
  sp: ServicePortInfo,
  chain: string,
  endpoints: readonly EndpointInfo[],
  largeCluster: boolean,
): void {
  const comment = (ep: EndpointInfo) => (largeCluster ? '' : ` -m comment --comment "${sp.name} -> ${ep.str}"`);
  if (sp.clientIPAffinity) {
    for (const ep of endpoints) {
      out.push(`-A ${chain}${comment(ep)} -m recent --name ${ep.chain} --rcheck --seconds ${sp.stickyMaxAgeSeconds} --reap -j ${ep.chain}\n`);
    }
  }
  const n = endpoints.length;
  for (let i = 0; i < n; i++) {
    const ep = endpoints[i]!;
    const statistic = i < n - 1 ? ` -m statistic --mode random --probability ${probability(n - i)}` : '';
    out.push(`-A ${chain}${comment(ep)}${statistic} -j ${ep.chain}\n`);
  }
}
