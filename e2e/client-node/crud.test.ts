import * as k8s from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { expect } from 'chai';
import { call, startTestApiServer } from '../../apiserver/testing/server.js';
import { failure, kubeConfig } from './config.js';

/** Typed results serialized back, with client-node's timestamps (`.000Z`) in the server's form. */
function roundTrip(obj: unknown, type: string): any {
  const text = JSON.stringify(ObjectSerializer.serialize(obj, type, ''));
  return JSON.parse(text.replace(/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.000Z/g, '$1Z'));
}

/** client-node 1.4 (the official JavaScript client) doing CRUD on every served kind. */
describe('e2e: @kubernetes/client-node 1.4 CRUD', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let core: k8s.CoreV1Api;
  let discovery: k8s.DiscoveryV1Api;
  const namespace = 'cn';
  const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
  const strategicPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
  const applyPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.ServerSideApply);

  before(async () => {
    server = await startTestApiServer();
    const kc = kubeConfig(server.url);
    core = kc.makeApiClient(k8s.CoreV1Api);
    discovery = kc.makeApiClient(k8s.DiscoveryV1Api);
  });
  after(async () => server?.close());

  describe('Namespaces', () => {
    it('create, read, list with selectors, replace, patch', async () => {
      const created = await core.createNamespace({ body: { metadata: { name: namespace, labels: { team: 'a' } } } });
      expect(created.metadata?.creationTimestamp).to.be.instanceOf(Date);
      expect(created.status?.phase).to.equal('Active');
      expect(created.metadata?.labels).to.deep.equal({ team: 'a', 'kubernetes.io/metadata.name': namespace });
      const read = await core.readNamespace({ name: namespace });
      expect(read.metadata?.uid).to.equal(created.metadata?.uid);
      const listed = await core.listNamespace({ labelSelector: 'team=a', fieldSelector: 'status.phase=Active' });
      expect(listed.kind).to.equal('NamespaceList');
      expect(listed.items.map((n) => n.metadata?.name)).to.deep.equal([namespace]);
      read.metadata!.labels = { ...read.metadata!.labels, replaced: 'yes' };
      const replaced = await core.replaceNamespace({ name: namespace, body: read });
      expect(replaced.metadata?.labels?.replaced).to.equal('yes');
      const patched = await core.patchNamespace({ name: namespace, body: { metadata: { annotations: { a: '1' } } } }, mergePatch);
      expect(patched.metadata?.annotations).to.deep.equal({ a: '1' });
    });
  });

  describe('Services', () => {
    let created: k8s.V1Service;

    it('create returns the typed Service, every field the server set included', async () => {
      created = await core.createNamespacedService({
        namespace,
        body: {
          metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } },
          spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9100, targetPort: 9100 }] },
        },
      });
      expect(created).to.be.instanceOf(k8s.V1Service);
      expect(created.metadata?.creationTimestamp).to.be.instanceOf(Date);
      expect(created.metadata?.resourceVersion).to.match(/^\d+$/);
      expect(created.spec?.clusterIPs).to.deep.equal([created.spec?.clusterIP]);
      expect(created.spec?.ipFamilies).to.deep.equal(['IPv4']);
      expect(created.spec?.ipFamilyPolicy).to.equal('SingleStack');
      expect(created.spec?.ports?.map((p) => [p.name, p.port, p.protocol, p.targetPort])).to.deep.equal([
        ['http', 80, 'TCP', 'http'],
        ['metrics', 9100, 'TCP', 9100],
      ]);
      // Nothing the server sent is lost on the way into the typed object.
      const raw = (await call(server.url, 'GET', `/api/v1/namespaces/${namespace}/services/web`)).body;
      expect(roundTrip(created, 'V1Service')).to.deep.equal(raw);
    });

    it('read and list, namespaced and across namespaces, with label and field selectors', async () => {
      const read = await core.readNamespacedService({ name: 'web', namespace });
      expect(read.metadata?.uid).to.equal(created.metadata?.uid);
      await core.createNamespacedService({ namespace, body: { metadata: { name: 'other', labels: { app: 'other' } }, spec: { ports: [{ port: 81 }] } } });
      const byLabel = await core.listNamespacedService({ namespace, labelSelector: 'tier=fe' });
      expect(byLabel.kind).to.equal('ServiceList');
      expect(byLabel.metadata?.resourceVersion).to.match(/^\d+$/);
      expect(byLabel.items.map((s) => s.metadata?.name)).to.deep.equal(['web']);
      const byField = await core.listNamespacedService({ namespace, fieldSelector: 'metadata.name=other' });
      expect(byField.items.map((s) => s.metadata?.name)).to.deep.equal(['other']);
      const all = await core.listServiceForAllNamespaces({ labelSelector: 'app in (web,other)' });
      expect(all.items.map((s) => `${s.metadata?.namespace}/${s.metadata?.name}`)).to.deep.equal([`${namespace}/other`, `${namespace}/web`]);
      const everything = await core.listServiceForAllNamespaces();
      expect(everything.items.map((s) => s.metadata?.name)).to.include('kubernetes');
      const empty = await core.listNamespacedService({ namespace: 'kube-public' });
      expect(empty.items).to.deep.equal([]);
    });

    it('replace updates; a stale resourceVersion is a 409 Conflict', async () => {
      const current = await core.readNamespacedService({ name: 'web', namespace });
      current.spec!.selector = { app: 'web2' };
      const replaced = await core.replaceNamespacedService({ name: 'web', namespace, body: current });
      expect(replaced.spec?.selector).to.deep.equal({ app: 'web2' });
      expect(Number(replaced.metadata?.resourceVersion)).to.be.greaterThan(Number(current.metadata?.resourceVersion));
      expect(replaced.spec?.clusterIP).to.equal(created.spec?.clusterIP);
      const stale = await failure(core.replaceNamespacedService({ name: 'web', namespace, body: current }));
      expect(stale.code).to.equal(409);
      expect(stale.status).to.include({
        reason: 'Conflict',
        message: 'Operation cannot be fulfilled on services "web": the object has been modified; please apply your changes to the latest version and try again',
      });
    });

    it('patch: merge, JSON, strategic and server-side apply', async () => {
      const merged = await core.patchNamespacedService({ name: 'web', namespace, body: { metadata: { labels: { env: 'prod' } } } }, mergePatch);
      expect(merged.metadata?.labels).to.deep.equal({ app: 'web', tier: 'fe', env: 'prod' });
      const json = await core.patchNamespacedService({ name: 'web', namespace, body: [{ op: 'remove', path: '/metadata/labels/tier' }, { op: 'replace', path: '/spec/ports/1/port', value: 9200 }] }, jsonPatch);
      expect(json.metadata?.labels).to.deep.equal({ app: 'web', env: 'prod' });
      expect(json.spec?.ports?.map((p) => p.port)).to.deep.equal([80, 9200]);
      const strategic = await core.patchNamespacedService({ name: 'web', namespace, body: { spec: { ports: [{ port: 80, targetPort: 8080 }] } } }, strategicPatch);
      expect(strategic.spec?.ports?.map((p) => [p.port, p.targetPort])).to.deep.equal([
        [80, 8080],
        [9200, 9100],
      ]);
      const applied = await core.patchNamespacedService(
        { name: 'ssa', namespace, fieldManager: 'client-node', body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ssa' }, spec: { ports: [{ port: 443 }] } } },
        applyPatch,
      );
      expect(applied.spec?.ports?.map((p) => p.port)).to.deep.equal([443]);
      expect(applied.metadata?.managedFields?.map((m) => [m.manager, m.operation])).to.deep.equal([['client-node', 'Apply']]);
      expect(applied.metadata?.managedFields?.[0]?.time).to.be.instanceOf(Date);
    });

    it('a patch that changes the clusterIP is upstream\'s 422', async () => {
      const res = await failure(core.patchNamespacedService({ name: 'web', namespace, body: { spec: { clusterIP: '10.96.0.99' } } }, mergePatch));
      expect(res.code).to.equal(422);
      expect(res.status.message).to.equal('Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.99"}: may not change once set');
      expect(res.status.details.causes).to.deep.equal([{ reason: 'FieldValueInvalid', message: 'Invalid value: []string{"10.96.0.99"}: may not change once set', field: 'spec.clusterIPs[0]' }]);
    });

    it('delete answers with the deleted Service; then reads are 404', async () => {
      const deleted = await core.deleteNamespacedService({ name: 'other', namespace });
      expect(deleted.metadata?.name).to.equal('other');
      expect(deleted.spec?.ports?.[0]?.port).to.equal(81);
      const gone = await failure(core.readNamespacedService({ name: 'other', namespace }));
      expect(gone.code).to.equal(404);
      expect(gone.status).to.include({ reason: 'NotFound', message: 'services "other" not found' });
    });
  });

  describe('Endpoints and EndpointSlices', () => {
    it('Endpoints: create, read, list, replace, patch, delete', async () => {
      const created = await core.createNamespacedEndpoints({
        namespace,
        body: { metadata: { name: 'manual', labels: { kind: 'manual' } }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'http', port: 8080 }] }] },
      });
      expect(created.subsets?.[0]?.addresses?.[0]?.ip).to.equal('10.0.0.1');
      expect(created.subsets?.[0]?.ports?.[0]).to.deep.include({ name: 'http', port: 8080, protocol: 'TCP' });
      const raw = (await call(server.url, 'GET', `/api/v1/namespaces/${namespace}/endpoints/manual`)).body;
      expect(roundTrip(created, 'V1Endpoints')).to.deep.equal(raw);
      expect((await core.listNamespacedEndpoints({ namespace, labelSelector: 'kind=manual' })).items.map((e) => e.metadata?.name)).to.deep.equal(['manual']);
      const read = await core.readNamespacedEndpoints({ name: 'manual', namespace });
      read.subsets![0]!.addresses!.push({ ip: '10.0.0.2' });
      const replaced = await core.replaceNamespacedEndpoints({ name: 'manual', namespace, body: read });
      expect(replaced.subsets?.[0]?.addresses?.map((a) => a.ip)).to.deep.equal(['10.0.0.1', '10.0.0.2']);
      const patched = await core.patchNamespacedEndpoints({ name: 'manual', namespace, body: { metadata: { labels: { kind: 'patched' } } } }, mergePatch);
      expect(patched.metadata?.labels).to.deep.equal({ kind: 'patched' });
      // Endpoints answer a delete with a Status, as upstream does for them.
      const status = await core.deleteNamespacedEndpoints({ name: 'manual', namespace });
      expect(status.status).to.equal('Success');
      expect((await failure(core.readNamespacedEndpoints({ name: 'manual', namespace }))).code).to.equal(404);
    });

    it('EndpointSlices: create, read, list by service label, replace, patch, delete', async () => {
      const body: k8s.V1EndpointSlice = {
        metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.5'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1', zone: 'z1' }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      };
      const created = await discovery.createNamespacedEndpointSlice({ namespace, body });
      expect(created).to.be.instanceOf(k8s.V1EndpointSlice);
      expect(created.metadata?.generation).to.equal(1);
      expect(created.endpoints[0]).to.deep.include({ addresses: ['10.0.0.5'], nodeName: 'n1', zone: 'z1' });
      const raw = (await call(server.url, 'GET', `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices/web-abc`)).body;
      expect(roundTrip(created, 'V1EndpointSlice')).to.deep.equal(raw);
      const listed = await discovery.listNamespacedEndpointSlice({ namespace, labelSelector: 'kubernetes.io/service-name=web' });
      expect(listed.items.map((s) => s.metadata?.name)).to.deep.equal(['web-abc']);
      const all = await discovery.listEndpointSliceForAllNamespaces({ labelSelector: 'kubernetes.io/service-name=web' });
      expect(all.items.map((s) => s.metadata?.name)).to.deep.equal(['web-abc']);
      const read = await discovery.readNamespacedEndpointSlice({ name: 'web-abc', namespace });
      read.endpoints[0]!.conditions!.ready = false;
      const replaced = await discovery.replaceNamespacedEndpointSlice({ name: 'web-abc', namespace, body: read });
      expect(replaced.endpoints[0]?.conditions?.ready).to.equal(false);
      const patched = await discovery.patchNamespacedEndpointSlice({ name: 'web-abc', namespace, body: [{ op: 'add', path: '/endpoints/-', value: { addresses: ['10.0.0.6'] } }] }, jsonPatch);
      expect(patched.endpoints.map((e) => e.addresses[0])).to.deep.equal(['10.0.0.5', '10.0.0.6']);
      const status = await discovery.deleteNamespacedEndpointSlice({ name: 'web-abc', namespace });
      expect(status.status).to.equal('Success');
      const gone = await failure(discovery.readNamespacedEndpointSlice({ name: 'web-abc', namespace }));
      expect(gone.status).to.include({ code: 404, message: 'endpointslices.discovery.k8s.io "web-abc" not found' });
    });
  });

  describe('KubernetesObjectApi (generic, through legacy discovery)', () => {
    it('creates, reads, patches and deletes a Service by its apiVersion and kind', async () => {
      const objects = k8s.KubernetesObjectApi.makeApiClient(kubeConfig(server.url));
      const spec = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'generic', namespace }, spec: { ports: [{ port: 7000 }] } };
      const created = await objects.create(spec);
      expect((created.metadata as k8s.V1ObjectMeta).uid).to.be.a('string');
      const read = (await objects.read({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'generic', namespace } })) as k8s.V1Service;
      expect(read.spec?.ports?.[0]?.port).to.equal(7000);
      const patched = await objects.patch({ ...spec, metadata: { ...spec.metadata, labels: { via: 'generic' } } });
      expect(patched.metadata?.labels).to.deep.equal({ via: 'generic' });
      await objects.delete(spec);
      expect((await failure(core.readNamespacedService({ name: 'generic', namespace }))).code).to.equal(404);
    });
  });

  describe('Namespaces, deleted', () => {
    it('delete answers with the Namespace, Terminating, and its contents go', async () => {
      // The generated client types this answer as a Status; the raw answer is the Namespace, as upstream's.
      await core.deleteNamespace({ name: namespace });
      // Until the namespace controller has emptied it, it is still there, Terminating.
      const terminating = await call(server.url, 'GET', `/api/v1/namespaces/${namespace}`);
      if (terminating.status === 200) expect(terminating.body.status.phase).to.equal('Terminating');
      else expect(terminating.status).to.equal(404);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const res = await call(server.url, 'GET', `/api/v1/namespaces/${namespace}`);
        if (res.status === 404) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await failure(core.readNamespace({ name: namespace }))).code).to.equal(404);
      expect((await core.listServiceForAllNamespaces({ fieldSelector: `metadata.namespace=${namespace}` })).items).to.deep.equal([]);
    });
  });
});
