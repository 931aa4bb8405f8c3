import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedClient } from '../../shared/testing/etcd.js';
import { call, service, startTestApiServer } from '../testing/server.js';

type Server = Awaited<ReturnType<typeof startTestApiServer>>;
const path = '/api/v1/namespaces/default/services';

describe('apiserver: dual-stack Services', function () {
  this.timeout(60_000);
  let dual: Server;
  let single: Server;
  let client: Etcd3;
  before(async () => {
    client = await sharedClient();
    dual = await startTestApiServer({ serviceClusterIPRange: '10.96.0.0/16,fd00:10:96::/112' });
    single = await startTestApiServer({ serviceClusterIPRange: '10.96.0.0/16' });
  });
  after(async () => {
    await dual?.close();
    await single?.close();
    client?.close();
  });

  it('gives a RequireDualStack Service one IP per family, each with its IPAddress', async () => {
    const res = await call(dual.url, 'POST', path, service('ds', { ipFamilyPolicy: 'RequireDualStack' }));
    expect(res.status).to.equal(201);
    expect(res.body.spec.ipFamilies).to.deep.equal(['IPv4', 'IPv6']);
    const [v4, v6] = res.body.spec.clusterIPs;
    expect(v4).to.match(/^10\.96\./);
    expect(v6).to.match(/^fd00:10:96::/);
    for (const ip of [v4, v6]) expect(await client.get(`${dual.prefix}/ipaddresses/${ip}`).exists()).to.equal(true);
  });

  it('honours ipFamilies order and requested IPs of both families', async () => {
    const res = await call(dual.url, 'POST', path, service('ds6', { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv6', 'IPv4'], clusterIPs: ['fd00:10:96::a', '10.96.0.10'], clusterIP: 'fd00:10:96::a' }));
    expect(res.status).to.equal(201);
    expect(res.body.spec.clusterIPs).to.deep.equal(['fd00:10:96::a', '10.96.0.10']);
    expect(res.body.spec.clusterIP).to.equal('fd00:10:96::a');
  });

  it('refuses RequireDualStack on a single-stack cluster with upstream\'s message', async () => {
    const res = await call(single.url, 'POST', path, service('ds', { ipFamilyPolicy: 'RequireDualStack' }));
    expect(res.status).to.equal(422);
    expect(res.body.message).to.equal('Service "ds" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services');
  });

  it('keeps PreferDualStack single-family on a single-stack cluster', async () => {
    const res = await call(single.url, 'POST', path, service('pds', { ipFamilyPolicy: 'PreferDualStack' }));
    expect(res.status).to.equal(201);
    expect(res.body.spec.ipFamilies).to.deep.equal(['IPv4']);
    expect(res.body.spec.ipFamilyPolicy).to.equal('PreferDualStack');
  });

  it('upgrades to dual-stack on update, and releases the secondary IP on a downgrade', async () => {
    const created = (await call(dual.url, 'POST', path, service('grow'))).body;
    expect(created.spec.clusterIPs).to.have.length(1);
    const up = structuredClone(created);
    up.spec.ipFamilyPolicy = 'RequireDualStack';
    const upgraded = await call(dual.url, 'PUT', `${path}/grow`, up);
    expect(upgraded.status).to.equal(200);
    const [, v6] = upgraded.body.spec.clusterIPs;
    expect(v6).to.match(/^fd00:10:96::/);
    expect(await client.get(`${dual.prefix}/ipaddresses/${v6}`).exists()).to.equal(true);

    const down = structuredClone(upgraded.body);
    down.spec.ipFamilyPolicy = 'SingleStack';
    down.spec.ipFamilies = ['IPv4'];
    down.spec.clusterIPs = [down.spec.clusterIPs[0]];
    const downgraded = await call(dual.url, 'PUT', `${path}/grow`, down);
    expect(downgraded.status).to.equal(200);
    expect(downgraded.body.spec.clusterIPs).to.deep.equal([created.spec.clusterIP]);
    expect(await client.get(`${dual.prefix}/ipaddresses/${v6}`).exists()).to.equal(false);
  });

  it('gives a headless selectorless Service both families, even on a single-stack cluster', async () => {
    const res = await call(single.url, 'POST', path, { metadata: { name: 'hls' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
    expect(res.status).to.equal(201);
    expect(res.body.spec.ipFamilyPolicy).to.equal('RequireDualStack');
    expect(res.body.spec.ipFamilies).to.deep.equal(['IPv4', 'IPv6']);
  });
});
