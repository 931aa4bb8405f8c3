import { expect } from 'chai';
import { call, service, startTestApiServer } from '../../apiserver/testing/server.js';
import { AGE, findKubectl, Kubectl, requireKubectl, table } from './run.js';

/** `kubectl get -w`: the list or object first, then one row per change, until kubectl is stopped. */
describe('e2e: kubectl get -w (kubectl 1.33 through the dispatcher)', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kubectl: Kubectl;
  const path = '/api/v1/namespaces/default/services';
  const api = async (method: string, url: string, body?: unknown, type?: string) => {
    const res = await call(server.url, method, url, body, type);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const label = (name: string, value: string) => api('PATCH', `${path}/${name}`, { metadata: { labels: { step: value } } }, 'application/merge-patch+json');

  before(async function () {
    const binary = requireKubectl(this, findKubectl());
    server = await startTestApiServer();
    kubectl = await Kubectl.forServer(binary, server.url);
    await api('POST', path, service('web', { clusterIP: '10.96.0.10' }));
  });
  after(async () => {
    await kubectl?.cleanup();
    await server?.close();
  });

  it('get svc -w prints the list, then a row for each add, change and delete', async () => {
    const watch = kubectl.background(['get', 'svc', '-w', '-v=6']);
    try {
      const first = await watch.waitForLines(3);
      await watch.waitForWatch();
      expect(table(first.join('\n')).header).to.deep.equal(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
      expect(table(first.join('\n')).rows.map((r) => r[0])).to.deep.equal(['kubernetes', 'web']);
      await api('POST', path, service('w1', { clusterIP: '10.96.0.21', ports: [{ port: 8080 }] }));
      await label('w1', 'one');
      await api('DELETE', `${path}/w1`);
      const lines = await watch.waitForLines(6);
      // Rows of a watch are printed one by one, each aligned on its own.
      const rows = lines.slice(3).map((l) => l.split(/ {2,}/));
      expect(rows.map((r) => r.slice(0, 5))).to.deep.equal([
        ['w1', 'ClusterIP', '10.96.0.21', '<none>', '8080/TCP'],
        ['w1', 'ClusterIP', '10.96.0.21', '<none>', '8080/TCP'],
        ['w1', 'ClusterIP', '10.96.0.21', '<none>', '8080/TCP'],
      ]);
      for (const r of rows) expect(r[5]).to.match(AGE);
      // No duplicate of the list: the watch starts at the list's resourceVersion.
      await new Promise((r) => setTimeout(r, 300));
      expect(watch.lines).to.have.length(6);
      expect(watch.code).to.equal(undefined);
      expect(watch.stderr).to.not.match(/^E\d{4}/m);
    } finally {
      await watch.stop();
    }
  });

  it('get svc NAME -w --output-watch-events: ADDED, then MODIFIED, then DELETED', async () => {
    await api('POST', path, service('w2', { clusterIP: '10.96.0.22' }));
    const watch = kubectl.background(['get', 'svc', 'w2', '-w', '--output-watch-events', '-v=6']);
    try {
      await watch.waitForLines(2);
      await watch.waitForWatch();
      await label('w2', 'one');
      await label('w2', 'two');
      await api('DELETE', `${path}/w2`);
      const { header, rows } = table((await watch.waitForLines(5)).join('\n'));
      expect(header).to.deep.equal(['EVENT', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
      expect(rows.map((r) => `${r[0]} ${r[1]} ${r[3]}`)).to.deep.equal(['ADDED w2 10.96.0.22', 'MODIFIED w2 10.96.0.22', 'MODIFIED w2 10.96.0.22', 'DELETED w2 10.96.0.22']);
    } finally {
      await watch.stop();
    }
  });

  it('-l and -A narrow and widen what is watched; leaving the selection is a DELETED', async () => {
    await api('POST', '/api/v1/namespaces', { metadata: { name: 'team' } });
    await api('POST', path, service('seed', {}, { labels: { app: 'w3' } }));
    const watch = kubectl.background(['get', 'svc', '-A', '-w', '--output-watch-events', '-l', 'app=w3', '-v=6']);
    try {
      await watch.waitForLines(2);
      await watch.waitForWatch();
      await api('POST', path, service('other'));
      await api('POST', '/api/v1/namespaces/team/services', service('w3', { clusterIP: '10.96.0.23' }, { labels: { app: 'w3' } }));
      // Leaving the selection is a DELETED for this watch, coming back an ADDED.
      const relabel = (app: string) => api('PATCH', '/api/v1/namespaces/team/services/w3', { metadata: { labels: { app } } }, 'application/merge-patch+json');
      await relabel('gone');
      await relabel('w3');
      await api('DELETE', '/api/v1/namespaces/team/services/w3');
      const { header, rows } = table((await watch.waitForLines(6)).join('\n'));
      expect(header.slice(0, 3)).to.deep.equal(['EVENT', 'NAMESPACE', 'NAME']);
      expect(rows.map((r) => r.slice(0, 3).join(' '))).to.deep.equal(['ADDED default seed', 'ADDED team w3', 'DELETED team w3', 'ADDED team w3', 'DELETED team w3']);
    } finally {
      await watch.stop();
    }
  });

  it('get svc -w -o json streams whole objects', async () => {
    const watch = kubectl.background(['get', 'svc', 'web', '-w', '-o', 'json', '-v=6']);
    try {
      await watch.waitForLines(5);
      await watch.waitForWatch();
      await label('web', 'json');
      const deadline = Date.now() + 10_000;
      let objects: any[] = [];
      while (Date.now() < deadline) {
        objects = parseConcatenatedJSON(watch.stdout);
        if (objects.length >= 2) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(objects.map((o) => [o.kind, o.metadata.name, o.metadata.labels?.step])).to.deep.equal([
        ['Service', 'web', undefined],
        ['Service', 'web', 'json'],
      ]);
      expect(Number(objects[1].metadata.resourceVersion)).to.be.greaterThan(Number(objects[0].metadata.resourceVersion));
    } finally {
      await watch.stop();
    }
  });
});

/** kubectl -o json -w prints indented objects one after another. */
function parseConcatenatedJSON(text: string): any[] {
  const out: any[] = [];
  for (const chunk of text.split(/\n(?=\{)/)) {
    try {
      out.push(JSON.parse(chunk));
    } catch {
      // the last object may still be arriving
    }
  }
  return out;
}
