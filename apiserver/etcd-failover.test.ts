import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { connectEtcd } from '../shared/etcd/client.js';
import { EtcdCluster } from '../shared/testing/etcd-cluster.js';
import type { RunningApiServer } from './server.js';
import { call, service, startTestApiServer } from './testing/server.js';

/**
 * Two apiservers over a 3-member etcd from the etcd binary, each with all three members in
 * --etcd-servers, as kube-apiservers are deployed. Faults are what etcd itself rides out: one
 * member gone, a leader crash. The clients of the apiserver must see no more than etcd loses.
 */
describe('apiserver: a 3-member etcd loses a member', function () {
  this.timeout(120_000);
  let cluster: EtcdCluster;
  let servers: (RunningApiServer & { prefix: string })[] = [];
  let client: Etcd3;

  beforeEach(async () => {
    cluster = await EtcdCluster.start();
    await cluster.waitForLeader();
    client = connectEtcd(cluster.endpoints);
  });
  afterEach(async () => {
    for (const s of servers) await s.close();
    servers = [];
    client?.close();
    await cluster?.destroy();
  });

  async function twoApiservers(): Promise<void> {
    const first = await startTestApiServer({ etcdServers: cluster.endpoints });
    const second = await startTestApiServer({ etcdServers: cluster.endpoints, prefix: first.prefix });
    servers = [first, second];
  }

  it('(a) with one member stopped, 200 sequential creates succeed and /readyz never fails', async () => {
    await twoApiservers();
    const leader = await cluster.waitForLeader();
    const follower = (leader + 1) % 3;
    await cluster.stop(follower);

    const readyFailures: string[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        for (const s of servers) {
          const res = await call(s.url, 'GET', '/readyz?verbose');
          if (res.status !== 200) readyFailures.push(`${res.status} ${String(res.body)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const failures: string[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await call(servers[i % 2]!.url, 'POST', '/api/v1/namespaces/default/services', service(`one-down-${i}`));
      if (res.status !== 201) failures.push(`${res.status} ${res.body.message}`);
    }
    polling = false;
    await poller;
    expect(failures, failures.slice(0, 3).join('\n')).to.deep.equal([]);
    expect(readyFailures, readyFailures.slice(0, 3).join('\n')).to.deep.equal([]);
  });

  it('(c) with one follower paused (SIGSTOP), creates go to the others and /readyz stays 200', async () => {
    await twoApiservers();
    const leader = await cluster.waitForLeader();
    const follower = (leader + 1) % 3;
    cluster.pause(follower);
    try {
      const readyFailures: string[] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          for (const s of servers) {
            const res = await call(s.url, 'GET', '/readyz?verbose');
            if (res.status !== 200) readyFailures.push(`${res.status} ${String(res.body)}`);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const failures: { status: number; message: string }[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await call(servers[i % 2]!.url, 'POST', '/api/v1/namespaces/default/services', service(`paused-${i}`));
        if (res.status !== 201) failures.push({ status: res.status, message: String(res.body.message) });
      }
      polling = false;
      await poller;
      // A paused member still accepts TCP, so each apiserver's client learns of it from one call
      // that runs into its deadline: at most one create per apiserver, if a create (rather than
      // a readiness read or a controller's call) was the first it sent there.
      expect(failures.length, JSON.stringify(failures)).to.be.at.most(2);
      for (const f of failures) expect(f.status, f.message).to.equal(504);
      expect(readyFailures, readyFailures.slice(0, 3).join('\n')).to.deep.equal([]);
    } finally {
      cluster.resume(follower);
    }
    for (let i = 0; i < 10; i++) {
      const res = await call(servers[i % 2]!.url, 'POST', '/api/v1/namespaces/default/services', service(`resumed-${i}`));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
    for (const s of servers) expect((await call(s.url, 'GET', '/readyz')).status).to.equal(200);
  });

  it('(b) the leader gets SIGKILL mid-storm: nothing acknowledged is lost, no IP twice, no orphan, writes resume within 1 s', async () => {
    await twoApiservers();
    const prefix = servers[0]!.prefix;
    const acked = new Map<string, string>();
    const successes: number[] = [];
    let stopAt = Infinity;
    const create = async (s: RunningApiServer, name: string) => {
      const res = await call(s.url, 'POST', '/api/v1/namespaces/default/services', service(name));
      if (res.status === 201) {
        acked.set(name, res.body.spec.clusterIP);
        successes.push(Date.now());
      } else {
        // What a client sees during the failover: 503 (etcd unavailable) or 504 (timed out; the
        // write may still have committed).
        expect([503, 504], JSON.stringify(res.body)).to.include(res.status);
      }
    };
    // An open storm, as from many clients: a create every 5 ms whatever is still pending, so
    // requests stuck on the dead leader cannot stop new ones from arriving.
    const pending: Promise<void>[] = [];
    const storm = (async () => {
      for (let i = 0; Date.now() < stopAt; i++) {
        pending.push(create(servers[i % 2]!, `storm-${i}`));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 1000));
    const oldLeader = await cluster.waitForLeader();
    await cluster.kill(oldLeader);
    await cluster.waitForLeader(oldLeader);
    const elected = Date.now();
    stopAt = elected + 2000;
    await storm;
    await Promise.all(pending);

    const resumed = successes.filter((t) => t >= elected).sort((a, b) => a - b)[0];
    expect(resumed, 'no create succeeded after the new leader was elected').to.not.equal(undefined);
    expect(resumed! - elected, 'ms from the new leader to the first successful create').to.be.at.most(1000);

    const stored = await client.getAll().prefix(`${prefix}/services/specs/default/`).strings();
    const ips = await client.getAll().prefix(`${prefix}/ipaddresses/`).keys();
    const storedIPs = new Map<string, string>();
    for (const [key, value] of Object.entries(stored)) storedIPs.set(key.slice(key.lastIndexOf('/') + 1), JSON.parse(value).spec.clusterIP);
    for (const [name, ip] of acked) expect(storedIPs.get(name), `acknowledged ${name}`).to.equal(ip);
    const all = [...storedIPs.values()];
    expect(new Set(all).size, 'an IP held by two Services').to.equal(all.length);
    expect([...ips].map((k) => k.slice(k.lastIndexOf('/') + 1)).sort()).to.deep.equal(all.sort());
  });
});
