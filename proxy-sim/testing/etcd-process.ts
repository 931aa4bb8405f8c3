import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { waitForHealth } from '../../shared/etcd/health.js';
import { freePort } from '../../shared/net/free-port.js';

/** An etcd binary for tests that must kill and restart their own etcd, or undefined. */
export function etcdBinary(): string | undefined {
  if (process.env.ETCD_BIN) return process.env.ETCD_BIN;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'etcd'))) return join(dir, 'etcd');
  }
  return undefined;
}

/**
 * A private etcd process that a test may SIGKILL and start again on the same ports and data
 * directory, as after a crash. The shared test etcd is never touched.
 */
export class EtcdProcess {
  private child: ChildProcess | undefined;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'proxy-sim-etcd-'));
  private clientPort = 0;
  private peerPort = 0;

  constructor(private readonly bin: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  get port(): number {
    return this.clientPort;
  }

  async start(): Promise<void> {
    if (!this.clientPort) {
      this.clientPort = await freePort();
      this.peerPort = await freePort();
    }
    const peer = `http://127.0.0.1:${this.peerPort}`;
    this.child = spawn(
      this.bin,
      [
        '--name=proxy-sim-test',
        `--data-dir=${join(this.dataDir, 'data')}`,
        `--listen-client-urls=${this.url}`,
        `--advertise-client-urls=${this.url}`,
        `--listen-peer-urls=${peer}`,
        `--initial-advertise-peer-urls=${peer}`,
        `--initial-cluster=proxy-sim-test=${peer}`,
        '--log-level=error',
      ],
      { stdio: 'ignore' },
    );
    await waitForHealth(this.url, 30_000);
  }

  /** SIGKILL, as a crash: no clean shutdown. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
