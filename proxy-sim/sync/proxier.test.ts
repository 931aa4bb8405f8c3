import { expect } from 'chai';
import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { endpointChainName, portProtoHash } from '../render/chain-names.js';
import { renderSnapshot } from '../render/snapshot.js';
import { normalizeRestore } from '../testing/normalize.js';
import { ep, linesStarting, slice, svc, testConfig } from '../testing/objects.js';
import { RestoreSim } from '../testing/restore-sim.js';
import { Proxier, type SyncResult } from './proxier.js';

const W = portProtoHash('ns/web:p80', 'tcp');
const SEP = (endpoint: string) => endpointChainName('ns/web:p80', 'tcp', endpoint);

/** A proxier on a fake clock whose restores are applied to a model of the kernel tables. */
function harness(syncPeriodMs = 30_000) {
  let now = 1_000_000;
  const kernel = new RestoreSim();
  const proxier = new Proxier({ config: testConfig(), syncPeriodMs, now: () => now });
  const services = new Map<string, Service>();
  const slices = new Map<string, EndpointSlice>();
  let revision = 1;
  return {
    proxier,
    kernel,
    advance: (ms: number) => (now += ms),
    service(s: Service) {
      const name = `${s.metadata.namespace}/${s.metadata.name}`;
      services.set(name, s);
      return proxier.onService(name, s);
    },
    deleteService(name: string) {
      services.delete(name);
      return proxier.onService(name, undefined);
    },
    slice(s: EndpointSlice) {
      const key = `/registry/endpointslices/${s.metadata.namespace}/${s.metadata.name}`;
      slices.set(key, s);
      return proxier.onEndpointSlice(key, s, ++revision);
    },
    deleteSlice(name: string) {
      const key = `/registry/endpointslices/${name}`;
      slices.delete(key);
      return proxier.onEndpointSlice(key, undefined, 0);
    },
    sync(periodic = false): SyncResult {
      return proxier.sync((text) => kernel.apply(text), periodic);
    },
    /** What a fresh proxier would write for the same objects. */
    fresh(): string {
      return renderSnapshot(proxier.config, [...services.values()], [...slices.values()]);
    },
  };
}

const web = (spec: Partial<Service['spec']> = {}) => svc('ns/web', { clusterIP: '172.30.0.10', ...spec });
const other = svc('ns/other', { clusterIP: '172.30.0.11' });

