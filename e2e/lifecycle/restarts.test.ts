import { expect } from 'chai';
import { call, service } from '../../apiserver/testing/server.js';
import { eventually } from '../../shared/testing/eventually.js';
import { startEtcdOrSkip } from './docker.js';
import { LifecycleStack } from './stack.js';

const path = '/api/v1/namespaces/default/services';

describe('e2e lifecycle: restarts and replicas (Testcontainers)', function () {
  this.timeout(120_000);
  let stack: LifecycleStack;

  beforeEach(async function () {
    stack = new LifecycleStack();
    await startEtcdOrSkip(this, stack);
  });
  afterEach(async () => stack?.stop());

  it('an apiserver restart keeps every Service and its IPs, and allocates around them', async () => {
    const first = await stack.startApiserver();
    const created = [];
    for (let i = 0; i < 20; i++) created.push((await call(first.url, 'POST', path, service(`keep${i}`))).body);
    const port = Number(new URL(first.url).port);
    await first.process.stop();
    stack.apiservers.length = 0;
    const again = await stack.startApiserver(port);
    for (const svc of created) {
      const got = await call(again.url, 'GET', `${path}/${svc.metadata.name}`);
      expect(got.body.spec.clusterIPs).to.deep.equal(svc.spec.clusterIPs);
      expect(await stack.client.get(`/registry/ipaddresses/${svc.spec.clusterIP}`).exists()).to.equal(true);
    }
    const taken = await call(again.url, 'POST', path, service('dup', { clusterIP: created[0].spec.clusterIP }));
    expect(taken.status).to.equal(422);
    expect(taken.body.message).to.contain('provided IP is already allocated');
  });

  it('two apiserver replicas share one etcd without handing out an IP twice', async () => {
    const a = await stack.startApiserver();
    const b = await stack.startApiserver();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => call((i % 2 ? a : b).url, 'POST', path, service(`r${i}`))));
    expect(answers.every((r) => r.status === 201)).to.equal(true);
    const ips = answers.map((r) => r.body.spec.clusterIP);
    expect(new Set(ips).size).to.equal(ips.length);
    // Each replica serves what the other wrote.
    const listA = await call(a.url, 'GET', path);
    const listB = await call(b.url, 'GET', path);
    expect(listA.body.items.length).to.equal(listB.body.items.length);
    const clash = await call(a.url, 'POST', path, service('clash', { clusterIP: ips[1] }));
    expect(clash.status).to.equal(422);
  });

  it('proxy-sim keeps up across an etcd restart under it', async () => {
    const api = await stack.startApiserver();
    await stack.startProxySim();
    await call(api.url, 'POST', path, service('before'));
    await eventually(() => expect(stack.proxySim.lines.some((l) => l.includes('ADDED default/before'))).to.equal(true), 15_000);
    await stack.etcd.restart!();
    let created;
    await eventually(async () => {
      created = await call(api.url, 'POST', path, service('after'));
      expect(created.status).to.equal(201);
    }, 30_000, 500);
    await eventually(() => {
      expect(stack.proxySim.lines.some((l) => l.includes('ADDED default/after'))).to.equal(true);
    }, 30_000);
    const lines = stack.proxySim.lines.join('\n');
    expect(lines).to.contain(`-d ${(created as any).body.spec.clusterIP} --dport 80`);
  });
});
