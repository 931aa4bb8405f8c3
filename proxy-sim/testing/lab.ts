import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { call, startTestApiServer } from '../../apiserver/testing/server.js';
import type { RunningApiServer } from '../../apiserver/server.js';
import type { Family } from '../../shared/net/ip.js';
import { sharedEtcd } from '../../shared/testing/etcd.js';
import { LabNode } from '../lab/node.js';
import type { ProbeAnswer } from './probe.js';
import type { NodeSettings } from '../render/node-config.js';
import { LiveRun } from './live.js';
import { testNode } from './objects.js';

const PROBE = fileURLToPath(new URL('./probe.js', import.meta.url));
const run = promisify(execFile);

export const LAB_NODE = 'lab-node';

/** The node of the kernel tests: IPv4, or dual-stack with `families` [4, 6]. */
export function labSettings(families: readonly Family[]): NodeSettings {
  return testNode({
    nodeName: LAB_NODE,
    nodeIP: families[0] === 6 ? '2001:db8:50::2' : '192.168.50.2',
    hostAddresses: families.map((f) => (f === 4 ? '192.168.50.2/24' : '2001:db8:50::2/64')),
    clusterCIDRs: ['10.244.0.0/16', 'fd00:244::/64'],
  });
}

/**
 * One kernel test's world: an apiserver on the shared real etcd, a lab node of its own
 * (namespaces named after a random lab name), and live proxy-sim programming it.
 */
export class Lab {
  private constructor(
    readonly api: RunningApiServer & { prefix: string },
    readonly node: LabNode,
    readonly live: LiveRun,
  ) {}

  static async start(options: { families?: Family[]; syncPeriodMs?: number } = {}): Promise<Lab> {
    const families = options.families ?? [4];
    const api = await startTestApiServer({ serviceClusterIPRange: families.length > 1 ? '10.96.0.0/16,fd00:96::/112' : families[0] === 6 ? 'fd00:96::/112' : '10.96.0.0/16' });
    const settings = labSettings(families);
    const node = new LabNode(`t${randomBytes(3).toString('hex')}`, settings, families, () => undefined);
    try {
      node.create();
      const { endpoints } = await sharedEtcd();
      const live = await LiveRun.start(endpoints, api.prefix, { node: settings, families, kernel: node, syncPeriodMs: options.syncPeriodMs ?? 3_600_000 });
      return new Lab(api, node, live);
    } catch (err) {
      node.destroy();
      await api.close();
      throw err;
    }
  }

  async post<T = Record<string, any>>(path: string, body: unknown): Promise<T> {
    const res = await call<T>(this.api.url, 'POST', path, body);
    if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async delete(path: string): Promise<void> {
    const res = await call(this.api.url, 'DELETE', path);
    if (res.status !== 200) throw new Error(`DELETE ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async get<T = Record<string, any>>(path: string): Promise<T> {
    return (await call<T>(this.api.url, 'GET', path)).body;
  }

  /** `count` new connections from inside namespace `ns`, one after another. */
  async probe(ns: string, dst: string, port: number, options: { protocol?: 'tcp' | 'udp'; count?: number; timeoutMs?: number } = {}): Promise<ProbeAnswer[]> {
    const { stdout } = await run('ip', ['netns', 'exec', ns, process.execPath, PROBE, dst, String(port), options.protocol ?? 'tcp', String(options.count ?? 1), String(options.timeoutMs ?? 3000)]);
    return stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as ProbeAnswer);
  }

  async stop(): Promise<void> {
    await this.live.stop();
    this.node.destroy();
    await this.api.close();
  }
}

/** Per endpoint, how many answers it gave; errors under their code. */
export function tally(answers: readonly ProbeAnswer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const k = a.endpoint ?? a.error ?? '?';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** The address part of `10.0.0.1:80` or `[fd00::1]:80`. */
export function addressOf(hostPort: string): string {
  return hostPort.startsWith('[') ? hostPort.slice(1, hostPort.indexOf(']')) : hostPort.slice(0, hostPort.lastIndexOf(':'));
}
