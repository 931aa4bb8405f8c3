import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Etcd3 } from 'etcd3';
import { CompareResult, CompareTarget } from 'etcd3';
import { connectEtcd } from '../shared/etcd/client.js';
import { freePort } from '../shared/net/free-port.js';
import { DisposableEtcd } from '../shared/testing/disposable-etcd.js';
import { drive, printTable, summarize, type RunStats } from './stats.js';

const CHECKPOINTS = (process.env.BENCH_SCALE ?? '1000,10000,50000,100000').split(',').map(Number);
const CONCURRENCY = 64;
const NAMESPACES = 10;
const RAW_TXNS = 3000;
const WATCHERS = 1000;
const FANOUT_CREATES = 1000;
const FANOUT_RATE = 100;
const PROBES = 25;
const dist = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

interface Row {
  services: number;
  create: RunStats;
  raw: RunStats;
  listAllMs: number;
  listNamespaceMs: number;
  listPagedMs: number;
  listCacheMs: number;
  restartMs: number;
  apiserverMB: number;
  proxyMB: number;
  firstSyncMs: number;
  rule: RunStats;
  fanoutP99: number;
  missed: number;
  failed: number;
}

/**
 * `npm run bench -- scale`: Services created through the HTTP API at 64 in flight, in blocks up
 * to each checkpoint (10 namespaces), and at each checkpoint: the raw etcd transaction rate on
 * the same etcd, list latencies, a restart of the apiserver to ready, RSS, a fresh proxy-sim's
 * first full sync and its create-to-rule latency, and the delivery of 1,000 creates to 1,000
 * watchers. One etcd of its own (8 GiB quota), one apiserver and one proxy-sim process.
 */
export default async function benchScale(): Promise<void> {
  const etcd = await DisposableEtcd.start(['--quota-backend-bytes=8589934592']);
  const client = connectEtcd(etcd.endpoints, { requestTimeoutMs: 30_000 });
  const servers = etcd.endpoints.join(',');
  let api = await Apiserver.start(servers);
  let proxy: ProxySim | undefined;
  const rows: Row[] = [];
  try {
    console.log(`\nscale: Services up to ${CHECKPOINTS.at(-1)}, ${CONCURRENCY} creates in flight, etcd ${etcd.endpoints[0]}`);
    for (const ns of [...Array(NAMESPACES).keys()].map((i) => `ns${i}`).concat('probe', 'fanout')) {
      await api.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    let created = 0;
    for (const target of CHECKPOINTS) {
      const from = created;
      let failed = 0;
      const create = await drive(target - from, CONCURRENCY, async (i) => {
        const n = from + i;
        // A failed create (say a 504 when etcd is slow) is counted, not fatal to the run.
        const status = await api.post(`/api/v1/namespaces/ns${n % NAMESPACES}/services`, svc(`s${n}`));
        if (status !== 201) failed++;
      });
      created = target;
      const raw = await rawTxns(client, target);
      const listAllMs = await timed(() => api.get('/api/v1/services'));
      const listNamespaceMs = await timed(() => api.get('/api/v1/namespaces/ns0/services'));
      const listPagedMs = await timed(() => api.pages('/api/v1/services', 500));
      const listCacheMs = await timed(() => api.get('/api/v1/services?resourceVersion=0'));
      await api.stop();
      const restartStart = performance.now();
      api = await Apiserver.start(servers);
      const restartMs = performance.now() - restartStart;
      proxy?.stop();
      const syncStart = performance.now();
      proxy = await ProxySim.start(servers);
      const firstSyncMs = performance.now() - syncStart;
      const proxyMB = rssMB(proxy.pid);
      const rule = await createToRule(api, proxy, target);
      const fanout = await fanOut(api, target);
      rows.push({ services: target, create, raw, listAllMs, listNamespaceMs, listPagedMs, listCacheMs, restartMs, apiserverMB: rssMB(api.pid), proxyMB, firstSyncMs, rule, fanoutP99: fanout.p99, missed: fanout.missed, failed });
      console.log(`  ${target} Services: create ${create.rate.toFixed(0)}/s (raw txn ${raw.rate.toFixed(0)}/s), restart ${restartMs.toFixed(0)} ms, first sync ${firstSyncMs.toFixed(0)} ms`);
    }
  } finally {
    proxy?.stop();
    await api.stop();
    client.close();
    await etcd.destroy();
  }
  const f = (n: number) => n.toFixed(0);
  printTable(
    ['Services', 'create/s', 'failed', 'p50 ms', 'p99 ms', 'raw txn/s', 'list all ms', 'list ns ms', 'paged ms', 'cache ms', 'restart ms', 'apiserver MB', 'proxy-sim MB', 'first sync ms', 'rule p50/p99 ms', 'fan-out p99 ms'],
    rows.map((r) => [
      r.services.toLocaleString('en'),
      f(r.create.rate),
      r.failed,
      r.create.p50.toFixed(1),
      r.create.p99.toFixed(1),
      f(r.raw.rate),
      f(r.listAllMs),
      f(r.listNamespaceMs),
      f(r.listPagedMs),
      f(r.listCacheMs),
      f(r.restartMs),
      f(r.apiserverMB),
      f(r.proxyMB),
      f(r.firstSyncMs),
      `${f(r.rule.p50)}/${f(r.rule.p99)}`,
      `${f(r.fanoutP99)}${r.missed ? ` (${r.missed} missed)` : ''}`,
    ]),
  );
}

function svc(name: string) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] } };
}

