import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedClient, uniquePrefix } from '../../shared/testing/etcd.js';
import { call, service, startTestApiServer } from '../testing/server.js';

describe('apiserver: two replicas on one etcd', function () {
  this.timeout(120_000);
  let client: Etcd3;
  before(async () => {
    client = await sharedClient();
  });
  after(() => client?.close());

  it('fill a /24 concurrently with no duplicate IP, no leaked key and exactly the usable count', async () => {
    const prefix = uniquePrefix('replicas');
    const a = await startTestApiServer({ prefix, serviceClusterIPRange: '10.0.0.0/24' });
    const b = await startTestApiServer({ prefix, serviceClusterIPRange: '10.0.0.0/24' });
    try {
      // 254 usable addresses, one of them taken by the kubernetes Service: 253 to hand out.
      const attempts = 300;
      const results = await Promise.all(
        Array.from({ length: attempts }, (_, i) => call((i % 2 ? a : b).url, 'POST', '/api/v1/namespaces/default/services', service(`s${i}`))),
      );
      const created = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status !== 201);
      expect(created.length).to.equal(253);
      for (const r of refused) {
        expect(r.status).to.equal(500);
        expect(r.body.message).to.equal('Internal error occurred: failed to allocate a serviceIP: range is full');
      }
      const ips = created.map((r) => r.body.spec.clusterIP as string);
      expect(new Set(ips).size).to.equal(ips.length);

      const ipKeys = (await client.getAll().prefix(`${prefix}/ipaddresses/`).keys()).map((k) => k.slice(`${prefix}/ipaddresses/`.length));
      const svcs = await client.getAll().prefix(`${prefix}/services/specs/`).strings();
      const assigned = Object.values(svcs).map((v) => JSON.parse(v).spec.clusterIP as string);
      expect(ipKeys.sort()).to.deep.equal([...assigned].sort());
      expect(ipKeys.length).to.equal(254);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
