import { expect } from 'chai';
import { create, service, startTestApiServer } from '../../apiserver/testing/server.js';
import { findKubectl, Kubectl, requireKubectl, table } from './run.js';

/** kubectl pages its lists (500 by default): `--chunk-size` follows continue tokens to the end. */
describe('e2e: kubectl get --chunk-size (kubectl 1.33 through the dispatcher)', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kubectl: Kubectl;

  before(async function () {
    const binary = requireKubectl(this, findKubectl());
    server = await startTestApiServer();
    kubectl = await Kubectl.forServer(binary, server.url);
    await create(server.url, '/api/v1/namespaces', { metadata: { name: 'chunks' } });
    for (let i = 0; i < 5; i++) await create(server.url, '/api/v1/namespaces/chunks/services', service(`c${i}`));
  });
  after(async () => {
    await kubectl?.cleanup();
    await server?.close();
  });

  it('get svc -A --chunk-size=2 lists every Service, in pages of two', async () => {
    const res = await kubectl.run(['get', 'svc', '-A', '--chunk-size=2', '-v=6']);
    expect(res.code, res.stderr).to.equal(0);
    const rows = table(res.stdout).rows;
    expect(rows.map((r) => `${r[0]}/${r[1]}`)).to.deep.equal(['chunks/c0', 'chunks/c1', 'chunks/c2', 'chunks/c3', 'chunks/c4', 'default/kubernetes']);
    // -v=6 logs each request: the first page, then two with the continue token of the one before.
    const pages = res.stderr.split('\n').filter((l) => /url="[^"]*\/api\/v1\/services\?(continue=[^&"]+&)?limit=2"/.test(l));
    expect(pages, res.stderr).to.have.length(3);
    expect(pages.filter((l) => l.includes('?continue='))).to.have.length(2);
  });

  it('get svc --chunk-size=2 -o name in one namespace', async () => {
    expect(await kubectl.ok(['get', 'svc', '-n', 'chunks', '--chunk-size=2', '-o', 'name'])).to.equal(
      ['service/c0', 'service/c1', 'service/c2', 'service/c3', 'service/c4', ''].join('\n'),
    );
  });
});
