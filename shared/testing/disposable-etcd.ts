import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { waitForHealth } from '../etcd/health.js';
import { freePort } from '../net/free-port.js';
import { refuseInUnitRun } from './unit-only.js';

/**
 * An etcd process of a test's own, to stop, pause and restart on the same data and ports; the
 * shared etcd must never be disturbed. It uses the etcd binary (ETCD_BIN or PATH), which
 * .ci/run installs.
 */
export class DisposableEtcd {
  private child: ChildProcess | undefined;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'clusterip-lab-etcd-test-'));

  private constructor(
    private readonly bin: string,
    readonly clientUrl: string,
    private readonly peerUrl: string,
    private readonly extraArgs: string[],
  ) {}

  /** `extraArgs` go to etcd as they are, e.g. a bigger `--quota-backend-bytes` for a benchmark. */
  static async start(extraArgs: string[] = []): Promise<DisposableEtcd> {
    refuseInUnitRun('etcd');
    const bin = etcdBinary();
    if (!bin) throw new Error('no etcd binary on PATH: apt-get install -y etcd-server');
    const etcd = new DisposableEtcd(bin, `http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`, extraArgs);
    await etcd.restart();
    return etcd;
  }

  get endpoints(): string[] {
    return [this.clientUrl];
  }

  async restart(): Promise<void> {
    this.child = spawn(
      this.bin,
      [
        '--name=test',
        `--data-dir=${join(this.dataDir, 'data')}`,
        `--listen-client-urls=${this.clientUrl}`,
        `--advertise-client-urls=${this.clientUrl}`,
        `--listen-peer-urls=${this.peerUrl}`,
        `--initial-advertise-peer-urls=${this.peerUrl}`,
        `--initial-cluster=test=${this.peerUrl}`,
        '--log-level=error',
        ...this.extraArgs,
      ],
      { stdio: 'ignore' },
    );
    await waitForHealth(this.clientUrl, 20_000);
  }

  /** SIGKILL, as a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Deletes the data while stopped: the next start is an empty etcd at revision 1. */
  wipe(): void {
    rmSync(join(this.dataDir, 'data'), { recursive: true, force: true });
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async destroy(): Promise<void> {
    this.resume();
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The etcd binary tests can start themselves (ETCD_BIN, then PATH), if there is one. */
export function etcdBinary(): string | undefined {
  if (process.env.ETCD_BIN) return process.env.ETCD_BIN;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'etcd'))) return join(dir, 'etcd');
  }
  return undefined;
}
