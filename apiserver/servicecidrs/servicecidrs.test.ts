import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import type { Service } from '../../shared/api/core.js';
import type { ServiceCIDRObject } from '../../shared/api/networking.js';
import { eventually } from '../../shared/testing/eventually.js';
import { sharedClient, uniquePrefix } from '../../shared/testing/etcd.js';
import { ClusterIPAllocator } from '../allocator/cluster-ips.js';
import { NodePortAllocator, PortRange } from '../allocator/node-ports.js';
import { parseServiceClusterIPRange } from '../allocator/service-cidr.js';
import { Store } from '../registry/store.js';
import { TxnBatcher } from '../registry/txn-batcher.js';
import { ServiceStrategy } from '../services/strategy.js';
import { call, service, startTestApiServer } from '../testing/server.js';

const CIDRS = '/apis/networking.k8s.io/v1/servicecidrs';
const SVCS = '/api/v1/namespaces/default/services';
const FULL = 'Internal error occurred: failed to allocate a serviceIP: range is full';

const serviceCIDR = (name: string, cidrs: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name }, spec: { cidrs } });

describe('apiserver: networking.k8s.io/v1 ServiceCIDR', function () {
  this.timeout(120_000);
  let client: Etcd3;
  before(async () => {
    client = await sharedClient();
  });
  after(() => client?.close());

  it('the default kubernetes ServiceCIDR: the flag CIDRs, Ready=True with upstream\'s message, the finalizer', async () => {
    const server = await startTestApiServer({ serviceClusterIPRange: '10.96.0.0/16,fd00::/108', serviceCIDRSyncMs: 100 });
    try {
      const sc = (await call(server.url, 'GET', `${CIDRS}/kubernetes`)).body as ServiceCIDRObject;
      expect(sc.spec?.cidrs).to.deep.equal(['10.96.0.0/16', 'fd00::/108']);
      const ready = sc.status?.conditions?.find((c) => c.type === 'Ready');
      expect(ready).to.include({ status: 'True', reason: '', message: 'Kubernetes default Service CIDR is ready' });
      await eventually(async () => {
        const now = (await call(server.url, 'GET', `${CIDRS}/kubernetes`)).body as ServiceCIDRObject;
        expect(now.metadata.finalizers).to.deep.equal(['networking.k8s.io/service-cidr-finalizer']);
      });
      expect(Object.keys(await client.getAll().prefix(`${server.prefix}/servicecidrs/`).strings())).to.deep.equal([`${server.prefix}/servicecidrs/kubernetes`]);
    } finally {
      await server.close();
    }
  });

  const invalid: [string, unknown, string][] = [
    ['no CIDR', [], 'ServiceCIDR.networking.k8s.io "bad" is invalid: spec.cidrs: Required value: at least one CIDR required'],
    [
      'three CIDRs',
      ['10.0.0.0/24', '10.1.0.0/24', 'fd00::/64'],
      'ServiceCIDR.networking.k8s.io "bad" is invalid: spec.cidrs: Invalid value: networking.ServiceCIDRSpec{CIDRs:[]string{"10.0.0.0/24", "10.1.0.0/24", "fd00::/64"}}: may only hold up to 2 values',
    ],
    [
      'two of one family',
      ['10.0.0.0/24', '10.1.0.0/24'],
      'ServiceCIDR.networking.k8s.io "bad" is invalid: spec.cidrs: Invalid value: []string{"10.0.0.0/24", "10.1.0.0/24"}: may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64',
    ],
    ['a bad CIDR', ['10.0.0.0/33'], 'ServiceCIDR.networking.k8s.io "bad" is invalid: spec.cidrs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
  ];

  describe('validation', () => {
    let server: Awaited<ReturnType<typeof startTestApiServer>>;
    before(async () => {
      server = await startTestApiServer();
    });
    after(() => server?.close());
    for (const [what, cidrs, message] of invalid) {
      it(`refuses ${what} with upstream's 422`, async () => {
        const res = await call(server.url, 'POST', CIDRS, serviceCIDR('bad', cidrs));
        expect(res.status).to.equal(422);
        expect(res.body.message).to.equal(message);
      });
    }
    it('spec.cidrs is immutable', async () => {
      expect((await call(server.url, 'POST', CIDRS, serviceCIDR('fixed', ['10.200.0.0/24']))).status).to.equal(201);
      const res = await call(server.url, 'PATCH', `${CIDRS}/fixed`, { spec: { cidrs: ['10.201.0.0/24'] } }, 'application/merge-patch+json');
      expect(res.status).to.equal(422);
      expect(res.body.message).to.equal('ServiceCIDR.networking.k8s.io "fixed" is invalid: spec.cidrs[0]: Invalid value: "10.201.0.0/24": field is immutable');
    });
  });

  it('two replicas: a full range plus a new ServiceCIDR, and the next create succeeds on both, no restart', async () => {
    const prefix = uniquePrefix('extend');
    const a = await startTestApiServer({ prefix, serviceClusterIPRange: '10.0.0.0/29', serviceCIDRSyncMs: 100 });
    const b = await startTestApiServer({ prefix, serviceClusterIPRange: '10.0.0.0/29', serviceCIDRSyncMs: 100 });
    try {
      // 6 usable addresses, one taken by the kubernetes Service.
      for (let i = 0; i < 5; i++) expect((await call(i % 2 ? a.url : b.url, 'POST', SVCS, service(`f${i}`))).status).to.equal(201);
      for (const replica of [a, b]) {
        const full = await call(replica.url, 'POST', SVCS, service('one-more'));
        expect(full.status).to.equal(500);
        expect(full.body.message).to.equal(FULL);
      }
      expect((await call(a.url, 'POST', CIDRS, serviceCIDR('extra', ['10.1.0.0/28']))).status).to.equal(201);
      const picked: string[] = [];
      for (const [i, replica] of [a, b].entries()) {
        await eventually(async () => {
          const res = await call(replica.url, 'POST', SVCS, service(`after${i}`));
          expect(res.status).to.equal(201);
          expect(res.body.spec.clusterIP).to.match(/^10\.1\.0\./);
          picked.push(res.body.spec.clusterIP);
        });
      }
      // A requested IP is accepted if any usable ServiceCIDR contains it (one the random picks left free).
      const free = ['10.1.0.7', '10.1.0.8', '10.1.0.9'].find((candidate) => !picked.includes(candidate))!;
      expect((await call(b.url, 'POST', SVCS, service('static', { clusterIP: free }))).status).to.equal(201);
      const ip = await call(a.url, 'GET', `/apis/networking.k8s.io/v1/ipaddresses/${free}`);
      expect(ip.body.spec.parentRef.name).to.equal('static');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('two replicas: a ServiceCIDR deleted while in use stays Terminating and hands out nothing; freed, it is gone', async () => {
    const prefix = uniquePrefix('terminating');
    const a = await startTestApiServer({ prefix, serviceClusterIPRange: '10.0.0.0/29', serviceCIDRSyncMs: 100 });
    const b = await startTestApiServer({ prefix, serviceClusterIPRange: '10.0.0.0/29', serviceCIDRSyncMs: 100 });
    try {
      for (let i = 0; i < 5; i++) await call(a.url, 'POST', SVCS, service(`f${i}`));
      await call(a.url, 'POST', CIDRS, serviceCIDR('extra', ['10.1.0.0/28']));
      let user = '';
      await eventually(async () => {
        const res = await call(b.url, 'POST', SVCS, service('user'));
        expect(res.status).to.equal(201);
        user = res.body.spec.clusterIP;
      });
      expect(user).to.match(/^10\.1\.0\./);
      await eventually(async () => {
        const sc = (await call(a.url, 'GET', `${CIDRS}/extra`)).body as ServiceCIDRObject;
        expect(sc.metadata.finalizers).to.include('networking.k8s.io/service-cidr-finalizer');
      });
      expect((await call(b.url, 'DELETE', `${CIDRS}/extra`)).status).to.equal(200);
      await eventually(async () => {
        const sc = (await call(a.url, 'GET', `${CIDRS}/extra`)).body as ServiceCIDRObject;
        expect(sc.metadata.deletionTimestamp).to.be.a('string');
        expect(sc.status?.conditions?.find((c) => c.type === 'Ready')).to.include({
          status: 'False',
          reason: 'Terminating',
          message: 'There are still IPAddresses referencing the ServiceCIDR, please remove them or create a new ServiceCIDR',
        });
      });
      // Nothing is allocated from it, on either replica, random or requested.
      for (const replica of [a, b]) {
        const res = await call(replica.url, 'POST', SVCS, service('late'));
        expect(res.status).to.equal(500);
        expect(res.body.message).to.equal(FULL);
        const asked = await call(replica.url, 'POST', SVCS, service('late', { clusterIP: '10.1.0.9' }));
        expect(asked.status).to.equal(422);
        expect(asked.body.message).to.equal('Service "late" is invalid: spec.clusterIPs: Invalid value: []string{"10.1.0.9"}: failed to allocate IP 10.1.0.9: the provided network does not match the current range');
      }
      expect((await call(a.url, 'GET', `${CIDRS}/extra`)).status).to.equal(200);
      expect((await call(a.url, 'DELETE', `${SVCS}/user`)).status).to.equal(200);
      await eventually(async () => {
        expect((await call(b.url, 'GET', `${CIDRS}/extra`)).status).to.equal(404);
      });
      expect(await client.get(`${prefix}/servicecidrs/extra`).exists()).to.equal(false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('better than upstream: a create that read a ServiceCIDR before its deletion is refused by the transaction, not handed an IP from it', async () => {
    const server = await startTestApiServer({ serviceClusterIPRange: '10.0.0.0/29', serviceCIDRSyncMs: 100 });
    const root = server.prefix;
    try {
      for (let i = 0; i < 5; i++) await call(server.url, 'POST', SVCS, service(`f${i}`));
      await call(server.url, 'POST', CIDRS, serviceCIDR('extra', ['10.1.0.0/28']));
      await eventually(async () => {
        const sc = (await call(server.url, 'GET', `${CIDRS}/extra`)).body as ServiceCIDRObject;
        expect(sc.metadata.finalizers).to.include('networking.k8s.io/service-cidr-finalizer');
      });
      // A replica whose view is from before the deletion: its allocator has read both
      // ServiceCIDRs and the taken IPs, and then its watch falls behind.
      const stale = new ClusterIPAllocator(parseServiceClusterIPRange('10.0.0.0/29'), `${root}/ipaddresses/`);
      const range = { prefix: async (p: string) => (await client.getAll().prefix(p).exec()).kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value, createRevision: Number(kv.create_revision), modRevision: Number(kv.mod_revision) })) };
      stale.serviceCIDRs.replace(await range.prefix(`${root}/servicecidrs/`), 0);
      stale.replace(await range.prefix(`${root}/ipaddresses/`));
      expect(stale.known.find((s) => s.name === 'extra')?.usable).to.equal(true);

      expect((await call(server.url, 'DELETE', `${CIDRS}/extra`)).status).to.equal(200);
      const ports = new NodePortAllocator(PortRange.parse('30000-32767'), `${root}/servicenodeports/`);
      const strategy = new ServiceStrategy({ allocators: { ips: stale, ports }, ipConfig: { families: ['IPv4'] }, dependents: async () => ({ releases: [], guards: [] }), mirrors: () => undefined, log: () => undefined });
      const store = new Store<Service>(client, root, strategy, undefined, new TxnBatcher(client.kv));
      const svc = service('racer') as unknown as Service;
      strategy.defaults(svc);
      let refused: Error | undefined;
      try {
        await store.create('default', svc);
      } catch (err) {
        refused = err as Error;
      }
      expect(refused?.message).to.equal(FULL);
      expect(await client.getAll().prefix(`${root}/ipaddresses/10.1.`).keys()).to.deep.equal([]);
      expect(await client.get(`${root}/services/specs/default/racer`).exists()).to.equal(false);
      // The retry learnt the deletion from the failed transaction, not from a watch.
      expect(stale.known.find((s) => s.name === 'extra')?.usable).to.equal(false);
    } finally {
      await server.close();
    }
  });
});
