import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedClient } from '../../shared/testing/etcd.js';
import { eventually } from '../../shared/testing/eventually.js';
import { call, service, startTestApiServer } from '../testing/server.js';

describe('apiserver: the repair loop records Events', function () {
  this.timeout(60_000);
  let client: Etcd3;
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    client = await sharedClient();
    server = await startTestApiServer({ repairIntervalMs: 200 });
  });
  after(async () => {
    await server?.close();
    client?.close();
  });

  it('a hand-deleted IPAddress gives the Service a ClusterIPNotAllocated Warning, in both API versions', async () => {
    const svc = (await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('web'))).body;
    await client.delete().key(`${server.prefix}/ipaddresses/${svc.spec.clusterIP}`);
    const selector = encodeURIComponent(`involvedObject.kind=Service,involvedObject.name=web,involvedObject.namespace=default,involvedObject.uid=${svc.metadata.uid}`);
    let core: any;
    await eventually(async () => {
      [core] = (await call(server.url, 'GET', `/api/v1/namespaces/default/events?fieldSelector=${selector}`)).body.items;
      expect(core?.reason).to.equal('ClusterIPNotAllocated');
    });
    expect(core).to.deep.include({
      type: 'Warning',
      message: `Cluster IP [IPv4]: ${svc.spec.clusterIP} is not allocated; repairing`,
      action: 'ClusterIPAllocation',
      reportingComponent: 'ipallocator-repair-controller',
    });
    expect(core.involvedObject).to.include({ kind: 'Service', namespace: 'default', name: 'web', uid: svc.metadata.uid, apiVersion: 'v1' });
    expect(core.metadata.name).to.match(/^web\.[0-9a-f]+$/);
    expect(core.eventTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const v1 = (await call(server.url, 'GET', `/apis/events.k8s.io/v1/namespaces/default/events/${core.metadata.name}`)).body;
    expect(v1).to.deep.include({ reason: 'ClusterIPNotAllocated', reportingController: 'ipallocator-repair-controller', note: core.message });
    expect(v1.reportingInstance).to.match(/^ipallocator-repair-controller-/);
  });
});
