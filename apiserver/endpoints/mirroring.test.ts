import { expect } from 'chai';
import { call, service, startTestApiServer } from '../testing/server.js';

describe('apiserver: Endpoints mirrored into EndpointSlices', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => server?.close());

  const slicesOf = async (name: string) =>
    (await call(server.url, 'GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices')).body.items.filter(
      (s: any) => s.metadata.labels?.['kubernetes.io/service-name'] === name,
    );
  const selectorless = (name: string) => service(name, { selector: undefined });
  const createEndpoints = (name: string, ip: string) =>
    call(server.url, 'POST', '/api/v1/namespaces/default/endpoints', { metadata: { name }, subsets: [{ addresses: [{ ip }], ports: [{ port: 80 }] }] });

  it('writes, updates and deletes the mirror of a selectorless Service with the Endpoints', async () => {
    expect((await call(server.url, 'POST', '/api/v1/namespaces/default/services', selectorless('web'))).status).to.equal(201);
    const ep = await call(server.url, 'POST', '/api/v1/namespaces/default/endpoints', {
      metadata: { name: 'web' },
      subsets: [{ addresses: [{ ip: '10.244.0.5', nodeName: 'node-1' }], notReadyAddresses: [{ ip: '10.244.0.6' }], ports: [{ name: 'http', port: 8080 }] }],
    });
    expect(ep.status).to.equal(201);
    const [slice] = await slicesOf('web');
    expect(slice.addressType).to.equal('IPv4');
    expect(slice.metadata.name).to.match(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata.labels['endpointslice.kubernetes.io/managed-by']).to.equal('endpointslicemirroring-controller.k8s.io');
    expect(slice.ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice.endpoints).to.deep.equal([
      { addresses: ['10.244.0.5'], conditions: { ready: true }, nodeName: 'node-1' },
      { addresses: ['10.244.0.6'], conditions: { ready: false } },
    ]);

    const changed = structuredClone(ep.body);
    changed.subsets = [{ addresses: [{ ip: '10.244.0.7' }], ports: [{ name: 'http', port: 8080 }] }];
    expect((await call(server.url, 'PUT', '/api/v1/namespaces/default/endpoints/web', changed)).status).to.equal(200);
    const [updated] = await slicesOf('web');
    expect(updated.metadata.name).to.equal(slice.metadata.name);
    expect(updated.endpoints.map((e: any) => e.addresses[0])).to.deep.equal(['10.244.0.7']);

    expect((await call(server.url, 'DELETE', '/api/v1/namespaces/default/endpoints/web')).status).to.equal(200);
    expect(await slicesOf('web')).to.deep.equal([]);
  });

  it('does not mirror the Endpoints of a Service with a selector, nor Endpoints without a Service', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('picked'));
    expect((await createEndpoints('picked', '10.244.3.1')).status).to.equal(201);
    expect((await createEndpoints('lonely', '10.244.3.2')).status).to.equal(201);
    expect(await slicesOf('picked')).to.deep.equal([]);
    expect(await slicesOf('lonely')).to.deep.equal([]);
  });

  it('follows the Service: mirrors when it is created selectorless, drops the mirror when a selector comes, mirrors again when it goes', async () => {
    await createEndpoints('late', '10.244.4.1');
    const created = await call(server.url, 'POST', '/api/v1/namespaces/default/services', selectorless('late'));
    expect(created.status).to.equal(201);
    expect((await slicesOf('late')).map((s: any) => s.endpoints[0].addresses[0])).to.deep.equal(['10.244.4.1']);

    const patch = (selector: unknown) =>
      call(server.url, 'PATCH', '/api/v1/namespaces/default/services/late', { spec: { selector } }, 'application/merge-patch+json');
    expect((await patch({ app: 'late' })).status).to.equal(200);
    expect(await slicesOf('late')).to.deep.equal([]);
    expect((await patch(null)).status).to.equal(200);
    expect(await slicesOf('late')).to.have.length(1);

    // Deleting the Service takes its Endpoints and their mirror along.
    expect((await call(server.url, 'DELETE', '/api/v1/namespaces/default/services/late')).status).to.equal(200);
    expect(await slicesOf('late')).to.deep.equal([]);
  });

  it('gives a mirror the object meta the API would: uid, creationTimestamp and generation, kept across updates', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces/default/services', selectorless('meta'));
    const path = '/api/v1/namespaces/default/endpoints/meta';
    const ep = await createEndpoints('meta', '10.244.2.1');
    const [created] = await slicesOf('meta');
    expect(created.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(created.metadata.generation).to.equal(1);

    const changed = { ...ep.body, subsets: [{ addresses: [{ ip: '10.244.2.2' }], ports: [{ port: 80 }] }] };
    const updated = await call(server.url, 'PUT', path, changed);
    const [after] = await slicesOf('meta');
    expect(after.metadata).to.include({ uid: created.metadata.uid, creationTimestamp: created.metadata.creationTimestamp, generation: 2 });

    // A change of the Endpoints that does not show in the mirror leaves it alone.
    const trigger = { ...updated.body, metadata: { ...updated.body.metadata, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2026-01-01T00:00:00Z' } } };
    expect((await call(server.url, 'PUT', path, trigger)).status).to.equal(200);
    const [same] = await slicesOf('meta');
    expect(same.metadata.resourceVersion).to.equal(after.metadata.resourceVersion);
  });

  it('leaves a hand-written slice of the Service alone beside the mirror', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces/default/services', selectorless('own'));
    await call(server.url, 'POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
      metadata: { name: 'own-1', labels: { 'kubernetes.io/service-name': 'own' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.1.1'] }],
      ports: [{ name: '', port: 80, protocol: 'TCP' }],
    });
    await createEndpoints('own', '10.244.1.2');
    const names = (await slicesOf('own')).map((s: any) => s.metadata.name);
    expect(names).to.have.length(2);
    expect(names).to.include('own-1');
    await call(server.url, 'DELETE', '/api/v1/namespaces/default/endpoints/own');
    expect((await slicesOf('own')).map((s: any) => s.metadata.name)).to.deep.equal(['own-1']);
  });
});
