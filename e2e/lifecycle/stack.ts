import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import { connectEtcd } from '../../shared/etcd/client.js';
import { provideEtcd, type EtcdHandle } from '../../shared/etcd/provider.js';
import { freePort } from '../../shared/net/free-port.js';
import { Kubectl, writeKubeconfig } from '../../demo/client.js';
import { CapturedRules } from '../../demo/rules.js';
import { ProjectProcess } from './processes.js';

// A /24, so the range-extension scenario can fill it.
const SERVICE_RANGE = '10.96.0.0/24,fd00:10:96::/108';

/**
 * The whole flow as separate parts: etcd in a container (Testcontainers), the apiserver and
 * proxy-sim as processes of their own, and the real kubectl.
 */
export class LifecycleStack {
  readonly dir = mkdtempSync(join(tmpdir(), 'clusterip-lab-e2e-'));
  readonly apiservers: { process: ProjectProcess; url: string }[] = [];
  proxySim!: ProjectProcess;
  rules!: CapturedRules;
  etcd!: EtcdHandle;
  client!: Etcd3;
  kubectl!: Kubectl;

  /** etcd with Testcontainers, never a binary: these tests are about the container path. */
  async startEtcd(): Promise<void> {
    this.etcd = await provideEtcd({ requireDocker: true });
    this.client = connectEtcd(this.etcd.endpoints);
  }

  async startApiserver(port?: number): Promise<{ process: ProjectProcess; url: string }> {
    const p = port ?? (await freePort());
    const process = new ProjectProcess('apiserver', [
      `--etcd-servers=${this.etcd.endpoints.join(',')}`,
      `--service-cluster-ip-range=${SERVICE_RANGE}`,
      '--bind-address=127.0.0.1',
      `--port=${p}`,
    ]);
    await process.waitForLine(/^apiserver: serving on /);
    const entry = { process, url: `http://127.0.0.1:${p}` };
    this.apiservers.push(entry);
    if (this.apiservers.length === 1) {
      writeKubeconfig(join(this.dir, 'kubeconfig'), entry.url);
      this.kubectl = new Kubectl(join(this.dir, 'kubeconfig'));
    }
    return entry;
  }

  async startProxySim(): Promise<void> {
    const rulesFile = join(this.dir, 'rules');
    this.proxySim = new ProjectProcess('proxy-sim', [
      `--etcd-servers=${this.etcd.endpoints.join(',')}`,
      '--hostname-override=node-1',
      '--node-ip=192.168.0.10',
      '--host-addresses=192.168.0.10/24,fd00::10/64,127.0.0.1/8,::1/128',
      '--cluster-cidr=10.244.0.0/16,fd00:10:244::/64',
      '--ip-family=IPv4,IPv6',
      '--iptables-min-sync-period=100ms',
      '--metrics-bind-address=127.0.0.1:0',
      '--healthz-bind-address=127.0.0.1:0',
      `--output-file=${rulesFile}`,
    ]);
    this.rules = new CapturedRules(() => ['ipv4', 'ipv6'].map((f) => readOr(`${rulesFile}.${f}`)).join('\n'));
    let pending = '';
    // Each sync starts with a `# sync` line and ends with the nat table's COMMIT; hand the
    // rules view one whole sync at a time.
    this.proxySim.onOutput((chunk) => {
      pending += chunk;
      const syncs = pending.split(/(?=^# sync )/m);
      pending = '';
      for (const [i, s] of syncs.entries()) {
        const whole = i < syncs.length - 1 || (s.includes('*nat') && s.endsWith('COMMIT\n'));
        if (!whole) pending = s;
        else if (s.startsWith('# sync ')) this.rules.record(s);
      }
    });
    await this.proxySim.waitForLine(/^# sync 1 \(full/);
  }

  /** The apiserver's output lines, for the walkthrough's step 2. */
  get apiserverLog(): string[] {
    return this.apiservers[0]!.process.lines;
  }

  async stop(): Promise<void> {
    await this.proxySim?.stop();
    for (const a of this.apiservers) await a.process.stop();
    this.client?.close();
    await this.etcd?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
