import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedClient } from '../../shared/testing/etcd.js';
import { call, service, startTestApiServer } from '../testing/server.js';
import { eventually } from '../../shared/testing/eventually.js';


describe('apiserver: Namespaces', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let client: Etcd3;
  before(async () => {
    client = await sharedClient();
    server = await startTestApiServer();
  });
  after(async () => {
    await server?.close();
    client?.close();
  });

  it('creates a namespace with the kubernetes finalizer, phase Active and its name label', async () => {
    const res = await call(server.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'shop' } });
    expect(res.status).to.equal(201);
    expect(res.body.spec.finalizers).to.deep.equal(['kubernetes']);
    expect(res.body.status.phase).to.equal('Active');
    expect(res.body.metadata.labels['kubernetes.io/metadata.name']).to.equal('shop');
  });

  it('empties and removes a deleted namespace, releasing the IPs of its Services', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'tmp' } });
    const svc = (await call(server.url, 'POST', '/api/v1/namespaces/tmp/services', service('web'))).body;
    const ipKey = `${server.prefix}/ipaddresses/${svc.spec.clusterIP}`;
    expect(await client.get(ipKey).exists()).to.equal(true);
    const del = await call(server.url, 'DELETE', '/api/v1/namespaces/tmp');
    expect(del.status).to.equal(200);
    expect(del.body.status.phase).to.equal('Terminating');
    await eventually(async () => {
      expect((await call(server.url, 'GET', '/api/v1/namespaces/tmp')).status).to.equal(404);
    });
    expect(await client.get(ipKey).exists()).to.equal(false);
    expect((await call(server.url, 'GET', '/api/v1/namespaces/tmp/services/web')).status).to.equal(404);
  });

  it('refuses new content in a terminating namespace and the deletion of default', async () => {
    const res = await call(server.url, 'DELETE', '/api/v1/namespaces/default');
    expect(res.status).to.equal(403);
    expect(res.body.message).to.equal('namespaces "default" is forbidden: this namespace may not be deleted');
    await call(server.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'held' } });
    // A finalizer of someone else's keeps the namespace terminating.
    await call(server.url, 'POST', '/api/v1/namespaces/held/services', service('keep', {}, { finalizers: ['example.com/hold'] }));
    await call(server.url, 'DELETE', '/api/v1/namespaces/held');
    const refused = await call(server.url, 'POST', '/api/v1/namespaces/held/services', service('late'));
    expect(refused.status).to.equal(403);
    expect(refused.body.message).to.equal('services "late" is forbidden: unable to create new content in namespace held because it is being terminated');
  });

  it('the status subresource keeps the phase Active until the namespace is deleted', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'phase' } });
    for (const phase of ['Terminating', 'Gone']) {
      const res = await call(server.url, 'PATCH', '/api/v1/namespaces/phase/status', { status: { phase } }, 'application/merge-patch+json');
      expect(res.status).to.equal(422);
      expect(res.body.message).to.equal(`Namespace "phase" is invalid: status.Phase: Invalid value: "${phase}": may only be 'Active' if \`deletionTimestamp\` is empty`);
    }
    expect((await call(server.url, 'POST', '/api/v1/namespaces/phase/services', service('still'))).status).to.equal(201);
    await call(server.url, 'POST', '/api/v1/namespaces/phase/services', service('hold', {}, { finalizers: ['example.com/hold'] }));
    await call(server.url, 'DELETE', '/api/v1/namespaces/phase');
    const back = await call(server.url, 'PATCH', '/api/v1/namespaces/phase/status', { status: { phase: 'Active' } }, 'application/merge-patch+json');
    expect(back.status).to.equal(422);
    expect(back.body.message).to.equal('Namespace "phase" is invalid: status.Phase: Invalid value: "Active": may only be \'Terminating\' if `deletionTimestamp` is not empty');
  });
});
