import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedClient } from '../../shared/testing/etcd.js';
import { parseIP } from '../../shared/net/ip.js';
import { call, service, startTestApiServer } from '../testing/server.js';

type Server = Awaited<ReturnType<typeof startTestApiServer>>;
const svcPath = (ns: string, name = '') => `/api/v1/namespaces/${ns}/services${name ? `/${name}` : ''}`;

describe('apiserver: Services on a real etcd', function () {
  this.timeout(60_000);
  let server: Server;
  let client: Etcd3;
  const logs: string[] = [];
  const keyExists = async (key: string) => (await client.get(key).exists()) as boolean;
  const ipKey = (ip: string) => `${server.prefix}/ipaddresses/${ip}`;

  before(async () => {
    client = await sharedClient();
    server = await startTestApiServer({ logs, serviceClusterIPRange: '10.96.0.0/16' });
  });
  after(async () => {
    await server?.close();
    client?.close();
  });

  it('bootstraps the system namespaces and the kubernetes Service on the first IP', async () => {
    const ns = await call(server.url, 'GET', '/api/v1/namespaces');
    expect(ns.body.items.map((n: any) => n.metadata.name)).to.include.members(['default', 'kube-system', 'kube-public']);
    const k8s = await call(server.url, 'GET', svcPath('default', 'kubernetes'));
    expect(k8s.body.spec.clusterIP).to.equal('10.96.0.1');
    expect(k8s.body.spec.ports[0]).to.include({ name: 'https', port: 443, protocol: 'TCP' });
    const slice = await call(server.url, 'GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes');
    expect(slice.body.endpoints[0].addresses).to.deep.equal(['192.168.0.10']);
    expect(slice.body.metadata.generation).to.equal(1);
    const ep = await call(server.url, 'GET', '/api/v1/namespaces/default/endpoints/kubernetes');
    expect(slice.body.metadata.uid).to.match(/^[0-9a-f-]{36}$/).and.not.equal(ep.body.metadata.uid);
  });

  it('defaults a Service and gives it a random IP from the upper band, persisted with its IPAddress', async () => {
    const res = await call(server.url, 'POST', svcPath('default'), service('web'));
    expect(res.status).to.equal(201);
    const svc = res.body;
    expect(svc.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(svc.metadata.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(svc.spec).to.include({ type: 'ClusterIP', sessionAffinity: 'None', ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster' });
    expect(svc.spec.ipFamilies).to.deep.equal(['IPv4']);
    expect(svc.spec.ports[0]).to.deep.equal({ port: 80, protocol: 'TCP', targetPort: 80 });
    expect(svc.spec.clusterIPs).to.deep.equal([svc.spec.clusterIP]);
    // A /16 has a static band of 256 addresses: 10.96.0.1-10.96.1.0.
    const offset = Number(parseIP(svc.spec.clusterIP)!.value - parseIP('10.96.0.1')!.value);
    expect(offset).to.be.at.least(256);
    const stored = await client.get(`${server.prefix}/services/specs/default/web`).exec();
    expect(String(stored.kvs[0]!.mod_revision)).to.equal(svc.metadata.resourceVersion);
    const ip = JSON.parse((await client.get(ipKey(svc.spec.clusterIP)).string())!);
    expect(ip.spec.parentRef).to.deep.equal({ group: '', resource: 'services', namespace: 'default', name: 'web' });
    expect(ip.metadata.labels).to.deep.equal({ 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' });
    expect(logs.some((l) => l.startsWith('step 2/4 allocate: service default/web gets clusterIP'))).to.equal(true);
    expect(logs.some((l) => l.startsWith('step 3/4 persist: one etcd transaction at revision'))).to.equal(true);
  });

  it('honours a requested IP and refuses a taken one with upstream\'s message', async () => {
    const ok = await call(server.url, 'POST', svcPath('default'), service('static', { clusterIP: '10.96.0.10' }));
    expect(ok.status).to.equal(201);
    expect(ok.body.spec.clusterIPs).to.deep.equal(['10.96.0.10']);
    const taken = await call(server.url, 'POST', svcPath('default'), service('static2', { clusterIP: '10.96.0.10' }));
    expect(taken.status).to.equal(422);
    expect(taken.body.message).to.equal(
      'Service "static2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated',
    );
    expect(taken.body.details).to.deep.equal({
      name: 'static2',
      kind: 'Service',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated', field: 'spec.clusterIPs' }],
    });
    expect(await keyExists(`${server.prefix}/services/specs/default/static2`)).to.equal(false);
    expect(logs).to.include('step 1/4 request: create service default/static2 from node');
    expect(logs).to.include(`step 2/4 refused: service default/static2: 422 ${taken.body.message}`);
  });

  it('refuses an IP outside the range, and answers 409 (not 422) for an existing Service', async () => {
    const out = await call(server.url, 'POST', svcPath('default'), service('outside', { clusterIP: '192.168.1.1' }));
    expect(out.status).to.equal(422);
    expect(out.body.message).to.equal(
      'Service "outside" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.1.1"}: failed to allocate IP 192.168.1.1: the provided network does not match the current range',
    );
    const again = await call(server.url, 'POST', svcPath('default'), service('static', { clusterIP: '10.96.0.10' }));
    expect(again.status).to.equal(409);
    expect(again.body.message).to.equal('services "static" already exists');
  });

  it('creates headless and ExternalName Services without an IP', async () => {
    const headless = await call(server.url, 'POST', svcPath('default'), service('hl', { clusterIP: 'None' }));
    expect(headless.status).to.equal(201);
    expect(headless.body.spec.clusterIPs).to.deep.equal(['None']);
    const ext = await call(server.url, 'POST', svcPath('default'), { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    expect(ext.status).to.equal(201);
    expect(ext.body.spec.clusterIP).to.equal(undefined);
    const bad = await call(server.url, 'POST', svcPath('default'), { metadata: { name: 'ext2' }, spec: { type: 'ExternalName', externalName: 'example.com', clusterIP: '10.96.0.20' } });
    expect(bad.status).to.equal(422);
    expect(bad.body.message).to.equal('Service "ext2" is invalid: spec.clusterIPs: Forbidden: may not be set for ExternalName services');
  });

  it('keeps clusterIP immutable, wipes it on a change to ExternalName and allocates anew on the way back', async () => {
    const created = (await call(server.url, 'POST', svcPath('default'), service('flip'))).body;
    const ip = created.spec.clusterIP as string;
    const changed = structuredClone(created);
    changed.spec.clusterIP = '10.96.0.99';
    changed.spec.clusterIPs = ['10.96.0.99'];
    const immutable = await call(server.url, 'PUT', svcPath('default', 'flip'), changed);
    expect(immutable.status).to.equal(422);
    expect(immutable.body.message).to.equal('Service "flip" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set');

    const toExt = structuredClone(created);
    toExt.spec.type = 'ExternalName';
    toExt.spec.externalName = 'example.com';
    const ext = await call(server.url, 'PUT', svcPath('default', 'flip'), toExt);
    expect(ext.status).to.equal(200);
    expect(ext.body.spec.clusterIP).to.equal(undefined);
    expect(await keyExists(ipKey(ip))).to.equal(false);

    const back = structuredClone(ext.body);
    back.spec.type = 'ClusterIP';
    delete back.spec.externalName;
    const cip = await call(server.url, 'PUT', svcPath('default', 'flip'), back);
    expect(cip.status).to.equal(200);
    expect(cip.body.spec.clusterIP).to.match(/^10\.96\./);
    expect(await keyExists(ipKey(cip.body.spec.clusterIP))).to.equal(true);
  });

  it('answers a stale resourceVersion with 409 Conflict', async () => {
    const created = (await call(server.url, 'POST', svcPath('default'), service('rv'))).body;
    const first = structuredClone(created);
    first.metadata.labels = { a: 'b' };
    expect((await call(server.url, 'PUT', svcPath('default', 'rv'), first)).status).to.equal(200);
    const stale = structuredClone(created);
    stale.metadata.labels = { c: 'd' };
    const res = await call(server.url, 'PUT', svcPath('default', 'rv'), stale);
    expect(res.status).to.equal(409);
    expect(res.body.message).to.equal(
      'Operation cannot be fulfilled on services "rv": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('allocates nodePorts from the range, shares one per port number, and refuses a taken one', async () => {
    const res = await call(server.url, 'POST', svcPath('default'), service('np', { type: 'NodePort', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80, protocol: 'UDP' }] }));
    expect(res.status).to.equal(201);
    const [a, b] = res.body.spec.ports;
    expect(a.nodePort).to.be.within(30000, 32767);
    expect(b.nodePort).to.equal(a.nodePort);
    expect(await keyExists(`${server.prefix}/servicenodeports/${a.nodePort}`)).to.equal(true);
    const clash = await call(server.url, 'POST', svcPath('default'), service('np2', { type: 'NodePort', ports: [{ port: 81, nodePort: a.nodePort }] }));
    expect(clash.status).to.equal(422);
    expect(clash.body.message).to.equal(`Service "np2" is invalid: spec.ports[0].nodePort: Invalid value: ${a.nodePort}: provided port is already allocated`);
    const outside = await call(server.url, 'POST', svcPath('default'), service('np3', { type: 'NodePort', ports: [{ port: 81, nodePort: 80 }] }));
    expect(outside.body.message).to.equal('Service "np3" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767');
  });

  it('deletes a Service with its IP, nodePorts and Endpoints in one transaction, answering with the object', async () => {
    // Selectorless, so the Endpoints have a mirror for the deletion to take along.
    const svc = (await call(server.url, 'POST', svcPath('default'), service('gone', { type: 'NodePort', selector: undefined }))).body;
    const ep = await call(server.url, 'POST', '/api/v1/namespaces/default/endpoints', {
      metadata: { name: 'gone' },
      subsets: [{ addresses: [{ ip: '10.0.0.5' }], ports: [{ port: 8080 }] }],
    });
    expect(ep.status).to.equal(201);
    expect(await client.getAll().prefix(`${server.prefix}/endpointslices/default/gone-`).keys()).to.have.length(1);
    const deleted = await call(server.url, 'DELETE', svcPath('default', 'gone'));
    expect(deleted.status).to.equal(200);
    expect(deleted.body.metadata.name).to.equal('gone');
    expect(Number(deleted.body.metadata.resourceVersion)).to.be.greaterThan(Number(svc.metadata.resourceVersion));
    expect(await keyExists(ipKey(svc.spec.clusterIP))).to.equal(false);
    expect(await keyExists(`${server.prefix}/servicenodeports/${svc.spec.ports[0].nodePort}`)).to.equal(false);
    expect(await keyExists(`${server.prefix}/services/endpoints/default/gone`)).to.equal(false);
    const slices = await client.getAll().prefix(`${server.prefix}/endpointslices/default/gone-`).keys();
    expect(slices).to.deep.equal([]);
    expect((await call(server.url, 'DELETE', svcPath('default', 'gone'))).body.message).to.equal('services "gone" not found');
  });

  it('lists per namespace and across namespaces with the etcd revision', async () => {
    expect((await call(server.url, 'POST', '/api/v1/namespaces', { metadata: { name: 'team-a' } })).status).to.equal(201);
    expect((await call(server.url, 'POST', svcPath('team-a'), service('api'))).status).to.equal(201);
    const one = await call(server.url, 'GET', svcPath('team-a'));
    expect(one.body.kind).to.equal('ServiceList');
    expect(one.body.items.map((s: any) => s.metadata.name)).to.deep.equal(['api']);
    const all = await call(server.url, 'GET', '/api/v1/services');
    const names = all.body.items.map((s: any) => `${s.metadata.namespace}/${s.metadata.name}`);
    expect(names).to.include.members(['team-a/api', 'default/kubernetes', 'default/web']);
    expect(Number(all.body.metadata.resourceVersion)).to.be.greaterThan(0);
  });

  it('frees a released IP and nodePort at once: delete, then create with the same ones, every time', async () => {
    for (let i = 0; i < 20; i++) {
      const spec = { type: 'NodePort', clusterIP: '10.96.0.77', ports: [{ port: 80, nodePort: 30777 }] };
      const created = await call(server.url, 'POST', svcPath('default'), service('again', spec));
      expect(created.status, created.body.message).to.equal(201);
      expect((await call(server.url, 'DELETE', svcPath('default', 'again'))).status).to.equal(200);
    }
  });

  it('writes a NodePort Service of 100 ports in one transaction, and refuses one beyond etcd\'s 128 operations', async () => {
    const ports = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `p${i}`, port: 1000 + i }));
    const wide = await call(server.url, 'POST', svcPath('default'), service('wide', { type: 'NodePort', ports: ports(100) }));
    expect(wide.status).to.equal(201);
    expect(new Set(wide.body.spec.ports.map((p: any) => p.nodePort)).size).to.equal(100);
    // Each nodePort is a create-if-absent key: 130 of them, the IP and the Service exceed etcd's
    // --max-txn-ops (128). Upstream, which keeps nodePorts in a bitmap, would accept it.
    const wider = await call(server.url, 'POST', svcPath('default'), service('wider', { type: 'NodePort', ports: ports(130) }));
    expect(wider.status).to.equal(500);
    expect(wider.body.message).to.equal('Internal error occurred: etcdserver: too many operations in txn request');
    expect(await keyExists(`${server.prefix}/services/specs/default/wider`)).to.equal(false);
  });

  it('refuses a Service in a namespace that does not exist', async () => {
    const res = await call(server.url, 'POST', svcPath('nowhere'), service('x'));
    expect(res.status).to.equal(404);
    expect(res.body.message).to.equal('namespaces "nowhere" not found');
  });
});