async function timed(op: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await op();
  return performance.now() - t0;
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

/** The bare transaction one create needs (Service and IPAddress if absent, namespace present), at the same concurrency. */
async function rawTxns(client: Etcd3, round: number): Promise<RunStats> {
  const prefix = `/bench-raw-${round}`;
  const nsKey = Buffer.from(`${prefix}/namespaces/default`);
  await client.put(nsKey).value('{"metadata":{"name":"default"}}');
  const body = Buffer.from(JSON.stringify({ kind: 'Service', apiVersion: 'v1', metadata: { name: 'x'.repeat(8), namespace: 'default' }, spec: svc('x').spec }).padEnd(600));
  return drive(RAW_TXNS, CONCURRENCY, async (i) => {
    const svcKey = Buffer.from(`${prefix}/services/specs/default/s${i}`);
    const ipKey = Buffer.from(`${prefix}/ipaddresses/${i}`);
    const res = await client.kv.txn({
      compare: [
        { key: svcKey, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: 0 },
        { key: ipKey, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: 0 },
        { key: nsKey, target: CompareTarget.Version, result: CompareResult.Greater, version: 0 },
      ],
      success: [{ request_put: { key: svcKey, value: body } }, { request_put: { key: ipKey, value: body.subarray(0, 300) } }],
      failure: [{ request_range: { key: svcKey } }],
    });
    if (!res.succeeded) throw new Error('raw txn failed');
  });
}

/** Creates paced 5 a second, each timed from its request to the proxy-sim sync that names it. */
async function createToRule(api: Apiserver, proxy: ProxySim, round: number): Promise<RunStats> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: PROBES }, async (_, i) => {
      await sleep(i * 200);
      const name = `p${round}-${i}`;
      const seen = proxy.waitFor(`ADDED probe/${name}`);
      const t0 = performance.now();
      await api.post('/api/v1/namespaces/probe/services', svc(name));
      latencies.push((await seen) - t0);
    }),
  );
  return summarize(latencies, 1);
}

