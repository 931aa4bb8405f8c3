import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForHealth } from '../etcd/health.js';
import { freePort } from '../net/free-port.js';
import { etcdBinary } from './disposable-etcd.js';

interface Member {
  name: string;
  clientUrl: string;
  peerUrl: string;
  child?: ChildProcess;
}

/**
 * A 3-member etcd of a test's own, from the etcd binary on loopback ports, whose members can be
 * stopped, killed, paused and started again on their data. Election settings are etcd's defaults
 * (100 ms heartbeat, 1 s election timeout), as a real cluster runs.
 */
export class EtcdCluster {
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'clusterip-lab-etcd-cluster-'));

  private constructor(
    private readonly bin: string,
    private readonly members: Member[],
  ) {}

  /**
   * Starts the members on free ports. A port can be taken between freePort and etcd's bind (an
   * outgoing connection's ephemeral port, on a busy test run); that member then exits at once, so
   * the whole cluster starts again on new ports, a few times at most.
   */
  static async start(size = 3, attempts = 3): Promise<EtcdCluster> {
    const bin = etcdBinary();
    if (!bin) throw new Error('no etcd binary on PATH: apt-get install -y etcd-server');
    for (let attempt = 1; ; attempt++) {
      const members: Member[] = [];
      for (let i = 0; i < size; i++) {
        members.push({ name: `m${i}`, clientUrl: `http://127.0.0.1:${await freePort()}`, peerUrl: `http://127.0.0.1:${await freePort()}` });
      }
      const cluster = new EtcdCluster(bin, members);
      for (let i = 0; i < size; i++) cluster.spawn(i);
      const exited = members.map(
        (m) => new Promise<never>((_, reject) => m.child!.once('exit', (code, signal) => reject(new Error(`etcd member ${m.name} exited (${code ?? signal}) while starting`)))),
      );
      try {
        await Promise.race([Promise.all(members.map((m) => waitForHealth(m.clientUrl, 30_000))), ...exited]);
        return cluster;
      } catch (err) {
        await cluster.destroy();
        if (attempt >= attempts) throw err;
      }
    }
  }

  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  /** The index of the member every running member names as leader, or -1 while they disagree. */
  async leader(): Promise<number> {
    const ids = await Promise.all(this.members.map((m, i) => (this.running(i) ? status(m.clientUrl) : Promise.resolve(undefined))));
    const answered = ids.filter((s): s is Status => s !== undefined);
    if (answered.length === 0) return -1;
    const leader = answered[0]!.leader;
    if (leader === '0' || answered.some((s) => s.leader !== leader)) return -1;
    return ids.findIndex((s) => s?.member === leader);
  }

  /** Polls until a leader is elected (other than `not`), and returns its index. */
  async waitForLeader(not = -1, timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = await this.leader();
      if (l >= 0 && l !== not) return l;
      if (Date.now() > deadline) throw new Error('no etcd leader elected');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  running(i: number): boolean {
    const child = this.members[i]!.child;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  /** SIGTERM and wait for the exit: a member an operator stopped. */
  async stop(i: number): Promise<void> {
    await this.signal(i, 'SIGTERM');
  }

  /** SIGKILL: a crash. */
  async kill(i: number): Promise<void> {
    await this.signal(i, 'SIGKILL');
  }

  /** SIGSTOP: a member that hangs (a stalled disk, a frozen VM) while the kernel keeps its sockets open. */
  pause(i: number): void {
    if (this.running(i)) this.members[i]!.child!.kill('SIGSTOP');
  }

  /** SIGCONT after pause. */
  resume(i: number): void {
    if (this.running(i)) this.members[i]!.child!.kill('SIGCONT');
  }

  async restart(i: number): Promise<void> {
    this.spawn(i);
    await waitForHealth(this.members[i]!.clientUrl, 30_000);
  }

  async destroy(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) await this.kill(i);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async signal(i: number, sig: NodeJS.Signals): Promise<void> {
    const child = this.members[i]!.child;
    if (!child || !this.running(i)) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(sig);
    await exited;
  }

  private spawn(i: number): void {
    const m = this.members[i]!;
    m.child = spawn(
      this.bin,
      [
        `--name=${m.name}`,
        `--data-dir=${join(this.dataDir, m.name)}`,
        `--listen-client-urls=${m.clientUrl}`,
        `--advertise-client-urls=${m.clientUrl}`,
        `--listen-peer-urls=${m.peerUrl}`,
        `--initial-advertise-peer-urls=${m.peerUrl}`,
        `--initial-cluster=${this.members.map((x) => `${x.name}=${x.peerUrl}`).join(',')}`,
        '--initial-cluster-state=new',
        '--initial-cluster-token=clusterip-lab-test',
        '--log-level=error',
      ],
      { stdio: 'ignore' },
    );
  }
}

interface Status {
  member: string;
  leader: string;
}

/** etcd's Maintenance.Status through its JSON gateway, so the harness needs no gRPC client. */
async function status(clientUrl: string): Promise<Status | undefined> {
  try {
    const res = await fetch(`${clientUrl}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(500) });
    const body = (await res.json()) as { header?: { member_id?: string }; leader?: string };
    if (!body.header?.member_id || body.leader === undefined) return undefined;
    return { member: body.header.member_id, leader: body.leader };
  } catch {
    return undefined;
  }
}
