import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The image is built from tsconfig.build.json. Everything it compiles must be reachable from a
 * program's entry point: test fixtures and other code only tests use belong under testing/,
 * which that config excludes.
 */
// The lab node starts echo-server.ts as a program of its own inside each pod's namespace.
const ENTRY_POINTS = ['apiserver/main.ts', 'proxy-sim/main.ts', 'demo/main.ts', 'proxy-sim/lab/echo-server.ts'];

/** The project's own modules an entry point imports, directly or not (packages are not followed). */
function reachable(root: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...ENTRY_POINTS];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('.')) queue.push(relative(root, resolve(root, dirname(file), fileName.replace(/\.js$/, '.ts'))));
    }
  }
  return seen;
}

describe('the production build', () => {
  it('compiles only modules the programs import', () => {
    const root = process.cwd();
    const config = ts.getParsedCommandLineOfConfigFile(resolve(root, 'tsconfig.build.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    if (!config) throw new Error('tsconfig.build.json did not parse');
    const used = reachable(root);
    const built = config.fileNames.map((f) => relative(root, f));
    expect(built).to.include.members(ENTRY_POINTS);
    expect(built.filter((f) => !used.has(f))).to.deep.equal([]);
  });
});
