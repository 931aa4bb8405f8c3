import { expect } from 'chai';
import { relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The image is built from tsconfig.build.json. Everything it compiles must be reachable from a
 * program's entry point: test fixtures and other code only tests use belong under testing/,
 * which that config excludes.
 */
const ENTRY_POINTS = ['apiserver/main.ts', 'proxy-sim/main.ts', 'demo/main.ts'];

describe('the production build', function () {
  this.timeout(30_000);

  it('compiles only modules the programs import', () => {
    const root = process.cwd();
    const config = ts.getParsedCommandLineOfConfigFile(resolve(root, 'tsconfig.build.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    if (!config) throw new Error('tsconfig.build.json did not parse');
    const program = ts.createProgram({ rootNames: ENTRY_POINTS.map((f) => resolve(root, f)), options: config.options });
    const reachable = new Set(program.getSourceFiles().map((f) => relative(root, f.fileName)));
    const built = config.fileNames.map((f) => relative(root, f));
    expect(built).to.include.members(ENTRY_POINTS);
    expect(built.filter((f) => !reachable.has(f))).to.deep.equal([]);
  });
});
