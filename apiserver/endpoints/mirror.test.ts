import { expect } from 'chai';
import type { Endpoints, Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { MAX_ENDPOINTS_PER_SUBSET, planMirrors, shouldMirror } from './mirror.js';

const endpoints = (subsets: Endpoints['subsets'], metadata: Partial<Endpoints['metadata']> = {}): Endpoints => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'db', namespace: 'ns', uid: 'u-1', ...metadata },
  subsets,
});
const svc = (selector?: Record<string, string>): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'ns' }, spec: selector ? { selector } : {} });
const ips = (n: number, base: string) => Array.from({ length: n }, (_, i) => ({ ip: `${base}.${i >> 8}.${i & 255}` }));

describe('Endpoints mirroring, as upstream endpointslicemirroring (pure)', () => {
  it('mirrors only Endpoints of an existing Service without a selector', () => {
    const ep = endpoints([]);
    expect(shouldMirror(ep, svc())).to.equal(true);
    expect(shouldMirror(ep, svc({}))).to.equal(true);
    expect(shouldMirror(ep, svc({ app: 'db' }))).to.equal(false);
    expect(shouldMirror(ep, undefined)).to.equal(false);
    expect(shouldMirror(endpoints([], { labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }), svc())).to.equal(false);
    expect(shouldMirror(endpoints([], { annotations: { 'control-plane.alpha.kubernetes.io/leader': '{}' } }), svc())).to.equal(false);
  });

  it("names a new mirror by generateName '<endpoints>-', labels it as upstream and copies labels and annotations", () => {
    const ep = endpoints([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }], {
      labels: { team: 'a' },
      annotations: { note: 'x', 'endpoints.kubernetes.io/last-change-trigger-time': 't', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    });
    const { write, remove } = planMirrors(ep, []);
    expect(remove).to.deep.equal([]);
    expect(write).to.have.length(1);
    const [slice] = write;
    expect(slice!.metadata.name).to.match(/^db-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice!.metadata.labels).to.deep.equal({
      team: 'a',
      'kubernetes.io/service-name': 'db',
      'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io',
    });
    expect(slice!.metadata.annotations).to.deep.equal({ note: 'x' });
    expect(slice!.metadata.ownerReferences).to.deep.equal([{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: 'u-1', controller: true, blockOwnerDeletion: true }]);
  });

  it('merges subsets with equal ports (in any order) into one slice per family', () => {
    const ports = [{ name: 'a', port: 80 }, { name: 'b', port: 81 }];
    const ep = endpoints([
      { addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], ports },
      { addresses: [{ ip: '10.0.0.2' }], notReadyAddresses: [{ ip: '10.0.0.3' }], ports: [...ports].reverse() },
      { addresses: [{ ip: '10.0.0.4' }], ports: [{ name: 'a', port: 8080 }] },
    ]);
    const { write } = planMirrors(ep, []);
    const summary = write.map((s) => [s.addressType, s.ports!.map((p) => p.port), s.endpoints!.map((e) => `${e.addresses[0]}:${e.conditions!.ready}`)]);
    expect(summary).to.deep.equal([
      ['IPv4', [80, 81], ['10.0.0.1:true', '10.0.0.2:true', '10.0.0.3:false']],
      ['IPv6', [80, 81], ['fd00::1:true']],
      ['IPv4', [8080], ['10.0.0.4:true']],
    ]);
  });

  it(`takes at most ${MAX_ENDPOINTS_PER_SUBSET} addresses of a subset, ready ones first, and holds as many in a slice`, () => {
    const one = planMirrors(endpoints([{ addresses: ips(900, '10.1'), notReadyAddresses: ips(300, '10.2'), ports: [{ port: 80 }] }]), []).write;
    expect(one).to.have.length(1);
    expect(one[0]!.endpoints).to.have.length(MAX_ENDPOINTS_PER_SUBSET);
    expect(one[0]!.endpoints!.filter((e) => !e.conditions!.ready)).to.have.length(100);
    const merged = planMirrors(endpoints([{ addresses: ips(800, '10.1'), ports: [{ port: 80 }] }, { addresses: ips(800, '10.2'), ports: [{ port: 80 }] }]), []).write;
    expect(merged.map((s) => s.endpoints!.length)).to.deep.equal([MAX_ENDPOINTS_PER_SUBSET]);
  });

  it('keeps the name of an existing mirror of the same ports, reuses a dropped one, deletes the rest', () => {
    const existing = (name: string, port: number, addressType = 'IPv4'): EndpointSlice => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, namespace: 'ns', labels: {} },
      addressType,
      endpoints: [],
      ports: [{ name: '', port, protocol: 'TCP' }],
    });
    const ep = endpoints([{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }, { addresses: [{ ip: '10.0.0.2' }], ports: [{ port: 90 }] }]);
    const { write, remove } = planMirrors(ep, [existing('db-aaaaa', 80), existing('db-bbbbb', 80), existing('db-ccccc', 70), existing('db-ddddd', 70, 'IPv6')]);
    expect(write.map((s) => [s.metadata.name, s.ports![0]!.port])).to.deep.equal([
      ['db-aaaaa', 80],
      ['db-bbbbb', 90],
    ]);
    expect(remove.map((s) => s.metadata.name)).to.deep.equal(['db-ccccc', 'db-ddddd']);
    expect(planMirrors(undefined, [existing('db-aaaaa', 80)]).remove.map((s) => s.metadata.name)).to.deep.equal(['db-aaaaa']);
  });
});
