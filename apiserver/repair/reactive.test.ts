import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { PortRange } from '../allocator/node-ports.js';
import { sharedClient } from '../../shared/testing/etcd.js';
import { eventually } from '../../shared/testing/eventually.js';
import { call, service, startTestApiServer } from '../testing/server.js';
import type { Service } from '../../shared/api/core.js';
import { planNodePortRepair } from './node-port-plan.js';

const events = async (url: string, name: string) =>
  (await call(url, 'GET', `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`)).body.items as any[];

describe('apiserver: repair loops react to changes, not only to their timer', function () {
  this.timeout(60_000);
  let client: Etcd3;
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    client = await sharedClient();
    // An hour between timed passes: only a change can start one within the test.
    server = await startTestApiServer({ repairIntervalMs: 3_600_000 });
  });
  after(async () => {
    await server?.close();
    client?.close();
  });

  it('an IPAddress deleted by hand is recreated at once, with its event', async () => {
    const svc = (await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('web'))).body;
    const ipKey = `${server.prefix}/ipaddresses/${svc.spec.clusterIP}`;
    await client.delete().key(ipKey);
    await eventually(async () => {
      expect(await client.get(ipKey).exists()).to.equal(true);
    });
    expect((await events(server.url, 'web')).map((e) => e.reason)).to.deep.equal(['ClusterIPNotAllocated']);
  });

  it('a nodePort key deleted by hand is recreated, with PortNotAllocated on the Service', async () => {
    const svc = (await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30123 }] }))).body;
    expect(svc.spec.ports[0].nodePort).to.equal(30123);
    const portKey = `${server.prefix}/servicenodeports/30123`;
    expect(await client.get(portKey).exists()).to.equal(true);
    await client.delete().key(portKey);
    await eventually(async () => {
      expect(await client.get(portKey).exists()).to.equal(true);
    });
    const [ev] = await events(server.url, 'np');
    expect(ev).to.deep.include({ reason: 'PortNotAllocated', type: 'Warning', message: 'Port 30123 is not allocated; repairing', action: 'PortAllocation', reportingComponent: 'portallocator-repair-controller' });
    // The port is taken again: a Service asking for it is refused.
    const clash = await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30123 }] }));
    expect(clash.status).to.equal(422);
  });

  it('a leaked nodePort key is freed on the third pass that sees it', async () => {
    const leakKey = `${server.prefix}/servicenodeports/30999`;
    await client.put(leakKey).value(JSON.stringify({ apiVersion: 'clusterip-lab/v1', kind: 'NodePortAllocation', metadata: { name: '30999' }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'ghost' } } }));
    // Each change is a pass (changes within 500 ms share one): the put was the first, two more Service writes make three.
    const settle = () => new Promise((r) => setTimeout(r, 2000));
    await settle();
    await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('tick1'));
    await settle();
    expect(await client.get(leakKey).exists()).to.equal(true);
    await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('tick2'));
    await eventually(async () => {
      expect(await client.get(leakKey).exists()).to.equal(false);
    });
  });
});

describe('nodePort repair plan', () => {
  const range = PortRange.parse('30000-30100');
  const svc = (name: string, ...nodePorts: number[]): Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', resourceVersion: '5' },
    spec: { type: 'NodePort', ports: nodePorts.map((nodePort, i) => ({ port: 80 + i, nodePort, protocol: 'TCP' })) },
  });

  it('reports upstream reasons: not allocated, out of range, assigned twice', () => {
    const { events, actions } = planNodePortRepair([svc('a', 30001, 30001), svc('b', 30001, 40000)], new Map(), range, new Map());
    expect(events.map((e) => [e.service.metadata.name, e.reason, e.message])).to.deep.equal([
      ['a', 'PortNotAllocated', 'Port 30001 is not allocated; repairing'],
      ['b', 'PortAlreadyAllocated', 'Port 30001 was assigned to multiple services; please recreate service'],
      ['b', 'PortOutOfRange', 'Port 40000 is not within the port range 30000-30100; please recreate service'],
    ]);
    expect(actions.map((a) => [a.kind, a.port])).to.deep.equal([['create', 30001]]);
  });

  it('frees an unused port on the third pass, and forgets the count once a Service uses it', () => {
    const leaks = new Map<number, number>();
    const stored = new Map([[30050, { modRevision: 9 }]]);
    expect(planNodePortRepair([], stored, range, leaks).actions).to.deep.equal([]);
    expect(planNodePortRepair([], stored, range, leaks).actions).to.deep.equal([]);
    expect(planNodePortRepair([], stored, range, leaks).actions).to.deep.equal([{ kind: 'delete', port: 30050, modRevision: 9 }]);
    planNodePortRepair([], stored, range, leaks);
    planNodePortRepair([svc('c', 30050)], stored, range, leaks);
    expect(leaks.has(30050)).to.equal(false);
  });
});
