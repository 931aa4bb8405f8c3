import { PortRange } from '../apiserver/allocator/node-ports.js';
import { parseServiceClusterIPRange } from '../apiserver/allocator/service-cidr.js';
import { startApiServer, type RunningApiServer } from '../apiserver/server.js';
import { EtcdCluster } from '../shared/testing/etcd-cluster.js';
import { printTable } from './stats.js';

const RATE = Number(process.env.BENCH_FAILOVER_RATE ?? 200);

interface Outcome {
  sent: number;
  done: number;
  status: number;
}

/**
 * Two apiservers over a 3-member etcd (the etcd binary, etcd's default election settings),
 * under an open load of creates at a fixed rate, as many clients make: all members up, one
 * member stopped, then the leader killed with SIGKILL.
 */
export default async function benchFailover(): Promise<void> {
  const cluster = await EtcdCluster.start();
  const servers: RunningApiServer[] = [];
  try {
    await cluster.waitForLeader();
    for (let i = 0; i < 2; i++) {
      servers.push(
        await startApiServer({
          etcdServers: cluster.endpoints,
          etcdPrefix: '/failover-bench/registry',
          serviceCIDRs: parseServiceClusterIPRange('10.96.0.0/12'),
          nodePortRange: PortRange.parse('30000-32767'),
          bindAddress: '127.0.0.1',
          port: 0,
          advertiseAddress: '192.168.0.10',
          repairIntervalMs: 3_600_000,
          ipLeakGraceMs: 60_000,
          log: () => undefined,
        }),
      );
    }
    console.log(`\nfailover: creates at ${RATE}/s over 2 apiservers, 3-member etcd (${cluster.endpoints.join(', ')})`);
    let n = 0;
    const storm = (ms: number, during?: (start: number) => Promise<void>) => load(servers, () => `svc-${n++}`, ms, during);

    const base = await storm(5000);
    const baseRate = base.filter((o) => o.status === 201).length / 5;

    const follower = ((await cluster.waitForLeader()) + 1) % 3;
    await cluster.stop(follower);
    const oneDown = await storm(10_000);
    await cluster.restart(follower);

    let killedAt = 0;
    let electedAt = 0;
    const failover = await storm(12_000, async (start) => {
      await new Promise((r) => setTimeout(r, 2000 - (Date.now() - start)));
      const leader = await cluster.waitForLeader();
      killedAt = Date.now();
      await cluster.kill(leader);
      await cluster.waitForLeader(leader);
      electedAt = Date.now();
    });
    const okAfterKill = failover.filter((o) => o.status === 201 && o.sent >= killedAt).map((o) => o.done).sort((a, b) => a - b);
    const firstWrite = okAfterKill[0]! - killedAt;
    const fullRate = timeToRate(okAfterKill, killedAt, 0.9 * baseRate) - killedAt;
    const errors = (os: Outcome[]) => os.filter((o) => o.status !== 201);
    const rate = (os: Outcome[]) => ((100 * errors(os).length) / os.length).toFixed(2) + ' %';
    const codes = (os: Outcome[]) => {
      const counts = new Map<number, number>();
      for (const o of errors(os)) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
      return [...counts].sort(([a], [b]) => a - b).map(([code, count]) => `${count}x ${code}`).join(', ') || '-';
    };

    printTable(
      ['phase', 'creates', 'errors', 'error codes'],
      [
        ['all members up', base.length, rate(base), codes(base)],
        ['one member stopped', oneDown.length, rate(oneDown), codes(oneDown)],
        ['leader SIGKILL (12 s)', failover.length, rate(failover), codes(failover)],
      ],
    );
    printTable(
      ['after the leader kill', 'ms'],
      [
        ['new leader elected', electedAt - killedAt],
        ['first successful create (sent after the kill)', firstWrite],
        ['  of which after the election', firstWrite - (electedAt - killedAt)],
        [`full rate again (90 % of ${baseRate.toFixed(0)}/s over 500 ms)`, fullRate],
      ],
    );
  } finally {
    for (const s of servers) await s.close();
    await cluster.destroy();
  }
}

/** Sends a create every 1/RATE s for `ms`, alternating apiservers, whatever is still pending. */
async function load(servers: RunningApiServer[], name: () => string, ms: number, during?: (start: number) => Promise<void>): Promise<Outcome[]> {
  const outcomes: Promise<Outcome>[] = [];
  const start = Date.now();
  const side = during?.(start);
  for (let i = 0; Date.now() - start < ms; i++) {
    const target = start + (i * 1000) / RATE;
    if (target > Date.now()) await new Promise((r) => setTimeout(r, target - Date.now()));
    outcomes.push(create(servers[i % servers.length]!, name()));
  }
  await side;
  return Promise.all(outcomes);
}

async function create(server: RunningApiServer, name: string): Promise<Outcome> {
  const sent = Date.now();
  const res = await fetch(`${server.url}/api/v1/namespaces/default/services`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }] } }),
  }).catch(() => undefined);
  await res?.arrayBuffer();
  return { sent, done: Date.now(), status: res?.status ?? 0 };
}

/** The first moment from `from` on at which successes over the next 500 ms reach `perSecond`. */
function timeToRate(doneTimes: number[], from: number, perSecond: number): number {
  const need = perSecond / 2;
  for (let i = 0; i < doneTimes.length; i++) {
    let j = i;
    while (j < doneTimes.length && doneTimes[j]! < doneTimes[i]! + 500) j++;
    if (j - i >= need && doneTimes[i]! >= from) return doneTimes[i]!;
  }
  return NaN;
}
