import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { eventually } from '../../shared/testing/eventually.js';
import { sharedClient } from '../../shared/testing/etcd.js';
import { call, service, startTestApiServer } from '../testing/server.js';

const EVENTS = '/api/v1/namespaces/default/events';

const event = (name: string, involved: Record<string, string>, reason = 'Tested') => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name },
  involvedObject: involved,
  reason,
  message: 'a message',
  type: 'Normal',
  source: { component: 'test' },
});

describe('apiserver: core/v1 Events', function () {
  this.timeout(60_000);
  let client: Etcd3;
  before(async () => {
    client = await sharedClient();
  });
  after(() => client?.close());

  it('expire with their lease after --event-ttl', async () => {
    const server = await startTestApiServer({ eventTTLMs: 2000 });
    try {
      expect((await call(server.url, 'POST', EVENTS, event('short.1', { kind: 'Service', namespace: 'default', name: 'web' }))).status).to.equal(201);
      const key = `${server.prefix}/events/default/short.1`;
      const stored = await client.get(key).exec();
      expect(Number(stored.kvs[0]!.lease)).to.be.greaterThan(0);
      await eventually(async () => expect(await client.get(key).exists()).to.equal(false), 20_000, 200);
      expect((await call(server.url, 'GET', `${EVENTS}/short.1`)).status).to.equal(404);
    } finally {
      await server.close();
    }
  });

  it("select on involvedObject.* (what kubectl describe asks), refuse unknown fields with upstream's text", async () => {
    const server = await startTestApiServer();
    try {
      await call(server.url, 'POST', EVENTS, event('a.1', { kind: 'Service', namespace: 'default', name: 'a', uid: 'u-a' }));
      await call(server.url, 'POST', EVENTS, event('b.1', { kind: 'Service', namespace: 'default', name: 'b', uid: 'u-b' }, 'Other'));
      const sel = encodeURIComponent('involvedObject.name=a,involvedObject.namespace=default,involvedObject.kind=Service,involvedObject.uid=u-a');
      const list = await call(server.url, 'GET', `${EVENTS}?fieldSelector=${sel}`);
      expect(list.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).to.deep.equal(['a.1']);
      const byReason = await call(server.url, 'GET', `${EVENTS}?fieldSelector=reason%3DOther`);
      expect(byReason.body.items.map((e: { metadata: { name: string } }) => e.metadata.name)).to.deep.equal(['b.1']);
      const bad = await call(server.url, 'GET', `${EVENTS}?fieldSelector=spec.foo%3Dx`);
      expect(bad.status).to.equal(400);
      expect(bad.body.message).to.equal('field label not supported: spec.foo');
      const wrongNs = await call(server.url, 'POST', EVENTS, event('c.1', { kind: 'Service', namespace: 'other', name: 'c' }));
      expect(wrongNs.status).to.equal(422);
      expect(wrongNs.body.message).to.equal('Event "c.1" is invalid: involvedObject.namespace: Invalid value: "other": does not match event.namespace');
    } finally {
      await server.close();
    }
  });

  it("the repair loop records upstream's Warning on the Service it repaired", async () => {
    const server = await startTestApiServer({ repairIntervalMs: 200 });
    try {
      const svc = (await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('fixme'))).body;
      await client.delete().key(`${server.prefix}/ipaddresses/${svc.spec.clusterIP}`);
      const sel = encodeURIComponent(`involvedObject.name=fixme,involvedObject.kind=Service,involvedObject.uid=${svc.metadata.uid}`);
      await eventually(async () => {
        const list = await call(server.url, 'GET', `${EVENTS}?fieldSelector=${sel}`);
        expect(list.body.items.length).to.be.greaterThan(0);
        expect(list.body.items[0]).to.deep.include({
          reason: 'ClusterIPNotAllocated',
          message: `Cluster IP [IPv4]: ${svc.spec.clusterIP} is not allocated; repairing`,
          type: 'Warning',
          // Upstream's repair controller records through events.k8s.io: the reporting controller, no legacy source.
          reportingComponent: 'ipallocator-repair-controller',
        });
      });
    } finally {
      await server.close();
    }
  });
});
