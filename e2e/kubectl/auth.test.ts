import { expect } from 'chai';
import { kubectlAgainstTestServer, type Kubectl } from './run.js';

/** kubectl auth can-i against the AlwaysAllow answers: protobuf bodies from kubectl 1.33. */
describe('e2e: kubectl auth can-i (kubectl 1.33 through the dispatcher)', function () {
  this.timeout(60_000);
  let kubectl: Kubectl;

  kubectlAgainstTestServer((_server, k) => {
    kubectl = k;
  });

  it('can-i create services says yes', async () => {
    const res = await kubectl.run(['auth', 'can-i', 'create', 'services']);
    expect(res, res.stderr).to.deep.include({ code: 0, stdout: 'yes\n' });
  });

  it('can-i for a non-resource URL says yes', async () => {
    expect(await kubectl.ok(['auth', 'can-i', 'get', '/healthz'])).to.equal('yes\n');
  });

  it('can-i --list prints the AlwaysAllow rules', async () => {
    const lines = (await kubectl.ok(['auth', 'can-i', '--list'])).trimEnd().split('\n').map((l) => l.trimEnd().split(/ {2,}/));
    expect(lines).to.deep.equal([
      ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'],
      ['*.*', '[]', '[]', '[*]'],
      ['', '[*]', '[]', '[*]'],
    ]);
  });
});
