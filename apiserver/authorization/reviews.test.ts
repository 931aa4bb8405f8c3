import { expect } from 'chai';
import { call, startTestApiServer } from '../testing/server.js';

const BASE = '/apis/authorization.k8s.io/v1';

/** The self reviews as kube-apiserver with --authorization-mode=AlwaysAllow answers them. */
describe('authorization.k8s.io self reviews (real etcd)', function () {
  this.timeout(30_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => {
    await server?.close();
  });

  it('a SelfSubjectAccessReview is allowed, its spec echoed, 201 as upstream', async () => {
    const res = await call(server.url, 'POST', `${BASE}/selfsubjectaccessreviews`, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'services', __proto__: 'x' } },
      status: { allowed: false },
    });
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.equal({
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'services' } },
      status: { allowed: true },
    });
  });

  it('a SelfSubjectAccessReview needs exactly one kind of attributes (422 with upstream text)', async () => {
    const none = await call(server.url, 'POST', `${BASE}/selfsubjectaccessreviews`, { spec: {} });
    expect(none.status).to.equal(422);
    expect(none.body.message).to.equal(
      'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  });

  it('a SelfSubjectRulesReview answers AlwaysAllow rules, and needs a namespace', async () => {
    const res = await call(server.url, 'POST', `${BASE}/selfsubjectrulesreviews`, { spec: { namespace: 'default' } });
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.equal({
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {},
      status: {
        resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      },
    });
    const missing = await call(server.url, 'POST', `${BASE}/selfsubjectrulesreviews`, { spec: {} });
    expect(missing.status).to.equal(400);
    expect(missing.body.message).to.equal('no namespace on request');
  });

  it('discovery lists both reviews, create only', async () => {
    const res = await call(server.url, 'GET', `${BASE}`);
    expect(res.status).to.equal(200);
    expect(res.body.resources.map((r: { name: string; verbs: string[] }) => [r.name, r.verbs])).to.deep.equal([
      ['selfsubjectaccessreviews', ['create']],
      ['selfsubjectrulesreviews', ['create']],
    ]);
  });
});
