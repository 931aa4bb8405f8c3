import { expect } from 'chai';
import { parse as parseYAML } from 'yaml';
import { create, service, startTestApiServer } from '../../apiserver/testing/server.js';
import { AGE, findKubectl, Kubectl, requireKubectl, table } from './run.js';

/** `kubectl get` in its forms, against objects created over the API with fixed clusterIPs. */
describe('e2e: kubectl get (kubectl 1.33 through the dispatcher)', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kubectl: Kubectl;

  before(async function () {
    const binary = requireKubectl(this, findKubectl());
    server = await startTestApiServer();
    kubectl = await Kubectl.forServer(binary, server.url);
    const post = (path: string, body: unknown) => create(server.url, path, body);
    await post('/api/v1/namespaces', { metadata: { name: 'team' } });
    await post('/api/v1/namespaces/default/services', service('web', { clusterIP: '10.96.0.10', ports: [{ port: 80, targetPort: 8080 }] }, { labels: { app: 'web', tier: 'fe' } }));
    await post('/api/v1/namespaces/default/services', service('np', { type: 'NodePort', clusterIP: '10.96.0.11', ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'dns', port: 53, nodePort: 30053, protocol: 'UDP' }] }, { labels: { app: 'np' } }));
    await post('/api/v1/namespaces/default/services', service('ext', { type: 'ExternalName', externalName: 'db.example.com', ports: [], selector: undefined }));
    await post('/api/v1/namespaces/default/services', service('hl', { clusterIP: 'None', selector: { app: 'hl', role: 'db' } }));
    // Selectorless, so its hand-written Endpoints are mirrored into a slice, as on a cluster.
    await post('/api/v1/namespaces/team/services', service('api', { clusterIP: '10.96.0.20', externalIPs: ['192.0.2.5'], ports: [{ port: 443 }], selector: undefined }, { labels: { app: 'api' } }));
    await post('/api/v1/namespaces/team/endpoints', { metadata: { name: 'api' }, subsets: [{ addresses: [{ ip: '10.0.0.5' }, { ip: '10.0.0.6' }], ports: [{ port: 8443 }] }] });
  });
  after(async () => {
    await kubectl?.cleanup();
    await server?.close();
  });

  it('get svc prints the real columns, one row per Service', async () => {
    const res = await kubectl.run(['get', 'svc']);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stderr).to.equal('');
    const { header, rows } = table(res.stdout);
    expect(header).to.deep.equal(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(rows.map((r) => r.slice(0, 5))).to.deep.equal([
      ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>'],
      ['hl', 'ClusterIP', 'None', '<none>', '80/TCP'],
      ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP'],
      ['np', 'NodePort', '10.96.0.11', '<none>', '80:30080/TCP,53:30053/UDP'],
      ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP'],
    ]);
    for (const row of rows) expect(row[5]).to.match(AGE);
  });

  it('-o wide adds SELECTOR', async () => {
    const { header, rows } = table(await kubectl.ok(['get', 'svc', '-o', 'wide']));
    expect(header).to.deep.equal(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'SELECTOR']);
    expect(rows.map((r) => [r[0], r[6]])).to.deep.equal([
      ['ext', '<none>'],
      ['hl', 'app=hl,role=db'],
      ['kubernetes', '<none>'],
      ['np', 'app=np'],
      ['web', 'app=web'],
    ]);
  });

  it('-A lists every namespace with a NAMESPACE column; -n picks one', async () => {
    const all = table(await kubectl.ok(['get', 'svc', '-A']));
    expect(all.header).to.deep.equal(['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(all.rows.map((r) => `${r[0]}/${r[1]}`)).to.deep.equal(['default/ext', 'default/hl', 'default/kubernetes', 'default/np', 'default/web', 'team/api']);
    const team = table(await kubectl.ok(['get', 'svc', '-n', 'team']));
    expect(team.rows.map((r) => r.slice(0, 5))).to.deep.equal([['api', 'ClusterIP', '10.96.0.20', '192.0.2.5', '443/TCP']]);
    const empty = await kubectl.run(['get', 'svc', '-n', 'kube-system']);
    expect(empty).to.deep.include({ code: 0, stdout: '', stderr: 'No resources found in kube-system namespace.\n' });
  });

  it('-l and --field-selector filter on the server', async () => {
    expect(table(await kubectl.ok(['get', 'svc', '-l', 'tier=fe'])).rows.map((r) => r[0])).to.deep.equal(['web']);
    expect(table(await kubectl.ok(['get', 'svc', '-l', 'app in (np,web)', '-o', 'name'])).header).to.deep.equal(['service/np']);
    expect(await kubectl.ok(['get', 'svc', '-A', '-l', 'app,app notin (web)', '-o', 'name'])).to.equal('service/np\nservice/api\n');
    expect(table(await kubectl.ok(['get', 'svc', '--field-selector', 'metadata.name=np'])).rows.map((r) => r[0])).to.deep.equal(['np']);
    expect(await kubectl.ok(['get', 'svc', '-A', '--field-selector', 'metadata.namespace=team', '-o', 'name'])).to.equal('service/api\n');
    const none = await kubectl.run(['get', 'svc', '-l', 'app=nothing']);
    expect(none).to.deep.include({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
    expect(await kubectl.ok(['get', 'svc', '--field-selector', 'spec.clusterIP=10.96.0.10,spec.type=ClusterIP', '-o', 'name'])).to.equal('service/web\n');
    const bad = await kubectl.run(['get', 'svc', '--field-selector', 'spec.ports=1']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.equal('Error from server (BadRequest): Unable to find "/v1, Resource=services" that match label selector "", field selector "spec.ports=1": field label not supported: spec.ports\n');
  });

  it('--show-labels and -L come from the rows\' object metadata', async () => {
    const { header, rows } = table(await kubectl.ok(['get', 'svc', 'web', '--show-labels', '-L', 'tier']));
    expect(header).to.deep.equal(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE', 'TIER', 'LABELS']);
    expect(rows[0]!.slice(6)).to.deep.equal(['fe', 'app=web,tier=fe']);
  });

  it('-o yaml and -o json print the whole object, defaults included', async () => {
    const obj = parseYAML(await kubectl.ok(['get', 'svc', 'web', '-o', 'yaml']));
    expect(obj).to.deep.include({ apiVersion: 'v1', kind: 'Service', status: { loadBalancer: {} } });
    expect(obj.metadata).to.include({ name: 'web', namespace: 'default' });
    expect(obj.metadata.labels).to.deep.equal({ app: 'web', tier: 'fe' });
    expect(obj.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(obj.metadata.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(obj.spec).to.deep.equal({
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }],
      selector: { app: 'web' },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    });
    const list = JSON.parse(await kubectl.ok(['get', 'svc', '-n', 'team', '-o', 'json']));
    expect(list).to.include({ apiVersion: 'v1', kind: 'List' });
    expect(list.items).to.have.length(1);
    expect(list.items[0]).to.include({ apiVersion: 'v1', kind: 'Service' });
    expect(list.items[0].spec.externalIPs).to.deep.equal(['192.0.2.5']);
  });

  it('-o jsonpath reads fields of one object or of the list', async () => {
    expect(await kubectl.ok(['get', 'svc', 'np', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[*].nodePort}'])).to.equal('10.96.0.11 30080 30053');
    expect(await kubectl.ok(['get', 'svc', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.spec.clusterIP};{end}'])).to.equal(
      'ext=;hl=None;kubernetes=10.96.0.1;np=10.96.0.11;web=10.96.0.10;',
    );
  });

  it('get ns, endpoints and endpointslices print their own columns', async () => {
    const ns = table(await kubectl.ok(['get', 'ns']));
    expect(ns.header).to.deep.equal(['NAME', 'STATUS', 'AGE']);
    expect(ns.rows.map((r) => r.slice(0, 2))).to.deep.include.members([
      ['default', 'Active'],
      ['team', 'Active'],
    ]);
    const ep = table(await kubectl.ok(['get', 'endpoints', '-n', 'team']));
    expect(ep.header).to.deep.equal(['NAME', 'ENDPOINTS', 'AGE']);
    expect(ep.rows.map((r) => r.slice(0, 2))).to.deep.equal([['api', '10.0.0.5:8443,10.0.0.6:8443']]);
    const slices = table(await kubectl.ok(['get', 'endpointslices', '-n', 'team']));
    expect(slices.header).to.deep.equal(['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    expect(slices.rows.map((r) => r.slice(1, 4))).to.deep.equal([['IPv4', '8443', '10.0.0.5,10.0.0.6']]);
  });

  it('a missing Service is upstream\'s NotFound, exit code 1', async () => {
    const res = await kubectl.run(['get', 'svc', 'nope']);
    expect(res).to.deep.include({ code: 1, stdout: '', stderr: 'Error from server (NotFound): services "nope" not found\n' });
    // After a 404, kubectl 1.33 asks for the namespace and reports that instead when it is missing.
    const ns = await kubectl.run(['get', 'svc', 'x', '-n', 'nowhere']);
    expect(ns.stderr).to.equal('Error from server (NotFound): namespaces "nowhere" not found\n');
  });
});