/** 1,000 watchers on Services; 1,000 creates at 100 a second; each delivery timed from its create's request. */
async function fanOut(api: Apiserver, round: number): Promise<{ p99: number; missed: number }> {
  const list = JSON.parse(await api.get('/api/v1/namespaces/fanout/services?limit=1')) as { metadata: { resourceVersion: string } };
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  const seen = Array.from({ length: WATCHERS }, () => new Set<string>());
  const agent = new Agent({ keepAlive: true, maxSockets: WATCHERS });
  const streams = await Promise.all(
    seen.map(
      (mine) =>
        new Promise<{ destroy(): void }>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: api.port, agent, path: `/api/v1/namespaces/fanout/services?watch=true&resourceVersion=${list.metadata.resourceVersion}` }, (res) => {
            let buffer = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              const now = performance.now();
              buffer += chunk;
              let nl: number;
              while ((nl = buffer.indexOf('\n')) >= 0) {
                const name = /"name":"(f[^"]+)"/.exec(buffer.slice(0, nl))?.[1];
                buffer = buffer.slice(nl + 1);
                if (name && !mine.has(name)) {
                  mine.add(name);
                  latencies.push(now - (sent.get(name) ?? now));
                }
              }
            });
            resolve(req);
          });
          req.on('error', reject);
          req.end();
        }),
    ),
  );
  const creates: Promise<number>[] = [];
  const start = performance.now();
  for (let i = 0; i < FANOUT_CREATES; i++) {
    await sleep(start + (i * 1000) / FANOUT_RATE - performance.now());
    const name = `f${round}-${i}`;
    sent.set(name, performance.now());
    creates.push(api.post('/api/v1/namespaces/fanout/services', svc(name)));
  }
  await Promise.all(creates);
  const deadline = performance.now() + 30_000;
  while (latencies.length < WATCHERS * FANOUT_CREATES && performance.now() < deadline) await sleep(50);
  for (const s of streams) s.destroy();
  agent.destroy();
  return { p99: summarize(latencies, 1).p99, missed: WATCHERS * FANOUT_CREATES - latencies.length };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

class Apiserver {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(servers: string): Promise<Apiserver> {
    const port = await freePort();
    const child = spawn(process.execPath, [dist('apiserver/main.js'), `--etcd-servers=${servers}`, `--port=${port}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    const server = new Apiserver(child, port);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`apiserver exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
      if (ok) return server;
      await sleep(20);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  post(path: string, body: unknown): Promise<number> {
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: this.port, path, method: 'POST', agent: this.agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(text);
    });
  }

  async get(path: string): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`);
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 200)}`);
    return text;
  }

  /** A list the way kubectl and client-go page it. */
  async pages(path: string, limit: number): Promise<void> {
    let token = '';
    do {
      const body = JSON.parse(await this.get(`${path}?limit=${limit}${token ? `&continue=${token}` : ''}`)) as { metadata: { continue?: string } };
      token = body.metadata.continue ?? '';
    } while (token);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** proxy-sim live, printing each sync's changes: kube-proxy's 1 s minimum between syncs, its 1 h full-sync period. */
class ProxySim {
  private readonly waiters = new Map<string, (at: number) => void>();
  private tail = '';

  private constructor(private readonly child: ChildProcess) {}

  /** Resolves after the first (full) sync has been printed. */
  static async start(servers: string): Promise<ProxySim> {
    const child = spawn(
      process.execPath,
      [dist('proxy-sim/main.js'), `--etcd-servers=${servers}`, '--hostname-override=node-1', '--node-ip=192.168.0.2', '--iptables-sync-period=1h', '--output=changes', '--metrics-bind-address=127.0.0.1:0', '--healthz-bind-address=127.0.0.1:0'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const proxy = new ProxySim(child);
    const first = proxy.waitFor('(full)');
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => proxy.scan(chunk));
    await first;
    return proxy;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The time a sync header containing `text` is printed. */
  waitFor(text: string): Promise<number> {
    return new Promise((resolve) => this.waiters.set(text, resolve));
  }

  /** Only sync headers matter; the rules themselves (megabytes per sync at 100,000 Services) are skipped. */
  private scan(chunk: string): void {
    const now = performance.now();
    const text = this.tail + chunk;
    let at = 0;
    for (;;) {
      const h = text.indexOf('# sync ', at);
      if (h < 0) break;
      const nl = text.indexOf('\n', h);
      if (nl < 0) {
        this.tail = text.slice(h);
        return;
      }
      const header = text.slice(h, nl);
      for (const [want, resolve] of this.waiters) {
        if (header.includes(want)) {
          this.waiters.delete(want);
          resolve(now);
        }
      }
      at = nl + 1;
    }
    this.tail = text.slice(Math.max(at, text.length - 8));
  }

  stop(): void {
    this.child.kill('SIGTERM');
  }
}
