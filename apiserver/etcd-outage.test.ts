import { expect } from 'chai';
import { connectEtcd } from '../shared/etcd/client.js';
import { DisposableEtcd } from '../shared/testing/disposable-etcd.js';
import { call, service, startTestApiServer } from './testing/server.js';

describe('apiserver: etcd stopped mid-request', function () {
  this.timeout(90_000);
  let etcd: DisposableEtcd;
  before(async () => {
    etcd = await DisposableEtcd.start();
  });
  after(async () => {
    await etcd?.destroy();
  });

  it('answers 503 or 504 with a Status while etcd is gone, writes nothing half, and recovers', async () => {
    const server = await startTestApiServer({ etcdServers: etcd.endpoints, etcdRequestTimeoutMs: 1000 });
    const client = connectEtcd(etcd.endpoints);
    try {
      etcd.pause();
      const during = await Promise.all(
        Array.from({ length: 5 }, (_, i) => call(server.url, 'POST', '/api/v1/namespaces/default/services', service(`down${i}`))),
      );
      for (const res of during) {
        expect([503, 504]).to.include(res.status);
        expect(res.body.kind).to.equal('Status');
        expect(res.body.status).to.equal('Failure');
      }
      const ready = await call(server.url, 'GET', '/readyz');
      expect(ready.status).to.equal(500);
      etcd.resume();
      await etcd.kill();
      await etcd.restart();

      // Whatever the paused requests did, each Service and its IPAddress exist together or not at all.
      const svcs = await client.getAll().prefix(`${server.prefix}/services/specs/`).strings();
      const ips = await client.getAll().prefix(`${server.prefix}/ipaddresses/`).keys();
      const assigned = Object.values(svcs).map((v) => `${server.prefix}/ipaddresses/${JSON.parse(v).spec.clusterIP}`);
      expect([...ips].sort()).to.deep.equal(assigned.sort());

      let after = await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('back'));
      for (let i = 0; i < 50 && after.status !== 201; i++) {
        await new Promise((r) => setTimeout(r, 200));
        after = await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('back'));
      }
      expect(after.status).to.equal(201);
    } finally {
      client.close();
      await server.close();
    }
  });
});
