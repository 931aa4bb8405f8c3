import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedClient, uniquePrefix } from '../shared/testing/etcd.js';
import { EtcdSource } from '../proxy-sim/watch/source.js';
import { seedServices } from './testing/seed.js';
import { call, service, startTestApiServer } from './testing/server.js';

describe('a registry larger than one gRPC message (real etcd)', function () {
  this.timeout(120_000);
  let client: Etcd3;
  before(async () => {
    client = await sharedClient();
  });
  after(() => client?.close());

  it('starts over more than 4 MiB of Services, lists them, and proxy-sim completes its first sync', async () => {
    const prefix = uniquePrefix('big');
    // 3,000 Services of about 1.7 kB: 5 MB under one prefix, more than gRPC's default 4 MiB.
    await seedServices(client, prefix, 3000, { annotationBytes: 1200 });
    const server = await startTestApiServer({ prefix });
    try {
      const all = await call(server.url, 'GET', '/api/v1/services');
      expect(all.status).to.equal(200);
      expect(all.body.items.length).to.equal(3001);
      expect(JSON.stringify(all.body).length).to.be.greaterThan(4 << 20);
      const created = await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('after-restart'));
      expect(created.status).to.equal(201);
      // The allocator was filled from all 3,000 IPAddresses: a seeded IP is taken.
      const taken = await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('copy', { clusterIP: '10.96.1.5' }));
      expect(taken.status).to.equal(422);
      expect(taken.body.message).to.contain('provided IP is already allocated');
    } finally {
      await server.close();
    }
    const names = new Set<string>();
    const source = new EtcdSource(client, prefix, { service: (name, svc) => (svc ? names.add(name) : names.delete(name)), endpointSlice: () => undefined, relisted: () => undefined, changed: () => undefined }, { log: () => undefined });
    await source.start();
    source.stop();
    expect(names.size).to.equal(3002);
  });

  // Pages follow the size of the values, so no response comes near gRPC's receive limit; if
  // one did fail, the client's circuit breaker must not fail the GET and the create beside it.
  it('lists more than 4 MiB of a few big Services, and a big read fails no one else', async () => {
    const prefix = uniquePrefix('huge');
    // 24 Services with 200 kB annotations (upstream allows 256 kB): 4.8 MB in 24 objects.
    await seedServices(client, prefix, 24, { annotationBytes: 200_000 });
    const server = await startTestApiServer({ prefix });
    try {
      const lists = await Promise.all([1, 2, 3, 4].map(() => call(server.url, 'GET', '/api/v1/namespaces/default/services')));
      const one = await call(server.url, 'GET', '/api/v1/namespaces/default/services/kubernetes');
      expect(one.status, JSON.stringify(one.body)).to.equal(200);
      const created = await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('beside-big'));
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      for (const list of lists) {
        expect(list.status, JSON.stringify(list.body).slice(0, 300)).to.equal(200);
        expect(list.body.items.length).to.equal(25);
      }
      const paged = await call(server.url, 'GET', '/api/v1/namespaces/default/services?limit=10');
      expect(paged.body.items.length).to.equal(10);
      expect(paged.body.metadata.remainingItemCount).to.equal(16);
    } finally {
      await server.close();
    }
  });
});
