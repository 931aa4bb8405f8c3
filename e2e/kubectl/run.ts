import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startTestApiServer } from '../../apiserver/testing/server.js';

/** What one kubectl run printed, and how it ended. */
interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  /** Text fed to stdin (e.g. `-f -`). */
  input?: string;
  /** Extra environment, e.g. KUBE_EDITOR. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** The gcloud dispatcher: it picks kubectl 1.<minor> from the server's /version. */
const DISPATCHER = '/usr/bin/kubectl';
/** Where the versioned kubectl binaries that the dispatcher execs live. */
const VERSIONED_DIR = '/usr/lib/google-cloud-sdk/bin';

const DEFAULT_TIMEOUT_MS = 20_000;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The kubectl to drive: $KUBECTL if set, else the dispatcher if present, else the first kubectl on PATH. */
export function findKubectl(): string | undefined {
  const chosen = process.env.KUBECTL;
  if (chosen) return executable(chosen) ? chosen : undefined;
  if (executable(DISPATCHER)) return DISPATCHER;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'kubectl'))) return join(dir, 'kubectl');
  }
  return undefined;
}

/** kubectl 1.<minor>, run directly rather than through the dispatcher; undefined if absent. */
export function versionedKubectl(minor: number): string | undefined {
  const path = join(VERSIONED_DIR, `kubectl.1.${minor}`);
  return executable(path) ? path : undefined;
}

/**
 * For a suite's before hook: the kubectl binary, or a skip with the reason. In CI (CI=true) a
 * missing kubectl fails the run, since these tests are the point of the issue.
 */
export function requireKubectl(ctx: Mocha.Context, binary: string | undefined, what = 'kubectl'): string {
  if (binary) return binary;
  const where = process.env.KUBECTL ? `$KUBECTL=${process.env.KUBECTL}` : `${DISPATCHER}, ${VERSIONED_DIR} or PATH`;
  const message = `${what} is not installed (looked in ${where}): the kubectl e2e tests drive the real binary`;
  if (process.env.CI === 'true') throw new Error(message);
  console.log(`      SKIPPED: ${message}`);
  ctx.skip();
}

/**
 * A kubectl pointed at one apiserver through a kubeconfig of its own (plain http, no auth), with
 * its own HOME and discovery/OpenAPI cache directory, all removed by cleanup().
 */
export class Kubectl {
  private readonly children = new Set<ChildProcess>();

