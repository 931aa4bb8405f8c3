import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKubeconfig } from '../demo/client.js';
import { findKubectl, requireKubectl } from '../e2e/kubectl/run.js';
import { ProjectProcess } from '../e2e/lifecycle/processes.js';
import { freePort } from '../shared/net/free-port.js';
import { sharedEtcd, uniquePrefix } from '../shared/testing/etcd.js';

/**
 * The README's commands, run as a reader would (from the clone, with bash) against a stack of the
 * test's own: an apiserver and proxy-sim on a real etcd, and the kubeconfig the demo would write.
 * Which blocks run is written in the README itself, on the line before each block:
 *   <!-- readme-check: run -->                                   run it
 *   <!-- readme-check: run, then proxy-sim prints "TEXT" -->     and wait for that in proxy-sim's output
 *   <!-- readme-check: skip (why) -->                            a command not to run here
 * A shell block without an annotation fails, so a new one has to choose.
 */
const SHELL = new Set(['sh', 'bash', 'shell', 'console']);

interface Block {
  line: number;
  lang: string;
  body: string;
  annotation?: string;
}

function codeBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const annotation = before >= 0 ? /^\s*<!-- readme-check: (.*) -->\s*$/.exec(lines[before]!)?.[1] : undefined;
    const body = lines.slice(i + 1, end).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length))).join('\n');
    blocks.push({ line: i + 1, lang: open[2]!, body, annotation });
    i = end;
  }
  return blocks;
}

/** A `console` block: `$ command` lines, each followed by the output it shows. */
function transcript(body: string): { command: string; shown: string[] }[] {
  const steps: { command: string; shown: string[] }[] = [];
  for (const line of body.split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), shown: [] });
    else if (line.trim() && steps.length) steps.at(-1)!.shown.push(line);
  }
  return steps;
}

const ERROR = /^(error: |Error from server |The \w+ ".*" is invalid)/;
/** Output lines that are the same on every run: what kubectl says it did, and errors. */
const FIXED = /^(\S+ created|\S+ ".*" deleted|error: .*|Error from server .*|The \w+ ".*" is invalid.*)$/;

describe('README: its commands work as written', function () {
  this.timeout(180_000);
  const readme = readFileSync('README.md', 'utf8');
  const blocks = codeBlocks(readme);
  const root = process.cwd();
  const kubeconfig = join(root, '.cache', 'kubeconfig');
  let savedKubeconfig: string | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'clusterip-lab-readme-'));
  const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(scratch, 'kube-cache'), NO_COLOR: '1' };
  let apiserver: ProjectProcess | undefined;
  let proxySim: ProjectProcess | undefined;

  const sh = (script: string) => {
    const res = spawnSync('/bin/bash', ['--norc', '--noprofile', '-c', script], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
    return { code: res.status, out: `${res.stdout}${res.stderr}` };
  };

  it('annotates every shell block as run or skip', () => {
    const unmarked = blocks.filter((b) => (SHELL.has(b.lang) || b.lang === '') && !/^(run\b|skip \(.+\))/.test(b.annotation ?? ''));
    expect(unmarked.map((b) => `README.md:${b.line} (${b.lang || 'no language'})`)).to.deep.equal([]);
    expect(blocks.filter((b) => b.annotation?.startsWith('run')).length).to.be.greaterThan(0);
  });

  it('leaves the programs executable after the build, so npx runs them', () => {
    const bins = JSON.parse(readFileSync('package.json', 'utf8')).bin as Record<string, string>;
    for (const [name, file] of Object.entries(bins)) {
      expect(statSync(file).mode & 0o111, `${name} (${file}) is not executable`).to.equal(0o111);
    }
  });

  describe('run against a stack of their own', () => {
    before(async function () {
      requireKubectl(this, findKubectl());
      const etcd = await sharedEtcd();
      const prefix = uniquePrefix('readme');
      const port = await freePort();
      apiserver = new ProjectProcess('apiserver', [`--etcd-servers=${etcd.endpoints.join(',')}`, `--etcd-prefix=${prefix}`, `--port=${port}`, '--service-cluster-ip-range=10.96.0.0/12,fd00:10:96::/108']);
      await apiserver.waitForLine(/^apiserver: serving on /);
      proxySim = new ProjectProcess('proxy-sim', [`--etcd-servers=${etcd.endpoints.join(',')}`, `--etcd-prefix=${prefix}`, '--hostname-override=node-1', '--node-ip=192.168.0.10', '--cluster-cidr=10.244.0.0/16', '--iptables-min-sync-period=100ms']);
      await proxySim.waitForLine(/^# sync 1 \(full/);
      mkdirSync(join(root, '.cache'), { recursive: true });
      if (existsSync(kubeconfig)) savedKubeconfig = readFileSync(kubeconfig, 'utf8');
      writeKubeconfig(kubeconfig, `http://127.0.0.1:${port}`);
    });
    after(async () => {
      await proxySim?.stop();
      await apiserver?.stop();
      if (savedKubeconfig !== undefined) writeFileSync(kubeconfig, savedKubeconfig);
      else rmSync(kubeconfig, { force: true });
      rmSync(scratch, { recursive: true, force: true });
    });

    for (const block of blocks.filter((b) => b.annotation?.startsWith('run'))) {
      it(`README.md:${block.line}`, async () => {
        if (block.lang === 'console') {
          for (const { command, shown } of transcript(block.body)) {
            const { code, out } = sh(command);
            const what = `$ ${command}\n${out}`;
            if (ERROR.test(shown[0] ?? '')) expect(code, what).to.not.equal(0);
            else expect(code, what).to.equal(0);
            const actual = out.split('\n');
            for (const line of shown.filter((l) => FIXED.test(l))) expect(actual, what).to.include(line);
          }
        } else {
          const { code, out } = sh(`set -euo pipefail\n${block.body}`);
          expect(code, out).to.equal(0);
        }
        const printed = /then proxy-sim prints "(.*)"/.exec(block.annotation!)?.[1];
        if (printed) await proxySim!.waitForLine(new RegExp(printed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 30_000);
      });
    }
  });
});
