import { expect } from 'chai';
import { kubectlAgainstTestServer, type Kubectl } from './run.js';

const manifest = (name: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    app: ${name}\n  ports:\n  - port: 80\n`;

/** kubectl diff on an unchanged object finds nothing: the server drops what Go's omitempty drops. */
describe('e2e: kubectl diff of unchanged objects (kubectl 1.33)', function () {
  this.timeout(60_000);
  let kubectl: Kubectl;

  kubectlAgainstTestServer((_server, k) => {
    kubectl = k;
  });

  for (const [how, args] of [
    ['apply --server-side', ['apply', '--server-side']],
    ['apply', ['apply']],
    ['create', ['create']],
  ] as const) {
    it(`after ${how}: diff -f and diff --server-side -f print nothing and exit 0`, async () => {
      const name = `d-${how.replace(/[^a-z]/g, '')}`;
      const file = await kubectl.writeFile(`${name}.yaml`, manifest(name));
      await kubectl.ok([...args, '-f', file]);
      for (const diff of [['diff', '-f', file], ['diff', '--server-side', '-f', file]]) {
        const res = await kubectl.run(diff);
        expect(res, `${diff.join(' ')}: ${res.stdout}${res.stderr}`).to.deep.include({ code: 0, stdout: '', stderr: '' });
      }
    });
  }
});