  private constructor(
    readonly binary: string,
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static async forServer(binary: string, serverURL: string, namespace = 'default'): Promise<Kubectl> {
    const dir = await mkdtemp(join(tmpdir(), 'clusterip-lab-kubectl-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: lab',
        '  cluster:',
        `    server: ${serverURL}`,
        'users:',
        '- name: anonymous',
        '  user: {}',
        'contexts:',
        '- name: lab',
        '  context:',
        '    cluster: lab',
        '    user: anonymous',
        `    namespace: ${namespace}`,
        'current-context: lab',
        '',
      ].join('\n'),
    );
    // TMPDIR too: kubectl edit keeps copies of failed edits there.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TMPDIR: dir, KUBECONFIG: kubeconfig, LANG: 'C.UTF-8', TZ: 'UTC' };
    return new Kubectl(binary, dir, env);
  }

  /** A path inside this kubectl's temporary directory, for manifests and editor scripts. */
  path(name: string): string {
    return join(this.dir, name);
  }

  async writeFile(name: string, text: string): Promise<string> {
    const path = this.path(name);
    await writeFile(path, text);
    return path;
  }

  private spawn(args: string[], env: Record<string, string> = {}): ChildProcess {
    const child = spawn(this.binary, [`--cache-dir=${join(this.dir, 'cache')}`, ...args], {
      cwd: this.dir,
      env: { ...this.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  /** Runs kubectl to the end (or kills it at the timeout, which then fails the test). */
  run(args: string[], options: RunOptions = {}): Promise<KubectlResult> {
    const child = this.spawn(args, options.env);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`kubectl ${args.join(' ')} did not finish within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
      }, timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
      child.stdin!.end(options.input ?? '');
    });
  }

  /** Runs kubectl and fails with its output unless it exits 0. */
  async ok(args: string[], options: RunOptions = {}): Promise<string> {
    const res = await this.run(args, options);
    if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${res.code}\nstdout: ${res.stdout}\nstderr: ${res.stderr}`);
    return res.stdout;
  }

  /** Starts a long-running kubectl (e.g. `get -w`) whose output is read while it runs. */
  background(args: string[]): BackgroundKubectl {
    return new BackgroundKubectl(this.spawn(args), args);
  }

  /** Kills what is still running and removes the temporary directory. */
  async cleanup(): Promise<void> {
    await Promise.all([...this.children].map((c) => stopChild(c)));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A kubectl that keeps running, such as `get -w`: its output so far, and a way to stop it. */
class BackgroundKubectl {
  stdout = '';
  stderr = '';
  code: number | null | undefined;

  constructor(
    private readonly child: ChildProcess,
    private readonly args: string[],
  ) {
    child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString('utf8')));
    child.on('exit', (code) => (this.code = code));
    child.stdin!.end();
  }

  get lines(): string[] {
    return this.stdout.split('\n').filter((l) => l !== '');
  }

  /** Waits until stdout has at least `count` lines. */
  async waitForLines(count: number, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length < count && this.code === undefined && Date.now() < deadline) await sleep(25);
    if (this.lines.length < count) {
      throw new Error(`kubectl ${this.args.join(' ')} printed ${this.lines.length} lines, wanted ${count} (exit ${this.code})\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
    }
    return this.lines;
  }

  /**
   * Waits until kubectl's watch request has been answered, which it logs at -v=6 (run it with
   * that flag): from then on every change reaches it.
   */
  async waitForWatch(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const answered = () => /"Response" verb="GET" url="[^"]*watch=true[^"]*" status="200 OK"/.test(this.stderr);
    while (!answered() && this.code === undefined && Date.now() < deadline) await sleep(25);
    if (!answered()) throw new Error(`kubectl ${this.args.join(' ')} did not start watching (exit ${this.code})\nstderr: ${this.stderr}`);
  }

  /** Stops it (SIGTERM, then SIGKILL) and resolves once it has exited. */
  stop(): Promise<void> {
    return stopChild(this.child);
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The cells of kubectl's column output (get, get -w): the header and rows split on the runs of
 * spaces its tabwriter puts between columns. Cells never contain two spaces in a row.
 */
export function table(stdout: string): { header: string[]; rows: string[][] } {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const split = (l: string) => l.trimEnd().split(/ {2,}/);
  return { header: split(lines[0] ?? ''), rows: lines.slice(1).map(split) };
}

/** kubectl's AGE cell (HumanDuration), for a row asserted apart from its age. */
export const AGE = /^(\d+s|\d+m\d*s?|\d+h\d*m?|\d+d\d*h?|\d+y\d*d?)$/;

export type TestApiServer = Awaited<ReturnType<typeof startTestApiServer>>;

/**
 * The usual suite set-up: a test apiserver and the real kubectl configured for it, started before
 * the suite's tests (skipped without kubectl, as requireKubectl does) and stopped after them.
 */
export function kubectlAgainstTestServer(ready: (server: TestApiServer, kubectl: Kubectl) => void): void {
  let server: TestApiServer | undefined;
  let kubectl: Kubectl | undefined;
  before(async function () {
    const binary = requireKubectl(this, findKubectl());
    server = await startTestApiServer();
    kubectl = await Kubectl.forServer(binary, server.url);
    ready(server, kubectl);
  });
  after(async () => {
    await kubectl?.cleanup();
    await server?.close();
  });
}
