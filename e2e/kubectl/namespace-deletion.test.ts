import { expect } from 'chai';
import { call, startTestApiServer } from '../../apiserver/testing/server.js';
import { eventually } from '../../shared/testing/eventually.js';
import { findKubectl, Kubectl, requireKubectl, table } from './run.js';

/**
 * A deleted namespace is Terminating while the namespace controller empties it, as upstream:
 * the controller waits its grace period (5 s upstream; 3 s here), deletes the content, sets its
 * conditions, and only then does the namespace go.
 */
describe('e2e: namespace deletion passes through Terminating (kubectl 1.33)', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kubectl: Kubectl;

  before(async function () {
    const binary = requireKubectl(this, findKubectl());
    server = await startTestApiServer({ namespaceDeletionGraceMs: 3000 });
    kubectl = await Kubectl.forServer(binary, server.url);
  });
  after(async () => {
    await kubectl?.cleanup();
    await server?.close();
  });

  it('get ns and get -w show Terminating, then the namespace and its Services go', async () => {
    await kubectl.ok(['create', 'namespace', 'gone']);
    await kubectl.ok(['create', 'service', 'clusterip', 'web', '--tcp=80', '-n', 'gone']);
    const watch = kubectl.background(['get', 'ns', 'gone', '-w', '--output-watch-events', '-v=6']);
    await watch.waitForWatch();
    expect(await kubectl.ok(['delete', 'namespace', 'gone', '--wait=false'])).to.equal('namespace "gone" deleted\n');

    const row = table(await kubectl.ok(['get', 'ns', 'gone'])).rows[0]!;
    expect(row.slice(0, 2)).to.deep.equal(['gone', 'Terminating']);
    // Admission refuses new content at once; what was there is still there until the controller's turn.
    const late = await kubectl.run(['create', 'service', 'clusterip', 'late', '--tcp=80', '-n', 'gone']);
    expect(late.stderr).to.equal('error: failed to create ClusterIP service: services "late" is forbidden: unable to create new content in namespace gone because it is being terminated\n');
    expect(table(await kubectl.ok(['get', 'svc', '-n', 'gone'])).rows.map((r) => r[0])).to.deep.equal(['web']);

    await eventually(async () => expect((await call(server.url, 'GET', '/api/v1/namespaces/gone')).status).to.equal(404), 30_000, 100);
    expect((await call(server.url, 'GET', '/api/v1/namespaces/gone/services/web')).status).to.equal(404);
    await eventually(() => expect(watch.lines.at(-1)).to.match(/^DELETED\s+gone\s+Terminating\s/), 10_000);
    const events = watch.lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' '));
    expect(events[0]).to.equal('ADDED gone Active');
    expect(events.slice(1).every((e) => e.endsWith('gone Terminating'))).to.equal(true, events.join('\n'));
    await watch.stop();
  });

  it('the conditions of a namespace held by a finalizer say what remains', async () => {
    await kubectl.ok(['create', 'namespace', 'held']);
    await call(server.url, 'POST', '/api/v1/namespaces/held/services', {
      metadata: { name: 'keep', finalizers: ['example.com/hold'] },
      spec: { ports: [{ port: 80 }] },
    });
    await kubectl.ok(['delete', 'namespace', 'held', '--wait=false']);
    await eventually(async () => {
      const ns = (await call(server.url, 'GET', '/api/v1/namespaces/held')).body;
      expect(ns.status.phase).to.equal('Terminating');
      const byType = Object.fromEntries(ns.status.conditions.map((c: { type: string; message: string }) => [c.type, c.message]));
      expect(byType).to.deep.equal({
        NamespaceDeletionDiscoveryFailure: 'All resources successfully discovered',
        NamespaceDeletionGroupVersionParsingFailure: 'All legacy kube types successfully parsed',
        NamespaceDeletionContentFailure: 'All content successfully deleted, may be waiting on finalization',
        NamespaceContentRemaining: 'Some resources are remaining: services. has 1 resource instances',
        NamespaceFinalizersRemaining: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances',
      });
    }, 30_000, 200);
    // The namespace stays while its content does.
    expect((await call(server.url, 'GET', '/api/v1/namespaces/held')).status).to.equal(200);
  });
});
