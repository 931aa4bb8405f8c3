import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { connectEtcd, parseEndpoints } from '../shared/etcd/client.js';
import { provideEtcd } from '../shared/etcd/provider.js';
import { PortRange } from '../apiserver/allocator/node-ports.js';
import { parseServiceClusterIPRange } from '../apiserver/allocator/service-cidr.js';
import { startApiServer } from '../apiserver/server.js';
import { startLive } from '../proxy-sim/cli/live.js';
import type { NodeSettings } from '../proxy-sim/render/node-config.js';
import { HttpClient, Kubectl, kubectlAvailable, writeKubeconfig, type DemoClient } from './client.js';
import { Narrator } from './narrator.js';
import { CapturedRules, RulesFile, type RulesView } from './rules.js';
import { walkthrough } from './scenarios.js';
import { openDemoLab, type DemoLab } from './lab-step.js';
import { freePort } from '../shared/net/free-port.js';

// A /24, so the walkthrough can fill it and extend it with a second ServiceCIDR.
const SERVICE_RANGE = '10.96.0.0/24,fd00:10:96::/108';

const program = new Command('demo')
  .description('The four-step walkthrough: kubectl -> apiserver -> etcd -> proxy-sim, with real components')
  .option('--once', 'exit after the walkthrough, with status 0 only if every step did what it said')
  .option('--apiserver <url>', 'use a running apiserver instead of starting one (with --etcd-servers and --rules-file)')
  .option('--etcd-servers <urls>', 'the etcd the running apiserver uses')
  .option('--etcd-prefix <prefix>', 'its key prefix', '/registry')
  .option('--rules-file <path>', "the running proxy-sim's --output-file")
  .option('--port <port>', 'port for the apiserver this demo starts', process.env.APISERVER_PORT ?? '8080');
program.parse();
const opts = program.opts<{ once?: boolean; apiserver?: string; etcdServers?: string; etcdPrefix: string; rulesFile?: string; port: string }>();

const narrator = new Narrator();
const cleanups: (() => Promise<void>)[] = [];
const apiserverLog: string[] = [];
let echo = false;
// One stop for everyone: a walkthrough that fails because a signal is tearing the stack down
// waits for that same teardown instead of exiting before etcd's data directory is gone.
let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  })());
// From the start, before etcd: Ctrl-C at any point stops what was started and removes etcd's
// temporary data directory (a binary's, removed on exit by the provider, even mid-start).
let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    void stop().finally(() => process.exit(echo ? 0 : signal === 'SIGINT' ? 130 : 143));
  });
}
/** Stops the stack and exits, unless a signal is stopping it: then the signal's exit code stands. */
const finish = async (code: number) => {
  await stop();
  if (!signalled) process.exit(code);
};

try {
  const { server, etcdEndpoints, rules, local, lab } = opts.apiserver ? remote() : await startLocal();
  const etcd = connectEtcd(etcdEndpoints);
  cleanups.push(async () => etcd.close());
  const kubeconfig = join(writableDir(resolve('.cache')), 'kubeconfig');
  writeKubeconfig(kubeconfig, server);
  const client: DemoClient = kubectlAvailable() ? new Kubectl(kubeconfig) : new HttpClient(server);

  narrator.plain(`clusterip-lab walkthrough: a Service from kubectl to iptables rules, in four steps.
  1. kubectl (or an SDK) sends a Service to the apiserver.
  2. The apiserver defaults and validates it and allocates a clusterIP from ${SERVICE_RANGE}.
  3. It writes the Service and an IPAddress key per clusterIP to etcd in one transaction.
  4. proxy-sim watches etcd and prints the iptables rules kube-proxy would write.
Commands run with ${client.how}.
`);
  await walkthrough({ client, narrator, etcd, root: opts.etcdPrefix, rules, server, apiserverLog: local ? apiserverLog : undefined, rulesTimeoutMs: 15_000, rulesAreSyncs: local, lab });

  const ok = narrator.failures === 0;
  narrator.plain(`\n${ok ? 'Every step did what it said.' : `${narrator.failures} check(s) failed.`}\n`);
  if (opts.once) await finish(ok ? 0 : 1);
  // A signal during the walkthrough is already stopping the stack: nothing stays up.
  else if (!signalled) {
    narrator.plain(`
The stack stays up. Try it yourself:

  export KUBECONFIG=${kubeconfig}
  kubectl create service clusterip mine --tcp=80:8080
  kubectl get svc -o wide
  kubectl delete service mine

or with curl:

  curl -s -X POST ${server}/api/v1/namespaces/default/services -H 'Content-Type: application/json' \\
    -d '{"metadata":{"name":"mine"},"spec":{"selector":{"app":"mine"},"ports":[{"port":80,"targetPort":8080}]}}'
  curl -s ${server}/api/v1/namespaces/default/services/mine

The apiserver's steps 2 and 3 and proxy-sim's rules (step 4) are printed below as they happen.
Press Ctrl-C to stop.
`);
    echo = true;
  }
} catch (err) {
  if (!signalled) console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  await finish(1);
}

