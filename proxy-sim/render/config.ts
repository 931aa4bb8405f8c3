import type { Family, IP } from '../../shared/net/ip.js';

/** The local-traffic detector's match arguments, pre-joined. Undefined detector = NoOp. */
export interface LocalDetector {
  ifLocal: string;
  ifNotLocal: string;
}

/** Everything a proxier's rule generation depends on besides Services and endpoints. */
export interface ProxierConfig {
  family: Family;
  nodeName: string;
  /** The node's topology.kubernetes.io/zone label, for zone hints; '' when unknown. */
  zone: string;
  /** Decides whether a load balancer's source ranges let the node itself in. */
  nodeIP: IP | undefined;
  /** As written in rules: `0x00004000` on a real node (the upstream unit tests inject `0x4000`). */
  masqueradeMark: string;
  masqueradeAll: boolean;
  localDetector: LocalDetector | undefined;
  /** Already forced off for IPv6 and when --nodeport-addresses leaves out 127.0.0.0/8. */
  localhostNodePorts: boolean;
  /** undefined = every local address (`-m addrtype --dst-type LOCAL`); else these node IPs. */
  nodePortIPs: readonly string[] | undefined;
  conntrackTCPLiberal: boolean;
  /** The iptables binary supports MASQUERADE --random-fully. */
  randomFully: boolean;
  /** Which nfacct counters exist (created at the first full sync when the kernel allows). */
  nfacct: { ctStateInvalidDropped: boolean; localhostNodePortsAccepted: boolean };
}

export const NFACCT_CT_STATE_INVALID = 'ct_state_invalid_dropped_pkts';
export const NFACCT_LOCALHOST_NODEPORTS = 'localhost_nps_accepted_pkts';

/** Above this many endpoints in total, per-endpoint comments are dropped (upstream's threshold). */
export const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;
