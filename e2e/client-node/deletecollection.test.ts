import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import { call, create, service, startTestApiServer } from '../../apiserver/testing/server.js';
import { kubeConfig } from './config.js';

/** deletecollection through the real client-node 1.4, with label and field selectors, as upstream serves it. */
describe('e2e: deletecollection (client-node 1.4)', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let core: k8s.CoreV1Api;
  let discovery: k8s.DiscoveryV1Api;
  const names = async (path: string) => ((await call(server.url, 'GET', path)).body.items as { metadata: { name: string } }[]).map((i) => i.metadata.name).sort();

  before(async () => {
    server = await startTestApiServer();
    const kc = kubeConfig(server.url);
    core = kc.makeApiClient(k8s.CoreV1Api);
    discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
    await create(server.url, '/api/v1/namespaces', { metadata: { name: 'dc' } });
    for (const [name, tier] of [['a', 'web'], ['b', 'web'], ['c', 'db']] as const) {
      await create(server.url, '/api/v1/namespaces/dc/services', service(name, {}, { labels: { tier } }));
    }
  });
  after(async () => {
    await server?.close();
  });

  it('a dry run deletes nothing but answers what it would delete', async () => {
    const res = await call(server.url, 'DELETE', '/api/v1/namespaces/dc/services?labelSelector=tier%3Dweb&dryRun=All');
    expect(res.status).to.equal(200);
    expect(res.body.kind).to.equal('ServiceList');
    expect(res.body.items.map((i: { metadata: { name: string } }) => i.metadata.name).sort()).to.deep.equal(['a', 'b']);
    expect(await names('/api/v1/namespaces/dc/services')).to.deep.equal(['a', 'b', 'c']);
  });

  it('a label selector deletes the matches and answers the list of deleted Services, releasing their IPs', async () => {
    const ips = ((await call(server.url, 'GET', '/api/v1/namespaces/dc/services?labelSelector=tier%3Dweb')).body.items as { spec: { clusterIP: string } }[]).map((s) => s.spec.clusterIP);
    const list = await core.deleteCollectionNamespacedService({ namespace: 'dc', labelSelector: 'tier=web' });
    // The generated client types the answer as a Status and keeps only its kind; the body is the list.
    expect(list.kind).to.equal('ServiceList');
    expect(await names('/api/v1/namespaces/dc/services')).to.deep.equal(['c']);
    // The IPs are free again: a create can have one of them.
    const again = await call(server.url, 'POST', '/api/v1/namespaces/dc/services', service('d', { clusterIP: ips[0] }));
    expect(again.status).to.equal(201);
  });

  it('a field selector on metadata.name deletes one EndpointSlice; no selector deletes the rest', async () => {
    for (const name of ['s1', 's2', 's3']) {
      await create(server.url, '/apis/discovery.k8s.io/v1/namespaces/dc/endpointslices', { metadata: { name }, addressType: 'IPv4', endpoints: [], ports: [] });
    }
    await discovery.deleteCollectionNamespacedEndpointSlice({ namespace: 'dc', fieldSelector: 'metadata.name=s2' });
    expect(await names('/apis/discovery.k8s.io/v1/namespaces/dc/endpointslices')).to.deep.equal(['s1', 's3']);
    const res = await call(server.url, 'DELETE', '/apis/discovery.k8s.io/v1/namespaces/dc/endpointslices', { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' });
    expect(res.status).to.equal(200);
    expect(res.body.kind).to.equal('EndpointSliceList');
    expect(await names('/apis/discovery.k8s.io/v1/namespaces/dc/endpointslices')).to.deep.equal([]);
  });

  it('is not served across namespaces, nor for Namespaces (405, as upstream registers it)', async () => {
    const all = await call(server.url, 'DELETE', '/api/v1/services');
    expect(all.status).to.equal(405);
    expect(all.body.message).to.equal('deletecollection is not supported on resources of kind "services"');
    const ns = await call(server.url, 'DELETE', '/api/v1/namespaces');
    expect(ns.status).to.equal(405);
    expect(await names('/api/v1/namespaces/dc/services')).to.deep.equal(['c', 'd']);
  });

  it('a bad selector is a 400, as for a list, and deletes nothing', async () => {
    const res = await call(server.url, 'DELETE', '/api/v1/namespaces/dc/services?fieldSelector=spec.bogus%3Dx');
    expect(res.status).to.equal(400);
    expect(await names('/api/v1/namespaces/dc/services')).to.deep.equal(['c', 'd']);
  });
});
