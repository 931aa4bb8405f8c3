import { expect } from 'chai';
import { categorizeEndpoints, type TrafficPolicyUse } from './categorize.js';
import type { EndpointInfo } from './endpoints.js';

/** A compact endpoint: `10.0.0.1:80` plus flags, as upstream's topology_test.go writes them. */
function e(str: string, o: { local?: boolean; ready?: boolean; serving?: boolean; terminating?: boolean; zones?: string[] } = {}): EndpointInfo {
  return {
    ip: str.slice(0, str.lastIndexOf(':')),
    str,
    isLocal: o.local ?? false,
    ready: o.ready ?? true,
    serving: o.serving ?? o.ready ?? true,
    terminating: o.terminating ?? false,
    zoneHints: o.zones ? new Set(o.zones) : undefined,
    chain: `KUBE-SEP-${str}`,
  };
}

const cluster: TrafficPolicyUse = { usesClusterEndpoints: true, usesLocalEndpoints: false };
const local: TrafficPolicyUse = { usesClusterEndpoints: false, usesLocalEndpoints: true };
const both: TrafficPolicyUse = { usesClusterEndpoints: true, usesLocalEndpoints: true };
const node = { nodeName: 'node-a', zone: 'zone-a' };

interface Case {
  name: string;
  svc: TrafficPolicyUse;
  endpoints: EndpointInfo[];
  cluster: string[];
  local: string[];
  all: string[];
  hasAny: boolean;
}

const cases: Case[] = [
  {
    name: 'cluster policy: ready endpoints only',
    svc: cluster,
    endpoints: [e('10.0.0.1:80'), e('10.0.0.2:80', { ready: false, serving: false }), e('10.0.0.3:80', { ready: false, serving: true, terminating: true })],
    cluster: ['10.0.0.1:80'], local: [], all: ['10.0.0.1:80'], hasAny: true,
  },
  {
    name: 'cluster policy: falls back to serving terminating endpoints',
    svc: cluster,
    endpoints: [e('10.0.0.1:80', { ready: false, serving: true, terminating: true }), e('10.0.0.2:80', { ready: false, serving: false, terminating: true })],
    cluster: ['10.0.0.1:80'], local: [], all: ['10.0.0.1:80'], hasAny: true,
  },
  {
    name: 'cluster policy: not serving endpoints are never used',
    svc: cluster,
    endpoints: [e('10.0.0.1:80', { ready: false, serving: false, terminating: true })],
    cluster: [], local: [], all: [], hasAny: false,
  },
  {
    name: 'zone hints for this zone narrow the cluster endpoints',
    svc: cluster,
    endpoints: [e('10.0.0.1:80', { zones: ['zone-a'] }), e('10.0.0.2:80', { zones: ['zone-b'] }), e('10.0.0.3:80', { zones: ['zone-a'] })],
    cluster: ['10.0.0.1:80', '10.0.0.3:80'], local: [], all: ['10.0.0.1:80', '10.0.0.3:80'], hasAny: true,
  },
  {
    name: 'zone hints are ignored unless every ready endpoint has one',
    svc: cluster,
    endpoints: [e('10.0.0.1:80', { zones: ['zone-a'] }), e('10.0.0.2:80')],
    cluster: ['10.0.0.1:80', '10.0.0.2:80'], local: [], all: ['10.0.0.1:80', '10.0.0.2:80'], hasAny: true,
  },
  {
    name: 'zone hints are ignored when none is for this zone',
    svc: cluster,
    endpoints: [e('10.0.0.1:80', { zones: ['zone-b'] }), e('10.0.0.2:80', { zones: ['zone-c'] })],
    cluster: ['10.0.0.1:80', '10.0.0.2:80'], local: [], all: ['10.0.0.1:80', '10.0.0.2:80'], hasAny: true,
  },
  {
    name: 'local policy: local ready endpoints',
    svc: local,
    endpoints: [e('10.0.0.1:80', { local: true }), e('10.0.0.2:80'), e('10.0.0.3:80', { local: true, ready: false, serving: false })],
    cluster: [], local: ['10.0.0.1:80'], all: ['10.0.0.1:80'], hasAny: true,
  },
  {
    name: 'local policy: no local endpoint, but endpoints elsewhere',
    svc: local,
    endpoints: [e('10.0.0.2:80')],
    cluster: [], local: [], all: [], hasAny: true,
  },
  {
    name: 'local policy: remote serving terminating endpoint keeps hasAny',
    svc: local,
    endpoints: [e('10.0.0.2:80', { ready: false, serving: true, terminating: true })],
    cluster: [], local: [], all: [], hasAny: true,
  },
  {
    name: 'local policy: falls back to local serving terminating endpoints',
    svc: local,
    endpoints: [e('10.0.0.1:80', { local: true, ready: false, serving: true, terminating: true }), e('10.0.0.2:80')],
    cluster: [], local: ['10.0.0.1:80'], all: ['10.0.0.1:80'], hasAny: true,
  },
  {
    name: 'both policies: all reachable is the cluster list when local is ready',
    svc: both,
    endpoints: [e('10.0.0.1:80', { local: true }), e('10.0.0.2:80')],
    cluster: ['10.0.0.1:80', '10.0.0.2:80'], local: ['10.0.0.1:80'], all: ['10.0.0.1:80', '10.0.0.2:80'], hasAny: true,
  },
  {
    name: 'both policies: union when local falls back to terminating endpoints',
    svc: both,
    endpoints: [e('10.0.0.3:80', { local: true, ready: false, serving: true, terminating: true }), e('10.0.0.2:80')],
    cluster: ['10.0.0.2:80'], local: ['10.0.0.3:80'], all: ['10.0.0.2:80', '10.0.0.3:80'], hasAny: true,
  },
  {
    name: 'both policies: union when topology narrowed the cluster list',
    svc: both,
    endpoints: [e('10.0.0.1:80', { local: true, zones: ['zone-b'] }), e('10.0.0.2:80', { zones: ['zone-a'] })],
    cluster: ['10.0.0.2:80'], local: ['10.0.0.1:80'], all: ['10.0.0.1:80', '10.0.0.2:80'], hasAny: true,
  },
  {
    name: 'no endpoints at all',
    svc: both,
    endpoints: [],
    cluster: [], local: [], all: [], hasAny: false,
  },
];

describe('categorizeEndpoints (upstream topology.go)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = categorizeEndpoints(c.endpoints, c.svc, node);
      expect(got.cluster.map((x) => x.str), 'cluster').to.deep.equal(c.cluster);
      expect(got.local.map((x) => x.str), 'local').to.deep.equal(c.local);
      expect(got.allReachable.map((x) => x.str), 'allReachable').to.deep.equal(c.all);
      expect(got.hasAny, 'hasAny').to.equal(c.hasAny);
    });
  }
});
