import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { parseIP, type Family } from '../../shared/net/ip.js';
import type { NodeSettings } from '../render/node-config.js';
import { planAddresses, type FamilyPlan } from './addresses.js';
import { jumpRules } from './jump-rules.js';
import { clientNs, labOf, nodeNs, NS_PREFIX, parseNetnsList, PID_DIR, podNs, remoteNs } from './names.js';
import { inNs, must, run } from './shell.js';

const ECHO_SERVER = fileURLToPath(new URL('./echo-server.js', import.meta.url));
/** The pods' gateway: an address on every host-side veth, as Calico does it. */
const GATEWAY: Record<Family, string> = { 4: '169.254.1.1', 6: 'fe80::1' };

/** Why this machine cannot build a lab node, or undefined when it can. */
export function labUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `network namespaces need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'creating network namespaces needs root (run it with sudo, or leave out --netns to only print rules)';
  for (const cmd of ['ip', 'iptables-restore', 'ip6tables-restore', 'iptables', 'sysctl']) {
    if (run('sh', ['-c', `command -v ${cmd}`]).status !== 0) return `${cmd} is not installed`;
  }
  return undefined;
}

interface Pod {
  ns: string;
  ip: string;
  family: Family;
  local: boolean;
  ports: string;
  server?: ChildProcess;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A simulated node in network namespaces: the node itself (the host), a second node beside
 * it (where remote endpoints live, and which stands for the world outside), a client pod on
 * the node, and one namespace per endpoint address found in the EndpointSlices, with a
 * server answering on the endpoint's ports. The proxier's restore input is applied inside the
 * node namespace with iptables-restore --noflush, as kube-proxy applies it on a node.
 */
export class LabNode {
  readonly node: string;
  readonly remote: string;
  readonly client: string;
  readonly plans: FamilyPlan[];
  private readonly slices = new Map<string, EndpointSlice>();
  private readonly pods = new Map<string, Pod>();
  private readonly created: string[] = [];
  private podCount = 0;
  private destroyed = false;

  constructor(
    readonly lab: string,
    private readonly settings: NodeSettings,
    families: readonly Family[],
    private readonly log: (line: string) => void,
  ) {
    this.node = nodeNs(lab);
    this.remote = remoteNs(lab);
    this.client = clientNs(lab);
    this.plans = planAddresses(settings, families);
  }

  /** Removes what dead labs left behind, then builds the node, its neighbour and the client pod. */
  create(): void {
    removeStaleLabs(this.lab, this.log);
    mkdirSync(PID_DIR, { recursive: true });
    writeFileSync(`${PID_DIR}/${this.lab}.pid`, `${process.pid}\n`);
    try {
      for (const ns of [this.node, this.remote]) this.addNamespace(ns);
      for (const ns of [this.node, this.remote]) {
        must('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
      }
      inNs(this.node, 'ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.remote]);
      for (const p of this.plans) {
        for (const a of p.nodeAddresses) inNs(this.node, 'ip', ['addr', 'add', a, 'dev', 'eth0', ...(p.family === 6 ? ['nodad'] : [])]);
        inNs(this.remote, 'ip', ['addr', 'add', `${p.remoteIP}/${p.remotePrefix}`, 'dev', 'eth0', ...(p.family === 6 ? ['nodad'] : [])]);
      }
      inNs(this.node, 'ip', ['link', 'set', 'eth0', 'up']);
      inNs(this.remote, 'ip', ['link', 'set', 'eth0', 'up']);
      for (const p of this.plans) {
        // Locally sent packets to a cluster IP need a route before nat OUTPUT rewrites them.
        inNs(this.node, 'ip', [`-${p.family}`, 'route', 'add', 'default', 'via', p.remoteIP, 'dev', 'eth0']);
      }
      this.addNamespace(this.client);
      this.attach(this.client, this.plans.map((p) => ({ ip: p.clientIP, family: p.family })), true, 'vclient');
      this.log(
        `lab: node ${this.node} (${this.plans.map((p) => p.nodeAddresses.join(', ')).join(', ')}), ` +
          `remote node ${this.remote} (${this.plans.map((p) => p.remoteIP).join(', ')}), client pod ${this.client} (${this.plans.map((p) => p.clientIP).join(', ')})`,
      );
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  endpointSlice(key: string, slice: EndpointSlice | undefined): void {
    if (slice) this.slices.set(key, slice);
    else this.slices.delete(key);
  }

  /**
   * One sync into the node's kernel: pods for the endpoints as of now, at a full sync the
   * jump rules from the built-in chains, then iptables-restore --noflush. Throws with
   * iptables-restore's message when it refuses the input.
   */
  restore(family: Family, text: string, full: boolean): void {
    this.syncPods();
    if (full) this.ensureJumpRules(family);
    const tool = family === 4 ? 'iptables-restore' : 'ip6tables-restore';
    const res = run('ip', ['netns', 'exec', this.node, tool, '-w', '5', '--noflush', '--counters'], text);
    // One log line: iptables-restore puts its version and the failing line on separate lines.
    if (res.status !== 0) throw new Error(`${full ? 'full' : 'partial'} ${tool} failed: ${res.stderr.trim().replace(/\s*\n\s*/g, ' ') || `exit status ${res.status}`}`);
  }

  /** Runs a command in one of the lab's namespaces, e.g. iptables-save in the node. */
  exec(ns: string, cmd: string, args: readonly string[], input?: string): string {
    return inNs(ns, cmd, args, input);
  }

  /** The namespace of the pod with this IP, if there is one. */
  podOf(ip: string): string | undefined {
    return this.pods.get(ip)?.ns;
  }

  /** Stops the servers and deletes every namespace this lab made. Safe to call twice. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const pod of this.pods.values()) pod.server?.kill('SIGKILL');
    for (const ns of [...this.created].reverse()) deleteNamespace(ns);
    rmSync(`${PID_DIR}/${this.lab}.pid`, { force: true });
  }

  private addNamespace(ns: string): void {
    must('ip', ['netns', 'add', ns]);
    this.created.push(ns);
    inNs(ns, 'sysctl', ['-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    inNs(ns, 'ip', ['link', 'set', 'lo', 'up']);
  }

  /** A veth from the node (or the remote node) to a pod, routed: the pod's only way out. */
  private attach(ns: string, ips: { ip: string; family: Family }[], local: boolean, ifname: string): void {
    const host = local ? this.node : this.remote;
    inNs(host, 'ip', ['link', 'add', ifname, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    inNs(host, 'ip', ['link', 'set', ifname, 'up']);
    inNs(ns, 'ip', ['link', 'set', 'eth0', 'up']);
    for (const f of new Set(ips.map((i) => i.family))) {
      inNs(host, 'ip', ['addr', 'add', `${GATEWAY[f]}/${f === 4 ? 32 : 64}`, 'dev', ifname, ...(f === 6 ? ['nodad'] : [])]);
      if (f === 4) inNs(ns, 'ip', ['route', 'add', GATEWAY[4], 'dev', 'eth0', 'scope', 'link']);
      inNs(ns, 'ip', [`-${f}`, 'route', 'add', 'default', 'via', GATEWAY[f], 'dev', 'eth0']);
    }
    for (const { ip, family } of ips) {
      const plen = family === 4 ? 32 : 128;
      inNs(ns, 'ip', ['addr', 'add', `${ip}/${plen}`, 'dev', 'eth0', ...(family === 6 ? ['nodad'] : [])]);
      inNs(host, 'ip', [`-${family}`, 'route', 'replace', `${ip}/${plen}`, 'dev', ifname]);
      const plan = this.plans.find((p) => p.family === family);
      if (!plan) continue;
      // The other node reaches the pod through this one, and the other way round. These routes
      // outlive a pod's namespace, so a pod that comes back replaces them.
      if (local) inNs(this.remote, 'ip', [`-${family}`, 'route', 'replace', `${ip}/${plen}`, 'via', plan.nodeIP]);
      else inNs(this.node, 'ip', [`-${family}`, 'route', 'replace', `${ip}/${plen}`, 'via', plan.remoteIP]);
    }
  }

  /** Endpoint addresses of the families this node runs, with their ports, local or remote. */
  private wantedPods(): Map<string, { family: Family; local: boolean; ports: Set<string> }> {
    const wanted = new Map<string, { family: Family; local: boolean; ports: Set<string> }>();
    const taken = new Set(this.plans.flatMap((p) => [p.nodeIP, p.remoteIP, p.clientIP, ...p.nodeAddresses.map((a) => a.split('/')[0]!)]));
    for (const slice of this.slices.values()) {
      const family = slice.addressType === 'IPv4' ? 4 : slice.addressType === 'IPv6' ? 6 : undefined;
      if (!family || !this.plans.some((p) => p.family === family)) continue;
      const ports = (slice.ports ?? []).filter((p) => typeof p.port === 'number' && (p.protocol ?? 'TCP') !== 'SCTP').map((p) => `${(p.protocol ?? 'TCP').toLowerCase()}:${p.port}`);
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        // Loopback and link-local endpoints (an apiserver advertising 127.0.0.1) get no pod.
        if (!ip || parseIP(ip)?.family !== family || taken.has(ip) || /^(127\.|169\.254\.|::1$|fe80:)/i.test(ip)) continue;
        const w = wanted.get(ip) ?? { family, local: ep.nodeName === this.settings.nodeName, ports: new Set<string>() };
        for (const p of ports) w.ports.add(p);
        wanted.set(ip, w);
      }
    }
    return wanted;
  }

  private syncPods(): void {
    const wanted = this.wantedPods();
    for (const [ip, pod] of this.pods) {
      const w = wanted.get(ip);
      if (w && w.local === pod.local) continue;
      pod.server?.kill('SIGKILL');
      deleteNamespace(pod.ns);
      this.created.splice(this.created.indexOf(pod.ns), 1);
      this.pods.delete(ip);
      this.log(`lab: pod ${pod.ns} (${ip}) removed: no EndpointSlice lists it ${w ? 'on this node any more' : 'any more'}`);
    }
    for (const [ip, w] of wanted) {
      const ports = [...w.ports].sort().join(' ');
      let pod = this.pods.get(ip);
      if (!pod) {
        const n = ++this.podCount;
        pod = { ns: podNs(this.lab, n), ip, family: w.family, local: w.local, ports: '' };
        this.addNamespace(pod.ns);
        this.attach(pod.ns, [{ ip, family: w.family }], w.local, `vp${n}`);
        this.pods.set(ip, pod);
      }
      if (pod.ports === ports) continue;
      pod.server?.kill('SIGKILL');
      pod.ports = ports;
      pod.server = ports === '' ? undefined : spawn('ip', ['netns', 'exec', pod.ns, process.execPath, ECHO_SERVER, ip, ...ports.split(' ')], { stdio: 'ignore' });
      this.log(`lab: pod ${pod.ns} (${ip}, ${w.local ? 'on this node' : 'on the remote node'}) answers on ${ports || 'no port'}`);
    }
  }

  private ensureJumpRules(family: Family): void {
    const cmd = family === 4 ? 'iptables' : 'ip6tables';
    const firewall = family === 4 && this.settings.localhostNodePorts;
    const rules = jumpRules(family, firewall);
    for (const chain of new Set(rules.map((r) => `${r.table} ${r.args[r.args.length - 1]}`))) {
      const [table, name] = chain.split(' ');
      // EnsureChain: "already exists" is fine.
      run('ip', ['netns', 'exec', this.node, cmd, '-w', '5', '-t', table!, '-N', name!]);
    }
    for (const r of rules) {
      if (run('ip', ['netns', 'exec', this.node, cmd, '-w', '5', '-t', r.table, '-C', r.chain, ...r.args]).status === 0) continue;
      inNs(this.node, cmd, ['-w', '5', '-t', r.table, '-I', r.chain, ...r.args]);
    }
  }
}

function deleteNamespace(ns: string): void {
  // Servers left by a lab that was killed keep a namespace alive after `ip netns del`.
  for (const pid of run('ip', ['netns', 'pids', ns]).stdout.split('\n').map(Number).filter((n) => n > 0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  run('ip', ['netns', 'del', ns]);
}

/**
 * Namespaces of labs whose process is gone (no pid file, or a dead pid): removed. A lab of
 * the same name that is still running is an error; other running labs are left alone.
 */
function removeStaleLabs(mine: string, log: (line: string) => void): void {
  const owner = (lab: string): number | undefined => {
    try {
      const pid = Number(readFileSync(`${PID_DIR}/${lab}.pid`, 'utf8').trim());
      return pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  const mineOwner = owner(mine);
  if (mineOwner !== undefined) throw new Error(`--netns ${mine}: a lab of that name is running (pid ${mineOwner}); choose another name`);
  const stale = parseNetnsList(run('ip', ['netns', 'list']).stdout).filter((ns) => ns.startsWith(NS_PREFIX) && labOf(ns) !== undefined && owner(labOf(ns)!) === undefined);
  for (const ns of stale) deleteNamespace(ns);
  if (stale.length > 0) log(`lab: removed ${stale.length} namespaces left by a lab that did not clean up: ${stale.join(' ')}`);
  let files: string[];
  try {
    files = readdirSync(PID_DIR);
  } catch {
    return;
  }
  for (const f of files) if (f.endsWith('.pid') && owner(f.slice(0, -4)) === undefined) rmSync(`${PID_DIR}/${f}`, { force: true });
}
