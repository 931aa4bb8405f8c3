import { expect } from 'chai';
import { call, startTestApiServer } from '../../apiserver/testing/server.js';
import { eventually } from '../../shared/testing/eventually.js';
import { findKubectl, Kubectl, requireKubectl, table } from './run.js';

/**
 * The `kubernetes` Service comes back after `kubectl delete svc --all`, with its Endpoints and
 * EndpointSlice, as upstream's kubernetes Service controller puts them back every interval
 * (10 s upstream; shortened here so the test is quick).
 */
describe('e2e: the kubernetes Service is put back (kubectl 1.33)', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  let kubectl: Kubectl;

  before(async function () {
    const binary = requireKubectl(this, findKubectl());
    server = await startTestApiServer({ kubernetesServiceIntervalMs: 300 });
    kubectl = await Kubectl.forServer(binary, server.url);
  });
  after(async () => {
    await kubectl?.cleanup();
    await server?.close();
  });

  it('delete svc --all, then it is back on 10.96.0.1 with its endpoints', async () => {
    const before = (await call(server.url, 'GET', '/api/v1/namespaces/default/services/kubernetes')).body;
    expect(await kubectl.ok(['delete', 'svc', '--all'])).to.equal('service "kubernetes" deleted\n');
    await kubectl.ok(['delete', 'endpointslice', 'kubernetes']);
    // The Endpoints went with the Service (the endpoints controller's part); the slice stayed.
    await kubectl.run(['delete', 'endpoints', 'kubernetes']);
    await eventually(async () => {
      const rows = table(await kubectl.ok(['get', 'svc', 'kubernetes'])).rows;
      expect(rows[0]!.slice(0, 5)).to.deep.equal(['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
    }, 20_000, 200);
    const after = (await call(server.url, 'GET', '/api/v1/namespaces/default/services/kubernetes')).body;
    expect(after.metadata.uid).to.not.equal(before.metadata.uid);
    expect(after.metadata.labels).to.deep.equal({ component: 'apiserver', provider: 'kubernetes' });
    await eventually(async () => {
      const slice = await call(server.url, 'GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes');
      expect(slice.status).to.equal(200);
      expect(slice.body.endpoints.map((e: { addresses: string[] }) => e.addresses)).to.deep.equal([['192.168.0.10']]);
      const ep = await call(server.url, 'GET', '/api/v1/namespaces/default/endpoints/kubernetes');
      expect(ep.status).to.equal(200);
      expect(ep.body.subsets[0].addresses).to.deep.equal([{ ip: '192.168.0.10' }]);
    }, 20_000, 200);
  });
});
