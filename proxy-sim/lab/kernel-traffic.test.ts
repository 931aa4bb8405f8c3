import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedEtcd, uniquePrefix } from '../../shared/testing/etcd.js';
import { parseNetnsList, PID_DIR } from './names.js';
import { LabNode, labUnavailable } from './node.js';
import { Lab, LAB_NODE, addressOf, labSettings, tally } from '../testing/lab.js';
import type { ProbeAnswer } from '../testing/probe.js';

const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));
const SVCS = '/api/v1/namespaces/default/services';
const SLICES = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';
const CLIENT_V4 = '10.244.255.254';
const NODE_V4 = '192.168.50.2';
const REMOTE_V4 = '192.168.50.254';

interface EP {
  ip: string;
  local: boolean;
}

function serviceBody(name: string, spec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }], ...spec },
  };
}

function sliceBody(service: string, eps: EP[], options: { family?: 4 | 6; ports?: { name: string; port: number; protocol: string }[]; suffix?: string } = {}) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${service}-${options.suffix ?? (options.family === 6 ? 'v6' : 'v4')}`, labels: { 'kubernetes.io/service-name': service } },
    addressType: options.family === 6 ? 'IPv6' : 'IPv4',
    endpoints: eps.map((e) => ({ addresses: [e.ip], nodeName: e.local ? LAB_NODE : 'other-node', conditions: { ready: true } })),
    ports: options.ports ?? [{ name: 'http', port: 8080, protocol: 'TCP' }],
  };
}

/** Waits until every endpoint has answered at least once: its pod and server are up. */
async function untilAllAnswer(lab: Lab, ns: string, dst: string, port: number, endpoints: string[], protocol: 'tcp' | 'udp' = 'tcp'): Promise<void> {
  const seen = new Set<string>();
  const deadline = Date.now() + 30_000;
  while (!endpoints.every((e) => seen.has(e))) {
    if (Date.now() > deadline) throw new Error(`not all of ${endpoints.join(', ')} answered ${dst}:${port} within 30s; seen ${[...seen].join(', ') || 'none'}`);
    for (const a of await lab.probe(ns, dst, port, { protocol, count: 8, timeoutMs: 1000 })) if (a.endpoint) seen.add(a.endpoint);
  }
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const errors = (answers: ProbeAnswer[]) => answers.map((a) => a.error ?? `answer from ${a.endpoint}`);

describe('packets through the rules in a real kernel (lab node in network namespaces)', function () {
  this.timeout(90_000);
  let lab: Lab | undefined;

  before(function () {
    const why = labUnavailable();
    if (why) {
      if (process.env.CI === 'true') throw new Error(`kernel traffic tests cannot run on CI: ${why}`);
      console.log(`      skipped: ${why} (they run as root on Linux)`);
      this.skip();
    }
  });
  afterEach(async () => {
    await lab?.stop();
    lab = undefined;
  });

  it('ClusterIP with two endpoints: 200 connections from a pod, both answer, the split within a binomial bound, no masquerade', async () => {
    lab = await Lab.start();
    const created = await lab.post(SVCS, serviceBody('web', { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }, { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' }] }));
    const ip = created.spec.clusterIP as string;
    await lab.post(SLICES, sliceBody('web', [{ ip: '10.244.1.1', local: true }, { ip: '10.244.2.1', local: false }], { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'dns', port: 5353, protocol: 'UDP' }] }));
    await untilAllAnswer(lab, lab.node.client, ip, 80, ['10.244.1.1:8080', '10.244.2.1:8080']);

    const answers = await lab.probe(lab.node.client, ip, 80, { count: 200 });
    const counts = tally(answers);
    expect(Object.keys(counts).sort()).to.deep.equal(['10.244.1.1:8080', '10.244.2.1:8080']);
    // Binomial(200, 1/2): the standard deviation is about 7.1; 5 of them either side.
    expect(counts['10.244.1.1:8080']).to.be.within(65, 135);
    expect(new Set(answers.map((a) => addressOf(a.seenFrom!)))).to.deep.equal(new Set([CLIENT_V4]));

    await untilAllAnswer(lab, lab.node.client, ip, 53, ['10.244.1.1:5353', '10.244.2.1:5353'], 'udp');
  });

  it('REJECT before the endpoints exist and after they are gone; once the Service is deleted its address leads nowhere', async () => {
    lab = await Lab.start();
    const ip = (await lab.post(SVCS, serviceBody('late'))).spec.clusterIP as string;
    await until(async () => (await lab!.probe(lab!.node.client, ip, 80))[0]?.error === 'ECONNREFUSED', 'REJECT of a Service without endpoints');
    const started = Date.now();
    const refused = await lab.probe(lab.node.client, ip, 80, { count: 5, timeoutMs: 5000 });
    expect(errors(refused)).to.deep.equal(Array(5).fill('ECONNREFUSED'));
    expect(Date.now() - started, 'refused at once, not after a timeout').to.be.below(4000);

    await lab.post(SLICES, sliceBody('late', [{ ip: '10.244.1.2', local: true }]));
    await untilAllAnswer(lab, lab.node.client, ip, 80, ['10.244.1.2:8080']);

    await lab.delete(`${SLICES}/late-v4`);
    await until(async () => (await lab!.probe(lab!.node.client, ip, 80))[0]?.error === 'ECONNREFUSED', 'REJECT after the endpoints are gone');

    await lab.delete(`${SVCS}/late`);
    // No rule is left: the node routes the packet out to its neighbour, which has no route either.
    await until(async () => ['ENETUNREACH', 'EHOSTUNREACH'].includes((await lab!.probe(lab!.node.client, ip, 80, { timeoutMs: 5000 }))[0]?.error ?? ''), 'no rule for a deleted Service');
  });

  it('NodePort on the node IP from outside the node: answered and masqueraded', async () => {
    lab = await Lab.start();
    const created = await lab.post(SVCS, serviceBody('np', { type: 'NodePort' }));
    const nodePort = created.spec.ports[0].nodePort as number;
    await lab.post(SLICES, sliceBody('np', [{ ip: '10.244.1.3', local: true }, { ip: '10.244.2.3', local: false }]));
    await untilAllAnswer(lab, lab.node.remote, NODE_V4, nodePort, ['10.244.1.3:8080', '10.244.2.3:8080']);
    const answers = await lab.probe(lab.node.remote, NODE_V4, nodePort, { count: 20 });
    expect(answers.every((a) => a.endpoint && addressOf(a.seenFrom!) !== REMOTE_V4), JSON.stringify(answers)).to.equal(true);
  });

  it('externalTrafficPolicy Local: only the local endpoint answers and sees the client; internalTrafficPolicy Local: only the local one', async () => {
    lab = await Lab.start();
    const created = await lab.post(SVCS, serviceBody('etp', { type: 'NodePort', externalTrafficPolicy: 'Local' }));
    const nodePort = created.spec.ports[0].nodePort as number;
    await lab.post(SLICES, sliceBody('etp', [{ ip: '10.244.1.4', local: true }, { ip: '10.244.2.4', local: false }]));
    await untilAllAnswer(lab, lab.node.remote, NODE_V4, nodePort, ['10.244.1.4:8080']);
    const answers = await lab.probe(lab.node.remote, NODE_V4, nodePort, { count: 40 });
    expect(tally(answers)).to.deep.equal({ '10.244.1.4:8080': 40 });
    expect(new Set(answers.map((a) => addressOf(a.seenFrom!)))).to.deep.equal(new Set([REMOTE_V4]));

    const itp = (await lab.post(SVCS, serviceBody('itp', { internalTrafficPolicy: 'Local' }))).spec.clusterIP as string;
    await lab.post(SLICES, sliceBody('itp', [{ ip: '10.244.1.5', local: true }, { ip: '10.244.2.5', local: false }]));
    await untilAllAnswer(lab, lab.node.client, itp, 80, ['10.244.1.5:8080']);
    expect(tally(await lab.probe(lab.node.client, itp, 80, { count: 40 }))).to.deep.equal({ '10.244.1.5:8080': 40 });
  });

  it('session affinity ClientIP: the same endpoint every time', async () => {
    lab = await Lab.start();
    const ip = (await lab.post(SVCS, serviceBody('sticky', { sessionAffinity: 'ClientIP' }))).spec.clusterIP as string;
    await lab.post(SLICES, sliceBody('sticky', [{ ip: '10.244.1.6', local: true }, { ip: '10.244.2.6', local: false }, { ip: '10.244.1.7', local: true }]));
    await until(async () => (await lab!.probe(lab!.node.client, ip, 80))[0]?.endpoint !== undefined, 'a first answer');
    const answers = await lab.probe(lab.node.client, ip, 80, { count: 40 });
    expect(Object.keys(tally(answers))).to.have.length(1);
    expect(answers[0]!.endpoint).to.match(/^10\.244\.[12]\.[67]:8080$/);
  });

  it('hairpin: a pod reaching its own Service is masqueraded and answered by itself', async () => {
    lab = await Lab.start();
    const ip = (await lab.post(SVCS, serviceBody('hair'))).spec.clusterIP as string;
    await lab.post(SLICES, sliceBody('hair', [{ ip: '10.244.1.8', local: true }, { ip: '10.244.2.8', local: false }]));
    await untilAllAnswer(lab, lab.node.client, ip, 80, ['10.244.1.8:8080', '10.244.2.8:8080']);
    const pod = lab.node.podOf('10.244.1.8')!;
    const answers = await lab.probe(pod, ip, 80, { count: 40 });
    const self = answers.filter((a) => a.endpoint === '10.244.1.8:8080');
    const other = answers.filter((a) => a.endpoint === '10.244.2.8:8080');
    expect(self.length + other.length, JSON.stringify(answers)).to.equal(40);
    expect(self.length).to.be.above(0);
    // To itself, the source must be rewritten, or the pod would answer itself directly and
    // the reply would miss the DNAT; to the other pod, its own address is kept.
    expect(self.every((a) => addressOf(a.seenFrom!) !== '10.244.1.8')).to.equal(true);
    expect(other.every((a) => addressOf(a.seenFrom!) === '10.244.1.8')).to.equal(true);
  });

  it('IPv6 and a dual-stack Service on a dual-stack node: both cluster IPs answer', async () => {
    lab = await Lab.start({ families: [4, 6] });
    const created = await lab.post(SVCS, serviceBody('dual', { ipFamilyPolicy: 'RequireDualStack', type: 'NodePort' }));
    const [v4, v6] = created.spec.clusterIPs as string[];
    expect(v6).to.include(':');
    await lab.post(SLICES, sliceBody('dual', [{ ip: '10.244.1.9', local: true }, { ip: '10.244.2.9', local: false }]));
    await lab.post(SLICES, sliceBody('dual', [{ ip: 'fd00:244::1:9', local: true }, { ip: 'fd00:244::2:9', local: false }], { family: 6 }));
    await untilAllAnswer(lab, lab.node.client, v4!, 80, ['10.244.1.9:8080', '10.244.2.9:8080']);
    await untilAllAnswer(lab, lab.node.client, v6!, 80, ['[fd00:244::1:9]:8080', '[fd00:244::2:9]:8080']);
    const six = await lab.probe(lab.node.client, v6!, 80, { count: 20 });
    expect(six.every((a) => a.endpoint?.startsWith('[fd00:244::') && addressOf(a.seenFrom!) === 'fd00:244::ffff:ffff:ffff:fffe'), JSON.stringify(six)).to.equal(true);
    // The IPv6 NodePort on the node's IPv6 address, from the other node.
    await untilAllAnswer(lab, lab.node.remote, '2001:db8:50::2', created.spec.ports[0].nodePort as number, ['[fd00:244::1:9]:8080', '[fd00:244::2:9]:8080']);
  });

  it('a partial restore that fails on a hand-added rule is logged with the kernel message, then a full sync recovers', async () => {
    // A long sync period keeps the syncs partial; the retry then comes with the next change.
    lab = await Lab.start();
    const a = (await lab.post(SVCS, serviceBody('svc3'))).spec.clusterIP as string;
    const b = (await lab.post(SVCS, serviceBody('svc4'))).spec.clusterIP as string;
    await lab.post(SLICES, sliceBody('svc3', [{ ip: '10.244.1.10', local: true }]));
    await lab.post(SLICES, sliceBody('svc4', [{ ip: '10.244.1.11', local: true }]));
    await untilAllAnswer(lab, lab.node.client, a, 80, ['10.244.1.10:8080']);
    await untilAllAnswer(lab, lab.node.client, b, 80, ['10.244.1.11:8080']);

    // As upstream's TestSyncProxyRulesRepeated: a rule in svc3's chain jumps to svc4's endpoint.
    const save = lab.node.exec(lab.node.node, 'iptables-save', ['-t', 'nat']);
    const svc3Chain = /-A KUBE-SERVICES .*"default\/svc3:http cluster IP".* -j (KUBE-SVC-\S+)/.exec(save)![1]!;
    const svc4Sep = /-A (KUBE-SEP-\S+) .*--to-destination 10\.244\.1\.11:8080/.exec(save)![1]!;
    lab.node.exec(lab.node.node, 'iptables', ['-w', '5', '-t', 'nat', '-A', svc3Chain, '-j', svc4Sep]);

    const before = lab.live.syncs().length;
    await lab.delete(`${SVCS}/svc4`);
    await until(async () => lab!.live.err.some((l) => l.includes('partial iptables-restore failed')), 'the failed partial restore');
    const failure = lab.live.err.find((l) => l.includes('partial iptables-restore failed'))!;
    expect(failure).to.match(/^error: IPv4 sync failed: partial iptables-restore failed: .*(line \d+ failed|busy|in use)/is);
    await lab.post(SVCS, serviceBody('svc5'));
    const full = await lab.live.waitForSync(/\(full\): retry after failed sync/, 20_000);
    expect(lab.live.syncs().length).to.be.above(before);
    expect(full.text).to.include(`-X ${svc4Sep}`);

    const after = lab.node.exec(lab.node.node, 'iptables-save', ['-t', 'nat']);
    expect(after).to.not.include(svc4Sep);
    expect(tally(await lab.probe(lab.node.client, a, 80, { count: 20 }))).to.deep.equal({ '10.244.1.10:8080': 20 });
    expect(errors(await lab.probe(lab.node.client, b, 80, { timeoutMs: 5000 }))[0]).to.be.oneOf(['ENETUNREACH', 'EHOSTUNREACH']);
  });

  describe('trace -o json against the kernel, flow by flow', () => {
    let world: Lab;
    let files: string;
    const ips: Record<string, string> = {};
    const ports: Record<string, number> = {};

    before(async function () {
      this.timeout(120_000);
      world = await Lab.start({ families: [4, 6] });
      const make = async (name: string, spec: Record<string, unknown>, eps: EP[]) => {
        const created = await world.post(SVCS, serviceBody(name, spec));
        ips[name] = created.spec.clusterIP as string;
        ports[name] = (created.spec.ports[0].nodePort as number | undefined) ?? 0;
        if (eps.length > 0) await world.post(SLICES, sliceBody(name, eps));
      };
      await make('web', {}, [{ ip: '10.244.1.20', local: true }, { ip: '10.244.2.20', local: false }]);
      await make('np', { type: 'NodePort' }, [{ ip: '10.244.1.21', local: true }, { ip: '10.244.2.21', local: false }]);
      await make('etp', { type: 'NodePort', externalTrafficPolicy: 'Local' }, [{ ip: '10.244.1.22', local: true }, { ip: '10.244.2.22', local: false }]);
      await make('none', {}, []);
      await make('itp-remote', { internalTrafficPolicy: 'Local' }, [{ ip: '10.244.2.23', local: false }]);
      await make('dns', { ports: [{ name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' }] }, []);
      await world.post(SLICES, sliceBody('dns', [{ ip: '10.244.1.24', local: true }], { ports: [{ name: 'dns', port: 5353, protocol: 'UDP' }] }));
      await make('dns-none', { ports: [{ name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' }] }, []);
      await untilAllAnswer(world, world.node.client, ips.dns!, 53, ['10.244.1.24:5353'], 'udp');
      await make('web6', { ipFamilies: ['IPv6'], type: 'NodePort' }, []);
      await world.post(SLICES, sliceBody('web6', [{ ip: 'fd00:244::1:25', local: true }, { ip: 'fd00:244::2:25', local: false }], { family: 6 }));
      await untilAllAnswer(world, world.node.client, ips.web6!, 80, ['[fd00:244::1:25]:8080', '[fd00:244::2:25]:8080']);
      await untilAllAnswer(world, world.node.client, ips.web!, 80, ['10.244.1.20:8080', '10.244.2.20:8080']);
      await untilAllAnswer(world, world.node.remote, NODE_V4, ports.np!, ['10.244.1.21:8080', '10.244.2.21:8080']);
      await untilAllAnswer(world, world.node.client, ips.etp!, 80, ['10.244.1.22:8080', '10.244.2.22:8080']);
      files = mkdtempSync(join(tmpdir(), 'cliplab-trace-'));
      writeFileSync(join(files, 'services.json'), JSON.stringify(await world.get(SVCS)));
      writeFileSync(join(files, 'slices.json'), JSON.stringify(await world.get(SLICES)));
    });
    after(async () => {
      await world?.stop();
      if (files) rmSync(files, { recursive: true, force: true });
    });

    function trace(src: string, dst: string, dport: number, protocol: 'tcp' | 'udp'): { output: string; masq: boolean } {
      const res = spawnSync(process.execPath, [MAIN, 'trace', '--services', join(files, 'services.json'), '--endpointslices', join(files, 'slices.json'),
        `--hostname-override=${LAB_NODE}`, `--node-ip=${NODE_V4}`, '--host-addresses=192.168.50.2/24,2001:db8:50::2/64', '--cluster-cidr=10.244.0.0/16,fd00:244::/64',
        '--src', src, '--dst', dst, '--dport', String(dport), '--protocol', protocol, '-o', 'json'], { encoding: 'utf8' });
      if (res.status !== 0) throw new Error(res.stderr);
      return JSON.parse(res.stdout) as { output: string; masq: boolean };
    }

    /** Packets that went through KUBE-MARK-MASQ so far, from the kernel's rule counter. */
    const masqCount = (family: 4 | 6) => {
      const out = world.node.exec(world.node.node, family === 4 ? 'iptables' : 'ip6tables', ['-w', '5', '-t', 'nat', '-L', 'KUBE-MARK-MASQ', '-v', '-x', '-n']);
      return Number(/^\s*(\d+)\s+\d+\s+MARK/m.exec(out)![1]);
    };

    /** What the kernel did with `count` new connections: endpoints reached, or the error, and whether any was masqueraded. */
    async function kernel(ns: string, dst: string, dport: number, protocol: 'tcp' | 'udp', count: number): Promise<{ output: string; masq: boolean }> {
      const family = dst.includes(':') ? 6 : 4;
      const before = masqCount(family);
      const answers = await world.probe(ns, dst, dport, { protocol, count, timeoutMs: 1500 });
      const masq = masqCount(family) > before;
      const endpoints = [...new Set(answers.map((a) => a.endpoint).filter((e) => e !== undefined))].sort();
      if (endpoints.length > 0) return { output: endpoints.join(', '), masq };
      const error = answers[0]?.error;
      const verdict = error === 'ECONNREFUSED' ? 'REJECT' : error === 'ETIMEDOUT' ? 'DROP' : error === 'ENETUNREACH' || error === 'EHOSTUNREACH' ? '' : `error ${error}`;
      return { output: verdict, masq };
    }

    const flows: { name: string; from: 'client' | 'remote' | 'node' | 'pod'; src: string; dst: () => string; dport: () => number; protocol?: 'udp'; count?: number }[] = [
      { name: 'a pod to a cluster IP with two endpoints', from: 'client', src: CLIENT_V4, dst: () => ips.web!, dport: () => 80 },
      { name: 'a pod to a cluster IP on a port the Service does not have', from: 'client', src: CLIENT_V4, dst: () => ips.web!, dport: () => 81, count: 1 },
      { name: 'hairpin: an endpoint to its own Service', from: 'pod', src: '10.244.1.20', dst: () => ips.web!, dport: () => 80 },
      { name: 'outside to a NodePort', from: 'remote', src: REMOTE_V4, dst: () => NODE_V4, dport: () => ports.np! },
      { name: 'outside to a NodePort with externalTrafficPolicy Local', from: 'remote', src: REMOTE_V4, dst: () => NODE_V4, dport: () => ports.etp! },
      { name: 'the node itself to a NodePort with externalTrafficPolicy Local', from: 'node', src: NODE_V4, dst: () => NODE_V4, dport: () => ports.etp! },
      { name: 'a pod to a NodePort with externalTrafficPolicy Local', from: 'client', src: CLIENT_V4, dst: () => NODE_V4, dport: () => ports.etp! },
      { name: 'a pod to a Service without endpoints (REJECT)', from: 'client', src: CLIENT_V4, dst: () => ips.none!, dport: () => 80, count: 2 },
      { name: 'a pod to an internalTrafficPolicy Local Service with no local endpoint (DROP)', from: 'client', src: CLIENT_V4, dst: () => ips['itp-remote']!, dport: () => 80, count: 1 },
      { name: 'UDP: a pod to a UDP cluster IP', from: 'client', src: CLIENT_V4, dst: () => ips.dns!, dport: () => 53, protocol: 'udp', count: 4 },
      { name: 'IPv6: a pod to a cluster IP with two endpoints', from: 'client', src: 'fd00:244::ffff:ffff:ffff:fffe', dst: () => ips.web6!, dport: () => 80 },
      { name: 'IPv6: outside to a NodePort on the node IPv6 address', from: 'remote', src: '2001:db8:50:0:ffff:ffff:ffff:fffe', dst: () => '2001:db8:50::2', dport: () => ports.web6! },
      { name: 'UDP: a pod to a UDP Service without endpoints (REJECT)', from: 'client', src: CLIENT_V4, dst: () => ips['dns-none']!, dport: () => 53, protocol: 'udp', count: 1 },
    ];
    for (const f of flows) {
      it(f.name, async () => {
        const ns = { client: world.node.client, remote: world.node.remote, node: world.node.node, pod: world.node.podOf(f.src)! }[f.from];
        const traced = trace(f.src, f.dst(), f.dport(), f.protocol ?? 'tcp');
        const seen = await kernel(ns, f.dst(), f.dport(), f.protocol ?? 'tcp', f.count ?? 24);
        expect(seen, `trace said ${JSON.stringify(traced)}`).to.deep.equal({ output: traced.output.split(', ').sort().join(', '), masq: traced.masq });
      });
    }
  });

  it('proxy-sim --netns: SIGTERM and SIGINT remove every namespace; after a kill -9 the next start removes the leftovers', async () => {
    const { endpoints } = await sharedEtcd();
    const prefix = uniquePrefix('lab-cli');
    const namespaces = () => parseNetnsList(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).filter((n) => n.startsWith('cliplab-tcli-'));
    const start = () => {
      const child = spawn(process.execPath, [MAIN, '--etcd-servers', endpoints.join(','), '--etcd-prefix', prefix, '--netns', 'tcli', '--hostname-override', LAB_NODE, '--node-ip', '192.168.51.2', '--cluster-cidr', '10.244.0.0/16', '--output', 'none', '--metrics-bind-address=', '--healthz-bind-address='], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      return { child, exited, err: () => err };
    };
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const run = start();
      await until(async () => run.err().includes('lab: node cliplab-tcli-node'), `the lab to come up (${signal}); stderr: ${run.err()}`);
      expect(namespaces()).to.include.members(['cliplab-tcli-node', 'cliplab-tcli-remote', 'cliplab-tcli-client']);
      run.child.kill(signal);
      expect(await run.exited).to.equal(0);
      expect(namespaces(), `after ${signal}`).to.deep.equal([]);
    }
    const killed = start();
    await until(async () => killed.err().includes('lab: node cliplab-tcli-node'), 'the lab to come up');
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(namespaces()).to.have.length.above(0);
    const next = start();
    await until(async () => next.err().includes('lab: node cliplab-tcli-node'), 'the second lab to come up');
    expect(next.err()).to.match(/lab: removed \d+ namespaces left by a lab that did not clean up: cliplab-tcli-/);
    next.child.kill('SIGINT');
    await next.exited;
    expect(namespaces()).to.deep.equal([]);
  });

  it('no pod for a loopback endpoint (the apiserver advertising 127.0.0.1); a pod per other endpoint, local or remote', () => {
    const node = new LabNode(`t${process.pid.toString(16)}lo`, labSettings([4]), [4], () => undefined);
    node.create();
    try {
      const slice = sliceBody('kubernetes', [{ ip: '127.0.0.1', local: false }, { ip: '10.244.1.30', local: true }, { ip: '10.244.2.30', local: false }]);
      node.endpointSlice('/registry/endpointslices/default/kubernetes', slice as never);
      node.restore(4, '*filter\nCOMMIT\n', false);
      expect(node.podOf('127.0.0.1')).to.equal(undefined);
      expect(node.podOf('10.244.1.30')).to.match(/^cliplab-t[0-9a-f]+lo-pod\d+$/);
      expect(node.exec(node.node, 'ip', ['route', 'show', '10.244.2.30'])).to.include(`via ${REMOTE_V4}`);
    } finally {
      node.destroy();
    }
  });

  it('an endpoint that goes and comes back gets its pod again, local or remote (its routes on the other node are replaced)', () => {
    const node = new LabNode(`t${process.pid.toString(16)}back`, labSettings([4]), [4], () => undefined);
    node.create();
    try {
      const key = '/registry/endpointslices/default/back';
      const slice = sliceBody('back', [{ ip: '10.244.1.31', local: true }, { ip: '10.244.2.31', local: false }]);
      for (const body of [slice, sliceBody('back', []), slice]) {
        node.endpointSlice(key, body as never);
        node.restore(4, '*filter\nCOMMIT\n', false);
      }
      expect(node.podOf('10.244.1.31')).to.match(/-pod\d+$/);
      expect(node.podOf('10.244.2.31')).to.match(/-pod\d+$/);
      expect(node.exec(node.node, 'ip', ['route', 'show', '10.244.2.31'])).to.include(`via ${REMOTE_V4}`);
    } finally {
      node.destroy();
    }
  });

  it('at start, removes the namespaces of a lab that died and refuses the name of one that runs', async () => {
    const dead = spawnSync('true');
    mkdirSync(PID_DIR, { recursive: true });
    writeFileSync(`${PID_DIR}/tdead.pid`, `${dead.pid}\n`);
    spawnSync('ip', ['netns', 'add', 'cliplab-tdead-node']);
    const sleeper = spawn('sleep', ['60']);
    writeFileSync(`${PID_DIR}/tbusy.pid`, `${sleeper.pid}\n`);
    spawnSync('ip', ['netns', 'add', 'cliplab-tbusy-node']);
    const log: string[] = [];
    const fresh = new LabNode('tfresh', labSettings([4]), [4], (l) => log.push(l));
    try {
      fresh.create();
      expect(log[0]).to.include('cliplab-tdead-node');
      const names = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
      expect(names).to.not.include('cliplab-tdead-node');
      expect(names).to.include('cliplab-tbusy-node');
      expect(() => new LabNode('tbusy', labSettings([4]), [4], () => undefined).create()).to.throw('--netns tbusy: a lab of that name is running');
    } finally {
      fresh.destroy();
      sleeper.kill();
      spawnSync('ip', ['netns', 'del', 'cliplab-tbusy-node']);
      rmSync(`${PID_DIR}/tbusy.pid`, { force: true });
    }
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).to.not.include('cliplab-tfresh');
  });
});
