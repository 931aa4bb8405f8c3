import { expect } from 'chai';
import { call, service, startTestApiServer } from '../testing/server.js';
import { omitEmpty } from './omit-empty.js';
import { SERVICE_INFO } from '../services/strategy.js';

describe('omitEmpty: Go encoding/json omitempty for the served kinds', () => {
  it('drops empty maps, lists, strings, zeros and falses at every depth; keeps pointers and non-omitempty fields', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'a', generateName: '', labels: {}, annotations: {}, finalizers: [], ownerReferences: [], generation: 0 },
      spec: {
        ports: [{ name: '', port: 0, nodePort: 0, protocol: 'TCP' }],
        selector: {},
        externalIPs: [],
        loadBalancerSourceRanges: [],
        publishNotReadyAddresses: false,
        allocateLoadBalancerNodePorts: false,
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } },
        unknownToGo: {},
      },
      status: { loadBalancer: { ingress: [] }, conditions: [] },
    };
    omitEmpty(SERVICE_INFO, svc);
    expect(svc).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'a' },
      spec: {
        ports: [{ port: 0, protocol: 'TCP' }],
        allocateLoadBalancerNodePorts: false,
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } },
        unknownToGo: {},
      },
      status: { loadBalancer: {} },
    });
  });
});

describe('apiserver: stored and served objects follow omitempty (real etcd)', function () {
  this.timeout(30_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => {
    await server?.close();
  });

  it('a merge patch of empty maps and lists leaves none of them in the Service', async () => {
    await call(server.url, 'POST', '/api/v1/namespaces/default/services', service('empties', {}, { labels: { a: 'b' } }));
    const patch = { metadata: { annotations: {}, labels: null, finalizers: [] }, spec: { externalIPs: [], loadBalancerSourceRanges: [] } };
    const res = await call(server.url, 'PATCH', '/api/v1/namespaces/default/services/empties', patch, 'application/merge-patch+json');
    expect(res.status).to.equal(200);
    expect(res.body.metadata).to.not.have.any.keys('annotations', 'labels', 'finalizers');
    expect(res.body.spec).to.not.have.any.keys('externalIPs', 'loadBalancerSourceRanges');
    const read = (await call(server.url, 'GET', '/api/v1/namespaces/default/services/empties')).body;
    expect(read.metadata).to.not.have.any.keys('annotations', 'labels', 'finalizers');
  });

  it('an Endpoints with empty lists and an EndpointSlice with an empty topology map are stored without them', async () => {
    const ep = await call(server.url, 'POST', '/api/v1/namespaces/default/endpoints', {
      metadata: { name: 'e', annotations: {} },
      subsets: [{ addresses: [{ ip: '10.1.2.3' }], notReadyAddresses: [], ports: [{ port: 80 }] }],
    });
    expect(ep.status).to.equal(201);
    expect(ep.body.metadata).to.not.have.key('annotations');
    expect(ep.body.subsets).to.deep.equal([{ addresses: [{ ip: '10.1.2.3' }], ports: [{ port: 80, protocol: 'TCP' }] }]);
    const slice = await call(server.url, 'POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
      metadata: { name: 's', labels: {} },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.1.2.3'], deprecatedTopology: {} }],
      ports: [],
    });
    expect(slice.status).to.equal(201);
    expect(slice.body.metadata).to.not.have.key('labels');
    expect(slice.body.endpoints[0]).to.not.have.key('deprecatedTopology');
  });
});