function remote(): { server: string; etcdEndpoints: string[]; rules: RulesView; local: false; lab: DemoLab } {
  if (!opts.etcdServers || !opts.rulesFile) throw new Error('--apiserver needs --etcd-servers and --rules-file');
  return { server: opts.apiserver!.replace(/\/$/, ''), etcdEndpoints: parseEndpoints(opts.etcdServers), rules: new RulesFile(opts.rulesFile), local: false, lab: { why: 'the proxy-sim of a running stack (compose) only prints rules' } };
}

/** etcd, the apiserver and proxy-sim, all started here. */
async function startLocal(): Promise<{ server: string; etcdEndpoints: string[]; rules: RulesView; local: true; lab: DemoLab }> {
  narrator.note('starting etcd, the apiserver and proxy-sim');
  const etcdHandle = await provideEtcd({ log: (line) => narrator.note(`etcd: ${line}`) });
  cleanups.push(() => etcdHandle.stop());
  narrator.note(`etcd: ${etcdHandle.description}`);
  let port = Number(opts.port);
  if (port !== 0 && (await portTaken(port))) {
    const requested = port;
    port = await freePort();
    narrator.note(`apiserver: port ${requested} on 127.0.0.1 is in use by another program, so it serves on ${port} instead (--port or APISERVER_PORT picks one)`);
  }
  const apiserver = await startApiServer({
    etcdServers: etcdHandle.endpoints,
    etcdPrefix: opts.etcdPrefix,
    serviceCIDRs: parseServiceClusterIPRange(SERVICE_RANGE),
    nodePortRange: PortRange.parse('30000-32767'),
    bindAddress: '127.0.0.1',
    port,
    advertiseAddress: '127.0.0.1',
    repairIntervalMs: 180_000,
    etcdCompactionIntervalMs: 300_000,
    ipLeakGraceMs: 60_000,
    log: (line) => {
      apiserverLog.push(line);
      if (echo) narrator.plain(`apiserver | ${line}\n`);
    },
  });
  cleanups.push(() => apiserver.close());
  narrator.note(`apiserver: serving on ${apiserver.url}`);
  let rules: CapturedRules | undefined = undefined;
  const node: NodeSettings = {
    nodeName: 'node-1',
    nodeIP: '192.168.0.10',
    hostAddresses: ['192.168.0.10/24', 'fd00::10/64', '127.0.0.1/8', '::1/128'],
    clusterCIDRs: ['10.244.0.0/16', 'fd00:10:244::/64'],
    detectLocalMode: 'ClusterCIDR',
    masqueradeAll: false,
    masqueradeBit: 14,
    nodePortAddresses: [],
    localhostNodePorts: true,
    conntrackTCPBeLiberal: false,
    randomFully: false,
    nfacct: false,
  };
  // Real packets (step 5) when this is Linux and root: node-1 is built in network namespaces.
  const lab = openDemoLab(node, [4, 6], (line) => narrator.note(line));
  if (lab.node) cleanups.push(async () => lab.node!.destroy());
  const proxy = await startLive(
    {
      node,
      kernel: lab.node,
      families: [4, 6],
      etcdServers: etcdHandle.endpoints,
      etcdPrefix: opts.etcdPrefix,
      minSyncPeriodMs: 250,
      syncPeriodMs: 30_000,
      output: 'changes',
    },
    {
      out: (text) => {
        rules?.record(text);
        if (echo) narrator.plain(text.split('\n').map((l) => (l ? `proxy-sim | ${l}` : l)).join('\n'));
      },
      err: (line) => narrator.note(`proxy-sim: ${line}`),
    },
  );
  rules = new CapturedRules(() => proxy.proxiers.map((p) => p.fullRuleset()).join('\n'));
  cleanups.push(() => proxy.stop());
  narrator.note('proxy-sim: watching etcd as node-1 (IPv4 and IPv6)');
  return { server: apiserver.url, etcdEndpoints: etcdHandle.endpoints, rules, local: true, lab };
}

/** The directory if it can be made and written, else the system's temporary directory. */
function writableDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return dir;
  } catch {
    return tmpdir();
  }
}

/** Whether binding the port fails, as the apiserver's own listen would. */
function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}
