import { expect } from 'chai';
import { call, service, startTestApiServer } from '../testing/server.js';

const IPS = '/apis/networking.k8s.io/v1/ipaddresses';

const ipAddress = (name: string, parentRef: unknown = { group: '', resource: 'services', namespace: 'default', name: 'reserved' }) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IPAddress',
  metadata: { name },
  spec: { parentRef },
});

describe('apiserver: networking.k8s.io/v1 IPAddress', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    server = await startTestApiServer({ serviceClusterIPRange: '10.96.0.0/24' });
  });
  after(() => server?.close());

  it("is the Service's allocation record: uid, creationTimestamp, resourceVersion, upstream's labels", async () => {
    const svc = (await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('rec'))).body;
    const ip = svc.spec.clusterIP as string;
    const got = await call(server.url, 'GET', `${IPS}/${ip}`);
    expect(got.status).to.equal(200);
    expect(got.body.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(got.body.metadata.creationTimestamp).to.be.a('string');
    // One transaction wrote the Service and its IPAddress: they share a revision.
    expect(got.body.metadata.resourceVersion).to.equal(svc.metadata.resourceVersion);
    expect(got.body.metadata.labels).to.deep.equal({ 'ipaddress.kubernetes.io/ip-family': 'IPv4', 'ipaddress.kubernetes.io/managed-by': 'ipallocator.k8s.io' });
    expect(got.body.spec.parentRef).to.deep.equal({ group: '', resource: 'services', namespace: 'default', name: 'rec' });
    const list = await call(server.url, 'GET', IPS);
    expect(list.body.kind).to.equal('IPAddressList');
    expect(list.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.include(ip);
  });

  it('a hand-made IPAddress reserves its IP: a Service asking for it gets "provided IP is already allocated"', async () => {
    expect((await call(server.url, 'POST', IPS, ipAddress('10.96.0.40'))).status).to.equal(201);
    const res = await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('wants40', { clusterIP: '10.96.0.40' }));
    expect(res.status).to.equal(422);
    expect(res.body.message).to.equal('Service "wants40" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.40"}: failed to allocate IP 10.96.0.40: provided IP is already allocated');
    expect((await call(server.url, 'DELETE', `${IPS}/10.96.0.40`)).status).to.equal(200);
    // Freed by the delete, once the watch has seen it.
    let created = 0;
    for (let i = 0; i < 50 && created !== 201; i++) {
      created = (await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('wants40', { clusterIP: '10.96.0.40' }))).status;
      if (created !== 201) await new Promise((r) => setTimeout(r, 100));
    }
    expect(created).to.equal(201);
  });

  it('a second IPAddress of the same IP is a 409', async () => {
    expect((await call(server.url, 'POST', IPS, ipAddress('10.96.0.41'))).status).to.equal(201);
    const res = await call(server.url, 'POST', IPS, ipAddress('10.96.0.41'));
    expect(res.status).to.equal(409);
    expect(res.body.message).to.equal('ipaddresses.networking.k8s.io "10.96.0.41" already exists');
  });

  const invalid: [string, unknown, string][] = [
    ['a name that is no IP', ipAddress('web'), 'IPAddress.networking.k8s.io "web" is invalid: metadata.name: Invalid value: "web": ParseAddr("web"): unable to parse IP'],
    ['a name with leading zeros', ipAddress('10.96.0.040'), 'IPAddress.networking.k8s.io "10.96.0.040" is invalid: metadata.name: Invalid value: "10.96.0.040": ParseAddr("10.96.0.040"): IPv4 field has octet with leading zero'],
    ['a non-canonical IPv6 name', ipAddress('2001:db8:0:0:0::1'), 'IPAddress.networking.k8s.io "2001:db8:0:0:0::1" is invalid: metadata.name: Invalid value: "2001:db8:0:0:0::1": must be a canonical format IP address'],
    ['no parentRef', { ...ipAddress('10.96.0.42'), spec: {} }, 'IPAddress.networking.k8s.io "10.96.0.42" is invalid: spec.parentRef: Required value'],
    ['a parentRef without resource and name', ipAddress('10.96.0.42', { group: '' }), 'IPAddress.networking.k8s.io "10.96.0.42" is invalid: [spec.parentRef.resource: Required value, spec.parentRef.name: Required value]'],
  ];
  for (const [what, body, message] of invalid) {
    it(`refuses ${what} with upstream's 422`, async () => {
      const res = await call(server.url, 'POST', IPS, body);
      expect(res.status).to.equal(422);
      expect(res.body.message).to.equal(message);
    });
  }

  it('spec.parentRef is immutable', async () => {
    await call(server.url, 'POST', IPS, ipAddress('10.96.0.43'));
    const res = await call(server.url, 'PATCH', `${IPS}/10.96.0.43`, { spec: { parentRef: { name: 'other' } } }, 'application/merge-patch+json');
    expect(res.status).to.equal(422);
    expect(res.body.message).to.equal(
      'IPAddress.networking.k8s.io "10.96.0.43" is invalid: spec.parentRef: Invalid value: networking.ParentReference{Group:"", Resource:"services", Namespace:"default", Name:"other"}: field is immutable',
    );
  });

  it('tables: NAME, PARENTREF, AGE', async () => {
    const res = await fetch(`${server.url}${IPS}/10.96.0.41`, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    const table = (await res.json()) as { columnDefinitions: { name: string }[]; rows: { cells: string[] }[] };
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'ParentRef', 'Age']);
    expect(table.rows[0]!.cells.slice(0, 2)).to.deep.equal(['10.96.0.41', 'services/default/reserved']);
  });
});
