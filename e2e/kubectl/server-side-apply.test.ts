import { expect } from 'chai';
import { call } from '../../apiserver/testing/server.js';
import { kubectlAgainstTestServer, type Kubectl, type TestApiServer } from './run.js';

const manifest = (name: string, targetPort: number, extra = '') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports:\n  - port: 80\n    targetPort: ${targetPort}\n${extra}`;

/**
 * Field ownership through the real kubectl 1.33: two appliers conflict on a field, --force-conflicts
 * takes it over, and every kind of write records its manager (Update entries for non-apply writes,
 * with the names kubectl sends).
 */
describe('e2e: server-side apply conflicts and managedFields (kubectl 1.33)', function () {
  this.timeout(60_000);
  let server: TestApiServer;
  let kubectl: Kubectl;
  const managed = async (name: string) =>
    ((await call(server.url, 'GET', `/api/v1/namespaces/default/services/${name}`)).body.metadata.managedFields as { manager: string; operation: string; fieldsV1: object }[]).map((e) => ({
      manager: e.manager,
      operation: e.operation,
      fieldsV1: e.fieldsV1,
    }));
  const port80 = 'k:{"port":80,"protocol":"TCP"}';

  kubectlAgainstTestServer((s, k) => {
    server = s;
    kubectl = k;
  });

  it('another applier changing a field conflicts (409, upstream message); the same value is shared', async () => {
    await kubectl.writeFile('alice.yaml', manifest('shared', 8080));
    await kubectl.writeFile('bob.yaml', manifest('shared', 9090));
    await kubectl.ok(['apply', '--server-side', '--field-manager=alice', '-f', 'alice.yaml']);
    const res = await kubectl.run(['apply', '--server-side', '--field-manager=bob', '-f', 'bob.yaml']);
    expect(res.code).to.equal(1);
    expect(res.stderr.split('\n')[0]).to.equal('error: Apply failed with 1 conflict: conflict with "alice": .spec.ports[port=80,protocol="TCP"].targetPort');
    // The same values are no conflict: both own them.
    await kubectl.ok(['apply', '--server-side', '--field-manager=carol', '-f', 'alice.yaml']);
    const entries = await managed('shared');
    expect(entries.map((e) => `${e.manager}/${e.operation}`)).to.deep.equal(['alice/Apply', 'carol/Apply']);
  });

  it('--force-conflicts takes the field over: the others lose it', async () => {
    expect(await kubectl.ok(['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', 'bob.yaml'])).to.equal('service/shared serverside-applied\n');
    const svc = (await call(server.url, 'GET', '/api/v1/namespaces/default/services/shared')).body;
    expect(svc.spec.ports[0].targetPort).to.equal(9090);
    const entries = await managed('shared');
    // Sorted by operation, then time: bob applied last.
    expect(entries.map((e) => `${e.manager}/${e.operation}`)).to.have.members(['alice/Apply', 'bob/Apply', 'carol/Apply']);
    for (const loser of ['alice', 'carol']) {
      expect(entries.find((e) => e.manager === loser)!.fieldsV1).to.deep.equal({ 'f:spec': { 'f:ports': { [port80]: { '.': {}, 'f:port': {} } }, 'f:selector': {} } });
    }
  });

  it('kubectl create records an Update by kubectl-create with the defaulted fields, as upstream', async () => {
    await kubectl.ok(['create', 'service', 'clusterip', 'made', '--tcp=80:8080']);
    expect(await managed('made')).to.deep.equal([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:internalTrafficPolicy': {},
            'f:ports': { '.': {}, [port80]: { '.': {}, 'f:name': {}, 'f:port': {}, 'f:protocol': {}, 'f:targetPort': {} } },
            'f:selector': {},
            'f:sessionAffinity': {},
            'f:type': {},
          },
        },
      },
    ]);
    // An applier changing what kubectl-create set conflicts with the Update manager, named with its version.
    await kubectl.writeFile('made.yaml', manifest('made', 9999));
    const res = await kubectl.run(['apply', '--server-side', '--field-manager=alice', '-f', 'made.yaml']);
    expect(res.stderr.split('\n')[0]).to.equal('error: Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .spec.ports[port=80,protocol="TCP"].targetPort');
  });

  it('client-side apply, label, patch and edit record their managers as Update entries', async () => {
    await kubectl.writeFile('csa.yaml', manifest('csa', 8080));
    await kubectl.ok(['apply', '-f', 'csa.yaml']);
    await kubectl.ok(['label', 'svc', 'csa', 'tier=web']);
    await kubectl.ok(['patch', 'svc', 'csa', '-p', '{"spec":{"sessionAffinity":"ClientIP"}}']);
    const editor = await kubectl.writeFile('editor.sh', '#!/bin/sh\nsed -i "s/tier: web/tier: db/" "$1"\n');
    await kubectl.ok(['edit', 'svc', 'csa'], { env: { KUBE_EDITOR: `sh ${editor}` } });
    const entries = await managed('csa');
    expect(entries.map((e) => `${e.manager}/${e.operation}`)).to.have.members(['kubectl-client-side-apply/Update', 'kubectl-label/Update', 'kubectl-edit/Update', 'kubectl-patch/Update']);
    // The label map was new, so kubectl-label keeps the map itself; the edit took the key's value.
    expect(entries.find((e) => e.manager === 'kubectl-label')!.fieldsV1).to.deep.equal({ 'f:metadata': { 'f:labels': {} } });
    expect(entries.find((e) => e.manager === 'kubectl-edit')!.fieldsV1).to.deep.equal({ 'f:metadata': { 'f:labels': { 'f:tier': {} } } });
    // Defaulting fills in sessionAffinityConfig, a pointer struct: the patcher owns it, as upstream.
    expect(entries.find((e) => e.manager === 'kubectl-patch')!.fieldsV1).to.deep.equal({
      'f:spec': { 'f:sessionAffinity': {}, 'f:sessionAffinityConfig': { '.': {}, 'f:clientIP': { '.': {}, 'f:timeoutSeconds': {} } } },
    });
  });

  it('a status write records its manager with subresource "status", owning only status fields', async () => {
    await kubectl.ok(['create', 'service', 'loadbalancer', 'lb', '--tcp=80:8080']);
    const patch = { status: { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } }, spec: { type: 'ClusterIP' } };
    const res = await call(server.url, 'PATCH', '/api/v1/namespaces/default/services/lb/status?fieldManager=lb-controller', patch, 'application/merge-patch+json');
    expect(res.status).to.equal(200);
    const raw = (await call(server.url, 'GET', '/api/v1/namespaces/default/services/lb')).body.metadata.managedFields as { manager: string; subresource?: string; fieldsV1: object }[];
    const status = raw.find((e) => e.manager === 'lb-controller')!;
    expect(status.subresource).to.equal('status');
    expect(status.fieldsV1).to.deep.equal({ 'f:status': { 'f:loadBalancer': { 'f:ingress': {} } } });
    expect(raw.map((e) => e.manager)).to.have.members(['kubectl-create', 'lb-controller']);
  });

  it('a write without a fieldManager is owned by its user agent\'s product', async () => {
    const res = await fetch(`${server.url}/api/v1/namespaces/default/services`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'my-tool/1.2 (linux)' },
      body: JSON.stringify({ metadata: { name: 'ua' }, spec: { ports: [{ port: 80 }] } }),
    });
    expect(res.status).to.equal(201);
    expect((await managed('ua')).map((e) => `${e.manager}/${e.operation}`)).to.deep.equal(['my-tool/Update']);
  });
});
