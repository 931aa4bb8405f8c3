import { expect } from 'chai';
import { parse } from 'yaml';
import { call } from '../../apiserver/testing/server.js';
import { kubectlAgainstTestServer, type Kubectl, type TestApiServer } from './run.js';

/**
 * `--dry-run=server` creates answer what upstream's dry-run allocators fill in: the network
 * address of the range as clusterIP, node ports counted up from 32769 (upstream's dry-run
 * PortAllocationOperation), a taken port refused; nothing is stored or allocated.
 */
describe('e2e: dry-run creates fill in allocations (kubectl 1.33)', function () {
  this.timeout(60_000);
  let server: TestApiServer;
  let kubectl: Kubectl;

  kubectlAgainstTestServer((s, k) => {
    server = s;
    kubectl = k;
  });

  it('a NodePort Service shows its nodePorts and clusterIP, and is not stored', async () => {
    const out = parse(await kubectl.ok(['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--tcp=81:8081', '--dry-run=server', '-o', 'yaml']));
    expect(out.spec.clusterIP).to.equal('10.96.0.0');
    expect(out.spec.ports.map((p: { nodePort: number }) => p.nodePort)).to.deep.equal([32769, 32770]);
    expect((await call(server.url, 'GET', '/api/v1/namespaces/default/services/np')).status).to.equal(404);
  });

  it('a LoadBalancer with externalTrafficPolicy Local gets a healthCheckNodePort too', async () => {
    const file = await kubectl.writeFile(
      'lb.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: lb\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports:\n  - port: 80\n',
    );
    const out = parse(await kubectl.ok(['create', '-f', file, '--dry-run=server', '-o', 'yaml']));
    expect(out.spec.ports[0].nodePort).to.equal(32769);
    expect(out.spec.healthCheckNodePort).to.equal(32770);
  });

  it('a requested nodePort that is taken is refused in a dry run as in a real one', async () => {
    await kubectl.ok(['create', 'service', 'nodeport', 'taken', '--tcp=80:8080', '--node-port=30080']);
    const res = await kubectl.run(['create', 'service', 'nodeport', 'again', '--tcp=80:8080', '--node-port=30080', '--dry-run=server']);
    expect(res.code).to.equal(1);
    expect(res.stderr).to.equal('error: failed to create NodePort service: Service "again" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated\n');
  });
});