describe('Proxier: full and partial syncs (KEP-3453)', () => {
  it('starts with a full sync, then writes only the top-level chains when nothing changed', () => {
    const h = harness();
    h.service(other);
    h.slice(slice('ns/other-1', 'other', [ep('10.180.0.9')]));
    const first = h.sync();
    expect(first).to.include({ number: 1, full: true });
    expect(first.triggers).to.deep.equal(['initial sync', 'ADDED ns/other', 'ADDED EndpointSlice ns/other-1']);
    expect(first.text).to.equal(h.fresh());

    const second = h.sync();
    expect(second).to.include({ number: 2, full: false });
    expect(second.triggers).to.deep.equal([]);
    expect(linesStarting(second.text, ':KUBE-SVC-')).to.deep.equal([]);
    expect(second.text).to.include('-A KUBE-SERVICES -m comment --comment "ns/other:p80 cluster IP"');
  });

  it('walks a Service through create, endpoints, change and delete', () => {
    const h = harness();
    h.service(other);
    h.slice(slice('ns/other-1', 'other', [ep('10.180.0.9')]));
    h.sync();

    expect(h.service(web())).to.equal(true);
    let r = h.sync();
    expect(r.full).to.equal(false);
    expect(r.triggers).to.deep.equal(['ADDED ns/web']);
    expect(r.text).to.include('-A KUBE-SERVICES -m comment --comment "ns/web:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j REJECT\n');
    expect(linesStarting(r.text, ':KUBE-S')).to.deep.equal([':KUBE-SERVICES - [0:0]', ':KUBE-SERVICES - [0:0]']);

    h.slice(slice('ns/web-1', 'web', [ep('10.180.0.1')]));
    r = h.sync();
    expect(r.triggers).to.deep.equal(['ADDED EndpointSlice ns/web-1']);
    expect(linesStarting(r.text, ':KUBE-S')).to.deep.equal([
      ':KUBE-SERVICES - [0:0]',
      ':KUBE-SERVICES - [0:0]',
      `:KUBE-SVC-${W} - [0:0]`,
      `:${SEP('10.180.0.1:80')} - [0:0]`,
    ]);
    expect(r.text).not.to.include('REJECT');

    h.slice(slice('ns/web-1', 'web', [ep('10.180.0.2')]));
    r = h.sync();
    expect(r.triggers).to.deep.equal(['MODIFIED EndpointSlice ns/web-1']);
    expect(r.deletedChains).to.deep.equal([SEP('10.180.0.1:80')]);
    expect(r.text).to.include(`:${SEP('10.180.0.1:80')} - [0:0]\n-A KUBE-POSTROUTING`);
    expect(r.text).to.include(`-X ${SEP('10.180.0.1:80')}\n-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports`);

    h.deleteService('ns/web');
    r = h.sync();
    expect(r.triggers).to.deep.equal(['DELETED ns/web']);
    expect(r.deletedChains).to.deep.equal([SEP('10.180.0.2:80'), `KUBE-SVC-${W}`].sort());
    expect(r.text).not.to.include('ns/web');

    // After all of it, the kernel holds exactly what a fresh full sync would write.
    const fresh = new RestoreSim();
    fresh.apply(h.fresh());
    expect(normalizeRestore(h.kernel.save())).to.equal(normalizeRestore(fresh.save()));
    expect(h.proxier.kernelChains()).to.deep.equal(h.kernel.chains('nat').filter((c) => /^KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(c)));
  });

  it('does not sync for a Service write that changes nothing it uses', () => {
    const h = harness();
    h.service(web());
    h.sync();
    expect(h.service(web({ selector: { app: 'new' } }))).to.equal(false);
    expect(h.proxier.syncDue).to.equal(false);
    expect(h.service(web({ clusterIP: '172.30.0.99' }))).to.equal(true);
  });

  it('nets out a change and its undo before the sync', () => {
    const h = harness();
    h.service(web());
    h.sync();
    h.service(web({ ports: [{ name: 'p80', port: 8080, protocol: 'TCP' }] }));
    expect(h.service(web())).to.equal(false);
    expect(h.sync().triggers).to.deep.equal([]);
  });

  it('after a failed restore, the next sync is full and cleans up what the failure left', () => {
    const h = harness();
    h.service(web());
    h.slice(slice('ns/web-1', 'web', [ep('10.180.0.1')]));
    h.sync();
    h.slice(slice('ns/web-1', 'web', [ep('10.180.0.2')]));
    expect(() =>
      h.proxier.sync(() => {
        throw new Error('iptables-restore: exit status 1');
      }),
    ).to.throw('exit status 1');
    const r = h.sync();
    expect(r.full).to.equal(true);
    expect(r.triggers).to.deep.equal(['retry after failed sync']);
    expect(r.deletedChains).to.deep.equal([SEP('10.180.0.1:80')]);
    expect(h.proxier.kernelChains()).to.deep.equal([`KUBE-SVC-${W}`, SEP('10.180.0.2:80')].sort());
  });

  it('runs a periodic full sync once a sync period has passed', () => {
    const h = harness(30_000);
    h.service(web());
    h.sync();
    h.advance(10_000);
    expect(h.sync().full).to.equal(false);
    h.advance(20_000);
    const r = h.sync();
    expect(r.full).to.equal(true);
    expect(r.triggers).to.deep.equal(['periodic full sync']);
    expect(h.sync(true).full).to.equal(true);
  });

  it('in large-cluster mode, postpones deleting stale chains until a sync period has passed', () => {
    const h = harness(30_000);
    const many = Array.from({ length: 1001 }, (_, i) => ep(`10.1.${i >> 8}.${i & 255}`));
    h.service(web());
    h.slice(slice('ns/web-1', 'web', many));
    h.sync();
    h.advance(1000);
    h.slice(slice('ns/web-1', 'web', many.slice(1)));
    h.slice(slice('ns/web-2', 'web', [ep('10.2.0.1')]));
    let r = h.sync();
    expect(r.deletedChains).to.deep.equal([]);
    expect(h.proxier.kernelChains()).to.include(SEP('10.1.0.0:80'));
    h.advance(20_000);
    h.slice(slice('ns/web-2', 'web', [ep('10.2.0.2')]));
    expect(h.sync().deletedChains).to.deep.equal([]);
    // A sync period after the last cleanup; with full syncs every sync period, that is the
    // periodic full sync.
    h.advance(10_001);
    r = h.sync();
    expect(r.full).to.equal(true);
    expect(r.deletedChains).to.deep.equal([SEP('10.1.0.0:80'), SEP('10.2.0.1:80')].sort());
  });

  it('a chain that comes back before its postponed cleanup is not deleted', () => {
    const h = harness(30_000);
    const many = Array.from({ length: 1001 }, (_, i) => ep(`10.1.${i >> 8}.${i & 255}`));
    h.service(web());
    h.slice(slice('ns/web-1', 'web', many));
    h.sync();
    h.advance(1000);
    h.slice(slice('ns/web-1', 'web', many.slice(1)));
    h.sync();
    h.slice(slice('ns/web-1', 'web', many));
    h.sync();
    h.advance(30_000);
    h.slice(slice('ns/web-2', 'web', [ep('10.2.0.1')]));
    expect(h.sync().deletedChains).to.deep.equal([]);
    expect(h.proxier.kernelChains()).to.include(SEP('10.1.0.0:80'));
  });

  it('after any sequence of partial syncs, the kernel matches a fresh full sync', () => {
    const h = harness();
    h.sync();
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 200; step++) {
      const i = rand(6);
      const name = `svc${i}`;
      switch (rand(6)) {
        case 0:
          h.deleteService(`ns/${name}`);
          break;
        case 1:
          h.deleteSlice(`ns/${name}-a`);
          break;
        case 2:
          h.service(svc(`ns/${name}`, {
            type: rand(2) ? 'NodePort' : 'ClusterIP',
            clusterIP: `172.30.0.${i}`,
            externalTrafficPolicy: rand(2) ? 'Local' : 'Cluster',
            internalTrafficPolicy: rand(3) ? 'Cluster' : 'Local',
            sessionAffinity: rand(2) ? 'ClientIP' : 'None',
            ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30000 + i }],
          }));
          break;
        default: {
          const eps = Array.from({ length: rand(4) }, () => ep(`10.180.${i}.${rand(5)}`, { nodeName: rand(2) ? 'test-node' : 'other', conditions: { ready: rand(4) > 0, serving: true, terminating: rand(3) === 0 } }));
          h.slice(slice(`ns/${name}-a`, name, eps));
        }
      }
      if (rand(3) === 0) continue;
      const r = h.sync();
      expect(r.full, `sync ${r.number}`).to.equal(false);
      const fresh = new RestoreSim();
      fresh.apply(h.fresh());
      expect(normalizeRestore(h.kernel.save()), `after sync ${r.number}`).to.equal(normalizeRestore(fresh.save()));
    }
  });

  it('fullRuleset() is what a fresh proxier writes', () => {
    const h = harness();
    h.service(web({ type: 'NodePort', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] }));
    h.service(other);
    h.slice(slice('ns/web-1', 'web', [ep('10.180.0.1'), ep('10.180.0.2')]));
    h.sync();
    h.slice(slice('ns/web-1', 'web', [ep('10.180.0.3')]));
    h.sync();
    expect(h.proxier.fullRuleset()).to.equal(h.fresh());
  });
});
