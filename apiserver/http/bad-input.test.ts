import { expect } from 'chai';
import { call, service, startTestApiServer } from '../testing/server.js';

describe('apiserver: bad input gets a Status, never a crash', function () {
  this.timeout(60_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  const path = '/api/v1/namespaces/default/services';
  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => server?.close());

  it('400 for malformed JSON', async () => {
    const res = await call(server.url, 'POST', path, '{"metadata": ');
    expect(res.status).to.equal(400);
    expect(res.body).to.include({ kind: 'Status', reason: 'BadRequest', code: 400 });
    expect(res.body.message).to.equal(
      'the object provided is unrecognized (must be of type Service): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"metadata": )',
    );
  });

  it('415 for a content type it cannot read', async () => {
    const res = await call(server.url, 'POST', path, 'name: x', 'text/plain');
    expect(res.status).to.equal(415);
    expect(res.body.reason).to.equal('UnsupportedMediaType');
  });

  it('413 for a body over 3 MiB', async () => {
    const big = JSON.stringify(service('big', {}, { annotations: { a: 'x'.repeat(3 * 1024 * 1024) } }));
    const res = await call(server.url, 'POST', path, big);
    expect(res.status).to.equal(413);
    expect(res.body.reason).to.equal('RequestEntityTooLarge');
  });

  it('422 for a name that is no DNS label, before it becomes a key', async () => {
    const res = await call(server.url, 'POST', path, service('../../escape'));
    expect(res.status).to.equal(422);
    const get = await call(server.url, 'GET', `${path}/a%2Fb`);
    expect(get.status).to.equal(400);
    expect(get.body.message).to.equal('Name parameter invalid: "a/b": may not contain \'/\'');
  });

  it('422 with every validation error of a Service, in upstream\'s order', async () => {
    const res = await call(server.url, 'POST', path, service('Bad_Name', { ports: [{ port: 70000 }] }));
    expect(res.status).to.equal(422);
    expect(res.body.message).to.equal(
      'Service "Bad_Name" is invalid: [metadata.name: Invalid value: "Bad_Name": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\'), spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive]',
    );
  });

  it('422 with only the clusterIP errors when they fail the pre-check of allocation, as upstream', async () => {
    const res = await call(server.url, 'POST', path, service('bad', { clusterIP: 'abc', ports: [{ port: 70000 }] }));
    expect(res.status).to.equal(422);
    expect(res.body.message).to.equal('Service "bad" is invalid: spec.clusterIPs[0]: Invalid value: "abc": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
  });

  it('survives wrong JSON types and odd bodies', async () => {
    for (const body of ['[]', '"x"', '{"metadata":"x"}', '{"metadata":{"name":"t1"},"spec":{"ports":"nope"}}', '{"metadata":{"name":"t2"},"spec":{"ports":[{"port":"80"}]}}', '{"metadata":{"name":"t3"},"spec":null}']) {
      const res = await call(server.url, 'POST', path, body);
      expect(res.status, body).to.be.oneOf([400, 422]);
      expect(res.body.kind, body).to.equal('Status');
    }
    expect((await call(server.url, 'GET', '/healthz')).status).to.equal(200);
  });

  it('a JSON patch that cannot apply is upstream\'s bare 422, which kubectl prints as "The request is invalid"', async () => {
    await call(server.url, 'POST', path, service('jp'));
    const res = await call(server.url, 'PATCH', `${path}/jp`, [{ op: 'test', path: '/spec/type', value: 'NodePort' }], 'application/json-patch+json');
    expect(res.status).to.equal(422);
    expect(res.body).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
    const ops = Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/kind', value: 'Service' }));
    const big = await call(server.url, 'PATCH', `${path}/jp`, ops, 'application/json-patch+json');
    expect(big.status).to.equal(413);
    expect(big.body).to.include({ reason: 'RequestEntityTooLarge', message: 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001' });
    expect(big.body).to.not.have.property('details');
  });

  it('404 Status for unknown paths', async () => {
    const res = await call(server.url, 'GET', '/api/v1/nothings');
    expect(res.status).to.equal(404);
    expect(res.body.message).to.equal('the server could not find the requested resource');
  });
});
