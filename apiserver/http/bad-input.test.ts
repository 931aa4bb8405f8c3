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

  it('never stores unknown fields: dropped under Ignore and Warn (with warnings), refused under Strict', async () => {
    const body = { ...service('uf1'), spec: { ports: [{ port: 80, bogus: 1 }], colour: 'blue' } };
    const strict = await call(server.url, 'POST', `${path}?fieldValidation=Strict`, body);
    expect(strict.status).to.equal(400);
    expect(strict.body.message).to.equal('Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].bogus", unknown field "spec.colour"');
    const warn = await call(server.url, 'POST', path, body);
    expect(warn.status).to.equal(201);
    expect(warn.headers.get('warning')).to.equal('299 - "unknown field \\"spec.ports[0].bogus\\"", 299 - "unknown field \\"spec.colour\\""');
    const ignore = await call(server.url, 'POST', `${path}?fieldValidation=Ignore`, { ...body, metadata: { name: 'uf2' } });
    expect(ignore.status).to.equal(201);
    expect(ignore.headers.get('warning')).to.equal(null);
    const yaml = await call(server.url, 'POST', path, 'metadata: {name: uf3}\nspec:\n  colour: blue\n  ports: [{port: 80}]\n', 'application/yaml');
    expect(yaml.status).to.equal(201);
    for (const name of ['uf1', 'uf2', 'uf3']) {
      const stored = (await call(server.url, 'GET', `${path}/${name}`)).body;
      expect(stored.spec, name).to.not.have.property('colour');
      expect(stored.spec.ports, name).to.deep.equal([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    }
  });

  it('unknown fields in a patch: 422 on "patch" under Strict, warnings under Warn, and never stored', async () => {
    const merge = await call(server.url, 'PATCH', `${path}/uf1?fieldValidation=Strict`, { spec: { colour: 'red' } }, 'application/merge-patch+json');
    expect(merge.status).to.equal(422);
    expect(merge.body.reason).to.equal('Invalid');
    expect(merge.body.details.causes).to.have.length(1);
    expect(merge.body.details.causes[0]).to.include({ reason: 'FieldValueInvalid', field: 'patch' });
    // The value shown for JSON and merge patches is the patched object.
    expect(merge.body.details.causes[0].message).to.match(/^Invalid value: "\{\\"apiVersion\\":\\"v1\\",.*\\"colour\\":\\"red\\".*\}": strict decoding error: unknown field "spec.colour"$/);
    expect(merge.body.message).to.equal(` "" is invalid: patch: ${merge.body.details.causes[0].message}`);
    expect(merge.body.details).to.not.have.any.keys('name', 'kind', 'group');

    const smp = await call(server.url, 'PATCH', `${path}/uf1?fieldValidation=Strict`, { spec: { colour: 'red', ports: [{ port: 80, bogus: 2 }] } }, 'application/strategic-merge-patch+json');
    expect(smp.status).to.equal(422);
    // The value shown for strategic merge patches is the patch, as Go's %+v prints the map.
    expect(smp.body.details.causes[0].message).to.equal(
      'Invalid value: "map[spec:map[colour:red ports:[map[bogus:2 port:80]]]]": strict decoding error: unknown field "spec.ports[0].bogus", unknown field "spec.colour"',
    );

    const warned = await call(server.url, 'PATCH', `${path}/uf1`, [{ op: 'add', path: '/spec/colour', value: 'red' }], 'application/json-patch+json');
    expect(warned.status).to.equal(200);
    expect(warned.headers.get('warning')).to.equal('299 - "unknown field \\"spec.colour\\""');
    expect(warned.body.spec).to.not.have.property('colour');
    const stored = (await call(server.url, 'GET', `${path}/uf1`)).body;
    expect(stored.spec).to.not.have.property('colour');
  });

  it('a patch that mistypes a field is a 422 on "patch"', async () => {
    const res = await call(server.url, 'PATCH', `${path}/uf1`, { spec: { ports: [{ port: 'eighty' }] } }, 'application/merge-patch+json');
    expect(res.status).to.equal(422);
    expect(res.body.details.causes[0].field).to.equal('patch');
    expect(res.body.details.causes[0].message).to.match(/: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32$/);
  });

  it('server-side apply refuses undeclared fields with structured-merge-diff\'s error, as a 400 (upstream\'s 500 is its bug 139253)', async () => {
    const applied = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ssa-x', namespace: 'default' }, spec: { colour: 'red', ports: [{ port: 80, bogus: 1 }] } };
    const res = await call(server.url, 'PATCH', `${path}/ssa-x?fieldManager=test`, applied, 'application/apply-patch+yaml');
    expect(res.status).to.equal(400);
    expect(res.body).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'failed to create typed patch object (default/ssa-x; /v1, Kind=Service): errors:\n  .spec.colour: field not declared in schema\n  .spec.ports[0].bogus: field not declared in schema',
      reason: 'BadRequest',
      code: 400,
    });
    expect((await call(server.url, 'GET', `${path}/ssa-x`)).status).to.equal(404);
  });

  it('a patch of a missing object is a 404 and creates nothing; only server-side apply creates', async () => {
    for (const [type, body] of [
      ['application/merge-patch+json', { spec: { ports: [{ port: 80 }] } }],
      ['application/strategic-merge-patch+json', { spec: { ports: [{ port: 80 }] } }],
      ['application/json-patch+json', [{ op: 'add', path: '/metadata/labels', value: {} }]],
    ] as const) {
      const res = await call(server.url, 'PATCH', `${path}/ghost`, body, type);
      expect(res.status, type).to.equal(404);
      expect(res.body.message, type).to.equal('services "ghost" not found');
    }
    expect((await call(server.url, 'GET', `${path}/ghost`)).status).to.equal(404);
  });

  it('400 for malformed protobuf bodies', async () => {
    const cases: [Buffer, string][] = [
      [Buffer.from('{"kind":"Service"}'), 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]'],
      [Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x05]), 'unexpected EOF'],
      [Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x12, 0x03, 0x0a, 0x01, 0x0a]), 'unexpected EOF'],
      [Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, ...Array(10).fill(0xff), 0x01]), 'proto: integer overflow'],
    ];
    for (const [body, why] of cases) {
      const res = await call(server.url, 'POST', path, body, 'application/vnd.kubernetes.protobuf');
      expect(res.status, why).to.equal(400);
      expect(res.body).to.include({ kind: 'Status', reason: 'BadRequest', message: `Service in version "v1" cannot be handled as a Service: ${why}` });
    }
    expect((await call(server.url, 'GET', '/healthz')).status).to.equal(200);
  });

  it('400 for malformed YAML bodies', async () => {
    for (const body of ['metadata: {name: [', 'a: b: c', '\tname: x', 'metadata:\n  name: y\n  name: z\n']) {
      const res = await call(server.url, 'POST', path, body, 'application/yaml');
      expect(res.status, body).to.equal(400);
      expect(res.body.reason, body).to.equal('BadRequest');
      expect(res.body.message, body).to.match(/^the object provided is unrecognized \(must be of type Service\): couldn't get version\/kind; json parse error: error converting YAML to JSON: /);
    }
    const list = await call(server.url, 'POST', path, '- a\n- b\n', 'application/yaml');
    expect(list.status).to.equal(400);
    expect(list.body.message).to.include('json: cannot unmarshal array into Go value of type struct');
  });

  it('415 for a patch in a media type that is no patch type', async () => {
    for (const type of ['application/json', 'application/yaml', 'text/plain', 'application/vnd.kubernetes.protobuf']) {
      const res = await call(server.url, 'PATCH', `${path}/kubernetes`, '{}', type);
      expect(res.status, type).to.equal(415);
      expect(res.body).to.include({
        reason: 'UnsupportedMediaType',
        message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
      });
    }
  });

  it('422 for a patch that changes the immutable clusterIP, with upstream\'s details', async () => {
    await call(server.url, 'POST', path, service('imm', { clusterIP: '10.96.0.77' }));
    for (const [type, body] of [
      ['application/merge-patch+json', { spec: { clusterIP: '10.96.0.78' } }],
      ['application/strategic-merge-patch+json', { spec: { clusterIP: '10.96.0.78' } }],
      ['application/json-patch+json', [{ op: 'replace', path: '/spec/clusterIP', value: '10.96.0.78' }]],
    ] as const) {
      const res = await call(server.url, 'PATCH', `${path}/imm`, body, type);
      expect(res.status, type).to.equal(422);
      expect(res.body, type).to.deep.equal({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Service "imm" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.78"}: may not change once set',
        reason: 'Invalid',
        details: { name: 'imm', kind: 'Service', causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: []string{"10.96.0.78"}: may not change once set', field: 'spec.clusterIPs[0]' }] },
        code: 422,
      });
    }
    expect((await call(server.url, 'GET', `${path}/imm`)).body.spec.clusterIP).to.equal('10.96.0.77');
  });

  it('400 for a body whose namespace or name is not the URL\'s', async () => {
    await call(server.url, 'POST', path, service('where'));
    const current = (await call(server.url, 'GET', `${path}/where`)).body;
    const elsewhere = await call(server.url, 'PUT', `${path}/where`, { ...current, metadata: { ...current.metadata, namespace: 'kube-system' } });
    expect(elsewhere.status).to.equal(400);
    expect(elsewhere.body.message).to.equal('the namespace of the provided object does not match the namespace sent on the request');
    const renamed = await call(server.url, 'PUT', `${path}/where`, { ...current, metadata: { ...current.metadata, name: 'other' } });
    expect(renamed.body.message).to.equal('the name of the object (other) does not match the name on the URL (where)');
  });

  it('404 Status for unknown paths', async () => {
    const res = await call(server.url, 'GET', '/api/v1/nothings');
    expect(res.status).to.equal(404);
    expect(res.body.message).to.equal('the server could not find the requested resource');
  });

  it('turns nulls inside lists and maps into zero values, as Go does, so validation answers (never a 500)', async () => {
    const cases: [string, string, unknown][] = [
      ['/api/v1/namespaces/default/services', 'ports', { metadata: { name: 'n1' }, spec: { ports: [null] } }],
      ['/api/v1/namespaces/default/services', 'clusterIPs', { metadata: { name: 'n2' }, spec: { ports: [{ port: 80 }], clusterIP: '10.96.0.9', clusterIPs: [null] } }],
      ['/api/v1/namespaces/default/services', 'ipFamilies', { metadata: { name: 'n3' }, spec: { ports: [{ port: 80 }], ipFamilies: [null] } }],
      ['/api/v1/namespaces/default/services', 'externalIPs', { metadata: { name: 'n4' }, spec: { ports: [{ port: 80 }], externalIPs: [null] } }],
      ['/api/v1/namespaces/default/services', 'finalizers', { metadata: { name: 'n5', finalizers: [null] }, spec: { ports: [{ port: 80 }] } }],
      ['/api/v1/namespaces/default/services', 'ownerReferences', { metadata: { name: 'n6', ownerReferences: [null] }, spec: { ports: [{ port: 80 }] } }],
      ['/api/v1/namespaces/default/endpoints', 'subsets', { metadata: { name: 'n7' }, subsets: [null] }],
      ['/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', 'endpoints', { metadata: { name: 'n8' }, addressType: 'IPv4', endpoints: [null] }],
      ['/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', 'addresses', { metadata: { name: 'n9' }, addressType: 'IPv4', endpoints: [{ addresses: [null] }] }],
      ['/api/v1/namespaces', 'spec.finalizers', { metadata: { name: 'n10' }, spec: { finalizers: [null] } }],
    ];
    for (const [path, what, body] of cases) {
      const res = await call(server.url, 'POST', path, body);
      expect(res.status, what).to.be.oneOf([201, 422]);
    }
    const portless = await call(server.url, 'POST', path, { metadata: { name: 'n11' }, spec: { ports: [null] } });
    expect(portless.body.message).to.contain('spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive');
    const labels = await call(server.url, 'POST', path, { metadata: { name: 'n12' }, spec: { ports: [{ port: 80 }], selector: { app: null } } });
    expect(labels.status).to.equal(201);
    expect(labels.body.spec.selector).to.deep.equal({ app: '' });
  });
});
