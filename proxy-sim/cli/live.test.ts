import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { connectEtcd } from '../../shared/etcd/client.js';
import { objectKey } from '../../shared/storage/keys.js';
import { sharedClient, sharedEtcd, uniquePrefix } from '../../shared/testing/etcd.js';
import { endpointChainName, portProtoHash } from '../render/chain-names.js';
import { buildProxierConfig } from '../render/node-config.js';
import { renderSnapshot } from '../render/snapshot.js';
import { DisposableEtcd, etcdBinary } from '../../shared/testing/disposable-etcd.js';
import { LiveRun, deleteObject, eventually, putObject } from '../testing/live.js';
import { ep, slice, svc, testNode } from '../testing/objects.js';
import { TcpProxy } from '../testing/tcp-proxy.js';

const HEAD = `*filter
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-FIREWALL - [0:0]
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
`;
const FORWARD = `-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x00004000/0x00004000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
`;
const POSTROUTING = `-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
`;
const TAIL = `-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
COMMIT
`;

const web = svc('default/web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
const webSlice = (...ips: string[]) => slice('default/web-x1', 'web', ips.map((ip) => ep(ip)), [{ name: 'http', port: 8080, protocol: 'TCP' }]);
const SVC = `KUBE-SVC-${portProtoHash('default/web:http', 'tcp')}`;
const SEP = (endpoint: string) => endpointChainName('default/web:http', 'tcp', endpoint);

describe('live mode (real etcd)', function () {
  this.timeout(60_000);
  let client: Etcd3;
  let endpoints: string[];
  const runs: LiveRun[] = [];
  const live = async (prefix: string, options: Parameters<typeof LiveRun.start>[2] = {}, on = endpoints) => {
    const run = await LiveRun.start(on, prefix, options);
    runs.push(run);
    return run;
  };

  before(async () => {
    endpoints = (await sharedEtcd()).endpoints;
    client = await sharedClient();
  });
  afterEach(async () => {
    for (const run of runs.splice(0)) await run.stop();
  });
  after(() => client?.close());

  it('prints a Service being created, getting endpoints, changing and going away', async () => {
    const root = uniquePrefix('proxy-sim');
    const run = await live(root);
    const first = await run.waitForSync(/^# sync 1 /);
    expect(first.header).to.match(/^# sync 1 \(full\): initial sync \(etcd revision \d+\)$/);
    expect(first.text).to.equal(HEAD + FORWARD + POSTROUTING + TAIL);

    let rev = await putObject(client, root, web);
    let s = await run.waitForSync(/^# sync 2 /);
    expect(s.header).to.equal(`# sync 2 (partial): ADDED default/web (etcd revision ${rev})`);
    expect(s.text).to.equal(
      HEAD +
        '-A KUBE-SERVICES -m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j REJECT\n' +
        FORWARD +
        POSTROUTING +
        TAIL,
    );

    rev = await putObject(client, root, webSlice('10.244.1.5'));
    s = await run.waitForSync(/^# sync 3 /);
    expect(s.header).to.equal(`# sync 3 (partial): ADDED EndpointSlice default/web-x1 (etcd revision ${rev})`);
    expect(s.text).to.equal(
      HEAD +
        FORWARD +
        `:${SVC} - [0:0]\n:${SEP('10.244.1.5:8080')} - [0:0]\n` +
        POSTROUTING +
        `-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j ${SVC}\n` +
        `-A ${SVC} -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ\n` +
        `-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.5:8080" -j ${SEP('10.244.1.5:8080')}\n` +
        `-A ${SEP('10.244.1.5:8080')} -m comment --comment default/web:http -s 10.244.1.5 -j KUBE-MARK-MASQ\n` +
        `-A ${SEP('10.244.1.5:8080')} -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.5:8080\n` +
        TAIL,
    );

    rev = await putObject(client, root, webSlice('10.244.1.5', '10.244.2.7'));
    s = await run.waitForSync(/^# sync 4 /);
    expect(s.header).to.equal(`# sync 4 (partial): MODIFIED EndpointSlice default/web-x1 (etcd revision ${rev})`);
    expect(s.text).to.include(`-A ${SVC} -m comment --comment "default/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.5000000000 -j ${SEP('10.244.1.5:8080')}\n`);
    expect(s.text).to.include(`:${SEP('10.244.2.7:8080')} - [0:0]\n`);

    rev = await putObject(client, root, svc('default/web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 8000, protocol: 'TCP' }] }));
    s = await run.waitForSync(/^# sync 5 /);
    expect(s.header).to.equal(`# sync 5 (partial): MODIFIED default/web (etcd revision ${rev})`);
    expect(s.text).to.include('--dport 8000 -j KUBE-SVC-');

    rev = await deleteObject(client, root, 'services', 'default/web');
    s = await run.waitForSync(/^# sync 6 /);
    expect(s.header).to.equal(`# sync 6 (partial): DELETED default/web (etcd revision ${rev})`);
    expect(s.text).to.equal(
      HEAD +
        FORWARD +
        [SEP('10.244.1.5:8080'), SEP('10.244.2.7:8080'), SVC].sort().map((c) => `:${c} - [0:0]\n`).join('') +
        POSTROUTING +
        [SEP('10.244.1.5:8080'), SEP('10.244.2.7:8080'), SVC].sort().map((c) => `-X ${c}\n`).join('') +
        TAIL,
    );
    expect(run.err).to.deep.equal([]);
  });

  it('skips malformed and foreign values with a warning and keeps going', async () => {
    const root = uniquePrefix('proxy-sim');
    await putObject(client, root, web);
    await client.put(objectKey(root, 'services', 'default', 'garbage')).value('{not json');
    await client.put(`${root}/services/specs/cluster-scoped`).value(JSON.stringify(web));
    await client.put(objectKey(root, 'services', 'default', 'array')).value('[1,2]');
    const run = await live(root);
    await run.waitForSync(/^# sync 1 /);
    expect(run.syncs()[0]!.text).to.include('default/web:http has no endpoints');

    await client.put(objectKey(root, 'services', 'default', 'badports')).value(JSON.stringify({ metadata: { name: 'badports' }, spec: { clusterIP: '10.96.0.11', ports: 'x' } }));
    await client.put(objectKey(root, 'endpointslices', 'default', 'badslice')).value(JSON.stringify({ metadata: { name: 'b' }, addressType: 'IPv4', endpoints: [{ addresses: 'nope' }] }));
    // Overwriting a good Service with garbage makes it unreadable: it goes away.
    await client.put(objectKey(root, 'services', 'default', 'web')).value('null');
    const rev = await putObject(client, root, svc('default/after', { clusterIP: '10.96.0.12' }));
    await eventually(() => expect(run.syncs().some((s) => s.header.includes('ADDED default/after') && s.header.includes(`revision ${rev}`))).to.equal(true));
    expect(run.syncs().map((s) => s.header).join('\n')).to.include('DELETED default/web');
    const warnings = run.err.join('\n');
    for (const bad of ['default/garbage', 'services/specs/cluster-scoped', 'default/array', 'default/badports', 'default/badslice', 'default/web']) {
      expect(warnings).to.include(bad);
    }
    expect(warnings).to.include('Service.spec.ports must be an array');
    expect(warnings).to.include('EndpointSlice.endpoints[0].addresses must be an array');
  });

  it('coalesces a burst of 1000 changes into a few syncs', async () => {
    const root = uniquePrefix('proxy-sim');
    const run = await live(root, { minSyncPeriodMs: 1000 });
    await run.waitForSync(/^# sync 1 /);
    const services = Array.from({ length: 1000 }, (_, i) => svc(`burst/s${i}`, { clusterIP: `10.97.${i >> 8}.${i & 255}` }));
    for (let i = 0; i < services.length; i += 100) await Promise.all(services.slice(i, i + 100).map((s) => putObject(client, root, s)));
    await eventually(() => {
      const headers = run.syncs().slice(1).map((s) => s.header);
      const added = headers.reduce((n, h) => n + Number(/and (\d+) more/.exec(h)?.[1] ?? 0) + Math.min(10, (h.match(/ADDED/g) ?? []).length), 0);
      expect(added).to.equal(1000);
    }, 20_000);
    const later = run.syncs().slice(1);
    expect(later.length, later.map((s) => s.header).join('\n')).to.be.within(1, 15);
    expect(later.at(-1)!.header).to.match(/^# sync \d+ \(partial\): ADDED burst\/s\d+, .* and \d+ more \(etcd revision \d+\)$/);
    const cfg = buildProxierConfig(testNode(), 4);
    expect(run.handle!.proxiers[0]!.fullRuleset()).to.equal(renderSnapshot(cfg, services, []));
  });

  it('re-lists and runs a full sync when the watch resumes from a compacted revision', async () => {
    const { hostname, port } = new URL(endpoints[0]!);
    const proxy = new TcpProxy(hostname, Number(port));
    await proxy.start();
    try {
      const root = uniquePrefix('proxy-sim');
      await putObject(client, root, svc('default/old', { clusterIP: '10.96.1.1' }));
      const run = await live(root, {}, [proxy.url]);
      await run.waitForSync(/^# sync 1 /);
      await proxy.pause();
      await eventually(() => expect(run.err.join('\n')).to.match(/disconnected|failed/));
      await deleteObject(client, root, 'services', 'default/old');
      const rev = await putObject(client, root, svc('default/new', { clusterIP: '10.96.1.2' }));
      await client.put(`${root}-unrelated`).value('x');
      await client.kv.compact({ revision: String(rev + 1) });
      await proxy.start();
      // Each prefix re-lists on its own; the sync that picks up the Service changes is a full one.
      const s = await run.waitForSync(/^# sync \d+ \(full\): .*re-list of services after a cancelled watch.*ADDED default\/new/, 30_000);
      expect(s.header).to.include('DELETED default/old');
      expect(s.text).to.include('default/new:p80 has no endpoints');
      expect(s.text).not.to.include('default/old');
    } finally {
      await proxy.stop();
    }
  });

  it('rides out an etcd crash and resumes from the last revision it delivered', async function () {
    if (!etcdBinary()) {
      if (process.env.CI === 'true') throw new Error('no etcd binary for the restart test (set ETCD_BIN or install etcd-server)');
      this.skip();
    }
    const etcd = await DisposableEtcd.start();
    const own = connectEtcd(etcd.endpoints);
    try {
      const root = '/registry';
      await putObject(own, root, svc('default/before', { clusterIP: '10.96.2.1' }));
      const run = await live(root, {}, etcd.endpoints);
      await run.waitForSync(/^# sync 1 /);
      await etcd.kill();
      await eventually(() => expect(run.err.join('\n')).to.match(/disconnected/), 20_000);
      await etcd.restart();
      const revs: number[] = [];
      for (const name of ['after1', 'after2', 'after3']) revs.push(await putObject(own, root, svc(`default/${name}`, { clusterIP: `10.96.2.${10 + revs.length}` })));
      await eventually(() => {
        const headers = run.syncs().map((s) => s.header).join('\n');
        for (const name of ['after1', 'after2', 'after3']) expect(headers).to.include(`ADDED default/${name}`);
      }, 30_000);
      // Resumed from its revision: partial syncs only, no re-list.
      expect(run.syncs().slice(1).every((s) => s.header.includes('(partial)'))).to.equal(true);
      expect(run.err.join('\n')).to.include('resuming from revision');
    } finally {
      own.close();
      await etcd.destroy();
    }
  });

  it('--output full prints the whole rule set; --output-file keeps it; a failed write means a full retry', async () => {
    const { mkdtempSync, readFileSync, mkdirSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/proxy-sim-out-`);
    const root = uniquePrefix('proxy-sim');
    await putObject(client, root, web);
    await putObject(client, root, webSlice('10.244.1.5'));
    const file = `${dir}/missing/rules`;
    try {
      const run = await live(root, { output: 'full', outputFile: file, syncPeriodMs: 300 });
      await eventually(() => expect(run.err.join('\n')).to.include('sync failed'));
      mkdirSync(`${dir}/missing`);
      const first = await run.waitForSync(/^# sync \d+ \(full\): initial sync, retry after failed sync/);
      const rev = await putObject(client, root, svc('default/other', { clusterIP: '10.96.0.20' }));
      const s = await run.waitForSync(new RegExp(`ADDED default/other \\(etcd revision ${rev}\\)`));
      expect(s.text).to.include(`:${SVC} - [0:0]`);
      expect(s.text).to.include('default/other:p80 has no endpoints');
      await eventually(() => expect(readFileSync(file, 'utf8')).to.equal(s.text));
      expect(first.text).to.include(`:${SVC} - [0:0]`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--output none prints nothing but keeps syncing', async () => {
    const root = uniquePrefix('proxy-sim');
    const run = await live(root, { output: 'none' });
    await putObject(client, root, web);
    await putObject(client, root, webSlice('10.244.1.5'));
    await eventually(() => expect(run.handle!.proxiers[0]!.kernelChains()).to.deep.equal([SVC, SEP('10.244.1.5:8080')].sort()));
    expect(run.out).to.equal('');
  });

  it('runs one proxier per family on a dual-stack node', async () => {
    const root = uniquePrefix('proxy-sim');
    const run = await live(root, { families: [4, 6] });
    await run.waitForSync(/^# sync 1 \(full, IPv6\)/);
    await run.waitForSync(/^# sync 1 \(full, IPv4\)/);
    await putObject(client, root, svc('default/v6', { clusterIP: 'fd00:96::10', clusterIPs: ['fd00:96::10'], ipFamilies: ['IPv6'] }));
    const s = await run.waitForSync(/^# sync 2 \(partial, IPv6\): ADDED default\/v6/);
    expect(s.text).to.include('-d fd00:96::10 --dport 80 -j REJECT');
    expect(run.syncs().filter((x) => x.header.includes('IPv4'))).to.have.length(1);
  });
});
