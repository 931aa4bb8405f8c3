import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedClient } from '../../shared/testing/etcd.js';
import { call, service, startTestApiServer } from '../testing/server.js';
import { eventually } from '../../shared/testing/eventually.js';


describe('apiserver: the clusterIP repair loop, after hand edits of etcd', function () {
  this.timeout(60_000);
  let client: Etcd3;
  before(async () => {
    client = await sharedClient();
  });
  after(() => client?.close());

  it('recreates a missing IPAddress and deletes an orphaned one after the grace period', async () => {
    const logs: string[] = [];
    const server = await startTestApiServer({ logs, repairIntervalMs: 200, ipLeakGraceMs: 500 });
    try {
      const svc = (await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('web'))).body;
      const ipKey = `${server.prefix}/ipaddresses/${svc.spec.clusterIP}`;
      await client.delete().key(ipKey);
      await eventually(async () => {
        const ip = JSON.parse((await client.get(ipKey).string()) ?? 'null');
        expect(ip?.spec.parentRef).to.deep.equal({ group: '', resource: 'services', namespace: 'default', name: 'web' });
      });
      expect(logs).to.include(`repair: Warning ClusterIPNotAllocated default/web: Cluster IP [IPv4]: ${svc.spec.clusterIP} is not allocated; repairing`);

      const orphanKey = `${server.prefix}/ipaddresses/10.96.0.77`;
      await client.put(orphanKey).value(JSON.stringify({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IPAddress',
        metadata: { name: '10.96.0.77', creationTimestamp: new Date().toISOString(), labels: { 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' } },
        spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'ghost' } },
      }));
      await eventually(async () => {
        expect(await client.get(orphanKey).exists()).to.equal(false);
      });
      expect(logs).to.include('repair: Warning IPAddressNotAllocated ipaddresses/10.96.0.77: IPAddress: 10.96.0.77 for Service default/ghost appears to have leaked: cleaning up');
    } finally {
      await server.close();
    }
  });
});
