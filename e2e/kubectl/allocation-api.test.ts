import { expect } from 'chai';
import { startTestApiServer } from '../../apiserver/testing/server.js';
import { sharedClient } from '../../shared/testing/etcd.js';
import { eventually } from '../../shared/testing/eventually.js';
import { AGE, findKubectl, Kubectl, requireKubectl, table } from './run.js';

const EXTRA = 'apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata:\n  name: extra\nspec:\n  cidrs:\n  - 10.1.0.0/28\n';

describe('e2e: kubectl and the allocation API (IPAddress, ServiceCIDR; kubectl 1.33 through the dispatcher)', function () {
  this.timeout(90_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kubectl: Kubectl;

  before(async function () {
    const binary = requireKubectl(this, findKubectl());
    // 6 usable addresses; the kubernetes Service takes the first.
    server = await startTestApiServer({ serviceClusterIPRange: '10.0.0.0/29', serviceCIDRSyncMs: 100, repairIntervalMs: 300 });
    kubectl = await Kubectl.forServer(binary, server.url);
  });
  after(async () => {
    await kubectl?.cleanup();
    await server?.close();
  });

  it('get servicecidrs: NAME, CIDRS, AGE', async () => {
    const { header, rows } = table(await kubectl.ok(['get', 'servicecidrs']));
    expect(header).to.deep.equal(['NAME', 'CIDRS', 'AGE']);
    expect(rows[0]!.slice(0, 2)).to.deep.equal(['kubernetes', '10.0.0.0/29']);
    expect(rows[0]![2]).to.match(AGE);
  });

  it('get ipaddresses: NAME, PARENTREF, AGE, one per clusterIP', async () => {
    const { header, rows } = table(await kubectl.ok(['get', 'ipaddresses']));
    expect(header).to.deep.equal(['NAME', 'PARENTREF', 'AGE']);
    expect(rows.map((r) => r.slice(0, 2))).to.deep.equal([['10.0.0.1', 'services/default/kubernetes']]);
  });

  it('describe both kinds', async () => {
    const sc = await kubectl.ok(['describe', 'servicecidr', 'kubernetes']);
    expect(sc).to.match(/^Name: +kubernetes\n/);
    expect(sc).to.include('CIDRs:        10.0.0.0/29\n');
    expect(sc).to.match(/\n {2}Ready +True +.+ +Kubernetes default Service CIDR is ready\n/);
    const ip = await kubectl.ok(['describe', 'ipaddress', '10.0.0.1']);
    expect(ip).to.include('Labels:       ipaddress.kubernetes.io/ip-family=IPv4\n              ipaddress.kubernetes.io/managed-by=ipallocator.k8s.io\n');
    expect(ip).to.include('Parent Reference:\n  Group:      \n  Resource:   services\n  Namespace:  default\n  Name:       kubernetes\n');
  });

  it('explain both kinds, with their group', async () => {
    expect(await kubectl.ok(['explain', 'ipaddress.spec.parentRef'])).to.match(/^GROUP: {6}networking\.k8s\.io\nKIND: {7}IPAddress\nVERSION: {4}v1\n\nFIELD: parentRef <ParentReference>\n/);
    const cidrs = await kubectl.ok(['explain', 'servicecidr.spec.cidrs']);
    expect(cidrs).to.match(/^GROUP: {6}networking\.k8s\.io\nKIND: {7}ServiceCIDR\nVERSION: {4}v1\n\nFIELD: cidrs <\[\]string>\n/);
    expect(cidrs).to.include('This field is immutable.');
  });

  it('a full range, upstream\'s error, a new ServiceCIDR, and the create succeeds from it', async () => {
    for (let i = 1; i <= 5; i++) expect(await kubectl.ok(['create', 'service', 'clusterip', `fill${i}`, '--tcp=80:80'])).to.equal(`service/fill${i} created\n`);
    const full = await kubectl.run(['create', 'service', 'clusterip', 'late', '--tcp=80:80']);
    expect(full).to.deep.include({ code: 1, stderr: 'error: failed to create ClusterIP service: Internal error occurred: failed to allocate a serviceIP: range is full\n' });
    await kubectl.writeFile('extra.yaml', EXTRA);
    expect(await kubectl.ok(['create', '-f', 'extra.yaml'])).to.equal('servicecidr.networking.k8s.io/extra created\n');
    await eventually(async () => {
      expect(await kubectl.ok(['create', 'service', 'clusterip', 'late', '--tcp=80:80'])).to.equal('service/late created\n');
    });
    const ip = (await kubectl.ok(['get', 'svc', 'late', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    expect(ip).to.match(/^10\.1\.0\./);
    const { rows } = table(await kubectl.ok(['get', 'ipaddress', ip]));
    expect(rows[0]!.slice(0, 2)).to.deep.equal([ip, 'services/default/late']);
    await eventually(async () => {
      expect(await kubectl.ok(['get', 'servicecidr', 'extra', '-o', 'jsonpath={.status.conditions[0].type}={.status.conditions[0].status}'])).to.equal('Ready=True');
    });
  });

  it("get events and describe svc show the repair loop's Warning", async () => {
    expect(await kubectl.ok(['create', 'service', 'clusterip', 'broken', '--tcp=80:80'])).to.equal('service/broken created\n');
    const ip = (await kubectl.ok(['get', 'svc', 'broken', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const etcd = await sharedClient();
    try {
      await etcd.delete().key(`${server.prefix}/ipaddresses/${ip}`);
    } finally {
      etcd.close();
    }
    const message = `Cluster IP [IPv4]: ${ip} is not allocated; repairing`;
    await eventually(async () => {
      const { header, rows } = table(await kubectl.ok(['get', 'events']));
      expect(header).to.deep.equal(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
      expect(rows.some((r) => r.includes('ClusterIPNotAllocated') && r.includes('service/broken'))).to.equal(true);
    });
    const described = await kubectl.ok(['describe', 'svc', 'broken']);
    expect(described).to.match(new RegExp(`\nEvents:\n  Type +Reason +Age +From +Message\n  -+ +-+ +-+ +-+ +-+\n  Warning +ClusterIPNotAllocated +\\S+ +ipallocator-repair-controller +${message.replace(/[[\].]/g, '\\$&')}\n`));
  });
});
