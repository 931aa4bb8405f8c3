import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sharedEtcd, uniquePrefix } from '../shared/testing/etcd.js';

const MAIN = resolve('dist/demo/main.js');

/** The demo as a user runs it, in a directory of its own (its .cache, and TMPDIR for etcd's data). */
function runDemo(args: string[], env: NodeJS.ProcessEnv, dir: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let out = '';
  const clean = { ...process.env };
  for (const k of ['CI', 'ETCD_IMAGE', 'ETCD_ENDPOINTS']) delete clean[k];
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: dir, env: { ...clean, TMPDIR: dir, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function waitFor(output: () => string, pattern: RegExp, exited: Promise<unknown>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  let gone = false;
  void exited.then(() => (gone = true));
  while (!pattern.test(output())) {
    if (gone || Date.now() > deadline) throw new Error(`no ${pattern} in the demo's output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('demo (npm run demo) as a user runs it', function () {
  this.timeout(240_000);
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'clusterip-lab-demo-test-'));
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('says in one line that a busy port moved the apiserver, and Ctrl-C mid-walkthrough leaves no etcd data behind', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    const d = dir();
    const demo = runDemo(['--port', String(port)], { ETCD_SOURCE: 'binary' }, d);
    try {
      await waitFor(demo.output, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use by another program, so it serves on \\d+ instead`), demo.exited, 60_000);
      await waitFor(demo.output, /=== Scenario 1: /, demo.exited, 60_000);
      expect(readdirSync(d).filter((f) => f.startsWith('clusterip-lab-etcd-'))).to.have.length(1);
      demo.child.kill('SIGINT');
      expect(await demo.exited).to.equal(130);
      expect(readdirSync(d).filter((f) => f.startsWith('clusterip-lab-etcd-'))).to.deep.equal([]);
    } finally {
      busy.close();
      if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
    }
  });

  it('a rerun of the walkthrough against the same cluster passes', async () => {
    const etcd = await sharedEtcd();
    // As root on Linux this includes step 5's lab node, whose pods go and come back between runs.
    const env = { ETCD_ENDPOINTS: etcd.endpoints.join(',') };
    const args = ['--once', '--port', '0', '--etcd-prefix', uniquePrefix('demo')];
    for (const run of ['first', 'second']) {
      const demo = runDemo(args, env, dir());
      const code = await Promise.race([demo.exited, new Promise<string>((r) => setTimeout(() => r('timed out'), 150_000))]);
      if (demo.child.exitCode === null) demo.child.kill('SIGKILL');
      expect(code, `${run} run:\n${demo.output()}`).to.equal(0);
    }
  });
});
