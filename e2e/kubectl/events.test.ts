import { expect } from 'chai';
import type { Etcd3 } from 'etcd3';
import { sharedClient } from '../../shared/testing/etcd.js';
import { eventually } from '../../shared/testing/eventually.js';
import { call, create, service, startTestApiServer } from '../../apiserver/testing/server.js';
import { AGE, findKubectl, Kubectl, requireKubectl, table } from './run.js';

describe('e2e: kubectl get events and describe svc (kubectl 1.33 through the dispatcher)', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kubectl: Kubectl;
  let client: Etcd3;
  let clusterIP: string;

  before(async function () {
    const binary = requireKubectl(this, findKubectl());
    client = await sharedClient();
    server = await startTestApiServer({ repairIntervalMs: 200 });
    kubectl = await Kubectl.forServer(binary, server.url);
    await create(server.url, '/api/v1/namespaces/default/services', service('web'));
    await create(server.url, '/api/v1/namespaces/default/services', service('quiet'));
    clusterIP = (await call(server.url, 'GET', '/api/v1/namespaces/default/services/web')).body.spec.clusterIP;
    // A hand edit of etcd the repair loop notices and reports.
    await client.delete().key(`${server.prefix}/ipaddresses/${clusterIP}`);
    await eventually(async () => {
      expect((await call(server.url, 'GET', '/api/v1/namespaces/default/events')).body.items).to.have.length.greaterThan(0);
    });
  });
  after(async () => {
    await kubectl?.cleanup();
    await server?.close();
    client?.close();
  });

  it('get events prints LAST SEEN, TYPE, REASON, OBJECT, MESSAGE', async () => {
    const { header, rows } = table(await kubectl.ok(['get', 'events']));
    expect(header).to.deep.equal(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(rows).to.have.length(1);
    expect(rows[0]![0]).to.match(AGE);
    expect(rows[0]!.slice(1, 4)).to.deep.equal(['Warning', 'ClusterIPNotAllocated', 'service/web']);
    expect(rows[0]!.slice(4).join(' ')).to.equal(`Cluster IP [IPv4]: ${clusterIP} is not allocated; repairing`);
  });

  it('get events.events.k8s.io reads the same event through the other API version', async () => {
    const { rows } = table(await kubectl.ok(['get', 'events.v1.events.k8s.io']));
    expect(rows.map((r) => r.slice(1, 4))).to.deep.equal([['Warning', 'ClusterIPNotAllocated', 'service/web']]);
  });

  it('get events with a field selector', async () => {
    expect(await kubectl.ok(['get', 'events', '--field-selector', 'involvedObject.name=quiet'])).to.equal('');
    const { rows } = table(await kubectl.ok(['get', 'events', '--field-selector', 'type=Warning,involvedObject.kind=Service']));
    expect(rows).to.have.length(1);
  });

  it('kubectl events --for svc/web', async () => {
    const { header, rows } = table(await kubectl.ok(['events', '--for', 'svc/web']));
    expect(header).to.deep.equal(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(rows.map((r) => r.slice(1, 4))).to.deep.equal([['Warning', 'ClusterIPNotAllocated', 'Service/web']]);
  });

  it('describe svc lists the Service\'s events', async () => {
    const out = await kubectl.ok(['describe', 'svc', 'web']);
    const events = out.slice(out.indexOf('Events:'));
    const lines = events.trimEnd().split('\n');
    expect(lines[0]).to.match(/^Events:\s*$/);
    expect(lines[1]!.trim().split(/\s+/)).to.deep.equal(['Type', 'Reason', 'Age', 'From', 'Message']);
    const row = lines[3]!.trim().split(/\s{2,}/);
    expect(row[0]).to.equal('Warning');
    expect(row[1]).to.equal('ClusterIPNotAllocated');
    expect(row[3]).to.equal('ipallocator-repair-controller');
    expect(row[4]).to.equal(`Cluster IP [IPv4]: ${clusterIP} is not allocated; repairing`);
    expect(await kubectl.ok(['describe', 'svc', 'quiet'])).to.match(/Events:\s+<none>\n$/);
  });
});
