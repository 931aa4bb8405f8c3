import type { EndpointInfo } from './endpoints.js';

/** What CategorizeEndpoints needs of a service port. */
export interface TrafficPolicyUse {
  usesClusterEndpoints: boolean;
  usesLocalEndpoints: boolean;
}

/** Where the node is, for topology hints. kube-proxy reads the zone from its Node's labels. */
interface NodeTopology {
  nodeName: string;
  zone: string;
}

interface CategorizedEndpoints {
  /** Endpoints for Cluster traffic policy; empty when the port never uses it. */
  cluster: EndpointInfo[];
  /** Endpoints for Local traffic policy; empty when the port never uses it. */
  local: EndpointInfo[];
  /** Every endpoint this node can send to: one KUBE-SEP chain each. */
  allReachable: EndpointInfo[];
  /** Whether the service has a usable endpoint anywhere in the cluster. */
  hasAny: boolean;
}

type TopologyMode = '' | 'PreferSameZone';

/**
 * upstream pkg/proxy/topology.go CategorizeEndpoints: Ready endpoints (narrowed by topology
 * hints when every ready endpoint carries one for this node or zone), falling back, separately
 * for Cluster and Local policy, to Serving+Terminating ones.
 *
 * One deliberate difference: where upstream merges the two lists through a Go map (random
 * order), this returns the union in endpoint-string order, so the output is deterministic.
 */
export function categorizeEndpoints(
  endpoints: readonly EndpointInfo[],
  svc: TrafficPolicyUse,
  node: NodeTopology,
): CategorizedEndpoints {
  let cluster: EndpointInfo[] = [];
  let local: EndpointInfo[] = [];
  let hasAny = false;
  let mode: TopologyMode = '';
  let localFellBack = false;

  if (svc.usesClusterEndpoints) {
    mode = topologyMode(endpoints, node);
    // Usually every endpoint is ready and there are no hints: then the list is used as is.
    cluster = mode === '' && endpoints.every((ep) => ep.ready) ? (endpoints as EndpointInfo[]) : endpoints.filter((ep) => ep.ready && availableForTopology(ep, mode, node));
    if (cluster.length === 0) cluster = endpoints.filter((ep) => ep.serving && ep.terminating);
    hasAny = cluster.length > 0;
  }
  if (!svc.usesLocalEndpoints) return { cluster, local, allReachable: cluster, hasAny };

  let localReady = false;
  let localServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAny = true;
      if (ep.isLocal) localReady = true;
    } else if (ep.serving && ep.terminating) {
      hasAny = true;
      if (ep.isLocal) localServingTerminating = true;
    }
  }
  if (localReady) {
    local = endpoints.filter((ep) => ep.isLocal && ep.ready);
  } else if (localServingTerminating) {
    localFellBack = true;
    local = endpoints.filter((ep) => ep.isLocal && ep.serving && ep.terminating);
  }
  if (!svc.usesClusterEndpoints) return { cluster, local, allReachable: local, hasAny };
  // Ready local endpoints are all in `cluster` unless topology narrowed it.
  if (mode === '' && !localFellBack) return { cluster, local, allReachable: cluster, hasAny };

  const union = new Map<string, EndpointInfo>();
  for (const ep of cluster) union.set(ep.str, ep);
  for (const ep of local) union.set(ep.str, ep);
  const allReachable = [...union.values()].sort((a, b) => (a.str < b.str ? -1 : a.str > b.str ? 1 : 0));
  return { cluster, local, allReachable, hasAny };
}

/**
 * Zone hints only: node hints (forNodes, topology mode PreferSameNode) come with the
 * PreferSameTrafficDistribution gate, alpha and off by default in 1.33.
 */
function topologyMode(endpoints: readonly EndpointInfo[], node: NodeTopology): TopologyMode {
  let forZone = false;
  let allZoneHints = true;
  for (const ep of endpoints) {
    if (!ep.ready) continue;
    if (!ep.zoneHints) allZoneHints = false;
    else if (ep.zoneHints.has(node.zone)) forZone = true;
  }
  return allZoneHints && forZone ? 'PreferSameZone' : '';
}

function availableForTopology(ep: EndpointInfo, mode: TopologyMode, node: NodeTopology): boolean {
  if (mode === 'PreferSameZone') return ep.zoneHints?.has(node.zone) ?? false;
  return true;
}
