import { expect } from 'chai';
import { call, startTestApiServer } from '../testing/server.js';

/** What Object.prototype holds before any request: a request that changes it has polluted the process. */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

/** The process is as before: nothing inherited by a fresh object, and a create still works. */
async function expectCanary(url: string, name: string): Promise<void> {
  const fresh = {} as Record<string, unknown>;
  expect(fresh.deletionTimestamp, 'inherited deletionTimestamp').to.equal(undefined);
  expect(fresh.generateName, 'inherited generateName').to.equal(undefined);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(PROTOTYPE_NAMES);
  const res = await call(url, 'POST', '/api/v1/namespaces/default/services', { metadata: { name }, spec: { ports: [{ port: 80 }] } });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
}

const warnings = (h: Headers) => h.get('warning');

describe('apiserver: hostile input never reaches a prototype (issue 8 findings 1-4)', function () {
  this.timeout(120_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  const path = '/api/v1/namespaces/default/services';
  let n = 0;
  const fresh = async (prefix: string) => {
    const name = `${prefix}-${n++}`;
    const res = await call(server.url, 'POST', path, { metadata: { name }, spec: { ports: [{ port: 80 }] } });
    expect(res.status).to.equal(201);
    return name;
  };
  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => server?.close());

  describe('finding 1: __proto__ in patches is an unknown field, dropped with a warning', () => {
    const polluting = '{"metadata":{"__proto__":{"deletionTimestamp":"2020-01-01T00:00:00Z","generateName":{"x":1}}}}';

    for (const [type, contentType] of [
      ['merge', 'application/merge-patch+json'],
      ['strategic merge', 'application/strategic-merge-patch+json'],
    ] as const) {
      it(`${type} patch`, async () => {
        const name = await fresh('proto');
        const res = await call(server.url, 'PATCH', `${path}/${name}`, polluting, contentType);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(warnings(res.headers)).to.equal('299 - "unknown field \\"metadata.__proto__\\""');
        expect(res.body.metadata).to.not.have.property('deletionTimestamp');
        const strict = await call(server.url, 'PATCH', `${path}/${name}?fieldValidation=Strict`, polluting, contentType);
        expect(strict.status).to.equal(422);
        expect(strict.body.message).to.match(/strict decoding error: unknown field "metadata.__proto__"$/);
        await expectCanary(server.url, `canary-${n++}`);
      });
    }

    it('JSON patch paths through /__proto__/ find nothing; adding __proto__ adds an unknown field', async () => {
      const name = await fresh('jp');
      const through = [{ op: 'add', path: '/metadata/__proto__/deletionTimestamp', value: '2020-01-01T00:00:00Z' }];
      const res = await call(server.url, 'PATCH', `${path}/${name}`, through, 'application/json-patch+json');
      expect(res.status).to.equal(422);
      for (const op of [
        { op: 'add', path: '/metadata/__proto__', value: { deletionTimestamp: '2020-01-01T00:00:00Z' } },
        { op: 'add', path: '/metadata/constructor', value: { prototype: { generateName: 'x' } } },
      ]) {
        const added = await call(server.url, 'PATCH', `${path}/${name}`, [op], 'application/json-patch+json');
        expect(added.status, JSON.stringify(added.body)).to.equal(200);
        expect(warnings(added.headers)).to.equal(`299 - "unknown field \\"${op.path.slice(1).replace('/', '.')}\\""`);
      }
      for (const op of [
        { op: 'copy', from: '/metadata/constructor', path: '/spec/x' },
        { op: 'replace', path: '/metadata/toString', value: 1 },
        { op: 'remove', path: '/metadata/hasOwnProperty' },
        { op: 'test', path: '/metadata/valueOf', value: null },
      ]) {
        const missing = await call(server.url, 'PATCH', `${path}/${name}`, [op], 'application/json-patch+json');
        if (op.op === 'test') expect(missing.status, op.op).to.equal(200);
        else expect(missing.status, op.op).to.equal(422);
      }
      await expectCanary(server.url, `canary-${n++}`);
    });

    it('server-side apply: __proto__ is a field the schema does not declare; managedFields stay data', async () => {
      const res = await call(
        server.url,
        'PATCH',
        `${path}/applied-${n}?fieldManager=m`,
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: applied-' + n + '\n  __proto__:\n    deletionTimestamp: "2020-01-01T00:00:00Z"\nspec:\n  ports: [{port: 80}]\n',
        'application/apply-patch+yaml',
      );
      expect(res.body.message).to.include('.metadata.__proto__: field not declared in schema');
      const name = await fresh('mf');
      const mf = [{ op: 'add', path: '/metadata/managedFields', value: [{ manager: 'm', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { __proto__: { x: {} }, 'k:{bad': {}, 'f:spec': { constructor: {} } } }] }];
      const planted = await call(server.url, 'PATCH', `${path}/${name}`, mf, 'application/json-patch+json');
      expect(planted.status, JSON.stringify(planted.body)).to.equal(200);
      const applied = await call(server.url, 'PATCH', `${path}/${name}?fieldManager=m`, `{"apiVersion":"v1","kind":"Service","metadata":{"name":"${name}"},"spec":{"ports":[{"port":80}]}}`, 'application/apply-patch+yaml');
      expect(applied.status, JSON.stringify(applied.body)).to.equal(200);
      await expectCanary(server.url, `canary-${n++}`);
    });

    it('a label selector or Accept parameter named like a prototype member is plain data', async () => {
      const list = await call(server.url, 'GET', `${path}?labelSelector=constructor`);
      expect(list.status).to.equal(200);
      expect(list.body.items).to.deep.equal([]);
      const res = await fetch(`${server.url}${path}`, { headers: { accept: 'application/json;__proto__=x;constructor=y' } });
      expect(res.status).to.equal(200);
      await expectCanary(server.url, `canary-${n++}`);
    });
  });

  describe('finding 2: strict field validation sees Object.prototype names', () => {
    const body = (name: string) => `{"metadata":{"name":"${name}","constructor":1},"spec":{"hasOwnProperty":7,"ports":[{"port":80,"valueOf":3}]}}`;

    it('Strict: 400 strict decoding error naming each field', async () => {
      const res = await call(server.url, 'POST', `${path}?fieldValidation=Strict`, body('e'));
      expect(res.status).to.equal(400);
      expect(res.body.message).to.equal(
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "metadata.constructor", unknown field "spec.hasOwnProperty", unknown field "spec.ports[0].valueOf"',
      );
      expect((await call(server.url, 'GET', `${path}/e`)).status).to.equal(404);
    });

    it('Warn: created with a warning per field, none of them stored', async () => {
      const res = await call(server.url, 'POST', path, body('e2'));
      expect(res.status).to.equal(201);
      expect(warnings(res.headers)).to.equal(
        '299 - "unknown field \\"metadata.constructor\\"", 299 - "unknown field \\"spec.hasOwnProperty\\"", 299 - "unknown field \\"spec.ports[0].valueOf\\""',
      );
      const stored = await call(server.url, 'GET', `${path}/e2`);
      expect(Object.keys(stored.body.metadata)).to.not.include('constructor');
      expect(Object.keys(stored.body.spec)).to.not.include('hasOwnProperty');
      expect(Object.keys(stored.body.spec.ports[0])).to.not.include('valueOf');
    });

    it('__proto__ in a body is refused under Strict and dropped under Warn', async () => {
      const proto = '{"metadata":{"name":"pb","__proto__":{"deletionTimestamp":"2020-01-01T00:00:00Z"}},"spec":{"ports":[{"port":80}]}}';
      const strict = await call(server.url, 'POST', `${path}?fieldValidation=Strict`, proto);
      expect(strict.status).to.equal(400);
      expect(strict.body.message).to.equal('Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "metadata.__proto__"');
      const warned = await call(server.url, 'POST', path, proto);
      expect(warned.status).to.equal(201);
      expect(warned.body.metadata).to.not.have.property('deletionTimestamp');
      await expectCanary(server.url, `canary-${n++}`);
    });
  });

  describe('finding 3: nesting depth as Go decodes it, never a 5xx', () => {
    const nest = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    // The body and patch are one object around `x`, so 10,000 levels in all is the deepest legal input.
    const deepBody = (name: string, depth: number) => `{"metadata":{"name":"${name}","x":${nest(depth - 2)}},"spec":{"ports":[{"port":80}]}}`;

    it('a body 10,000 deep is decoded (the deep field dropped); 10,001 is upstream\'s 400', async () => {
      const ok = await call(server.url, 'POST', path, deepBody('deep', 10_000));
      expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).to.equal(201);
      expect(warnings(ok.headers)).to.equal('299 - "unknown field \\"metadata.x\\""');
      const bad = await call(server.url, 'POST', path, deepBody('deeper', 10_001));
      expect(bad.status).to.equal(400);
      expect(bad.body.message).to.equal(
        'the object provided is unrecognized (must be of type Service): couldn\'t get version/kind; json parse error: invalid character \'{\' exceeded max depth ({"metadata":{"name":"deeper"," ...)',
      );
      for (const method of ['PUT', 'POST'] as const) {
        const res = await call(server.url, method, method === 'PUT' ? `${path}/deep` : path, '['.repeat(100_000));
        expect(res.status, method).to.equal(400);
      }
    });

    for (const [type, contentType, patch, tooDeep] of [
      ['merge', 'application/merge-patch+json', (d: number) => `{"metadata":{"x":${nest(d - 2)}}}`, "error decoding patch: invalid character '{' exceeded max depth"],
      ['strategic merge', 'application/strategic-merge-patch+json', (d: number) => `{"metadata":{"x":${nest(d - 2)}}}`, "invalid character '{' exceeded max depth"],
      ['JSON', 'application/json-patch+json', (d: number) => `[{"op":"add","path":"/metadata/x","value":${nest(d - 2)}}]`, "error decoding patch: invalid character '{' exceeded max depth"],
    ] as const) {
      it(`a ${type} patch 10,000 deep applies; 10,001 is upstream's 400`, async () => {
        const name = await fresh('dp');
        const ok = await call(server.url, 'PATCH', `${path}/${name}`, patch(10_000), contentType);
        expect(ok.status, JSON.stringify(ok.body).slice(0, 300)).to.equal(200);
        expect(warnings(ok.headers)).to.equal('299 - "unknown field \\"metadata.x\\""');
        const strict = await call(server.url, 'PATCH', `${path}/${name}?fieldValidation=Strict`, patch(10_000), contentType);
        expect(strict.status).to.equal(422);
        const bad = await call(server.url, 'PATCH', `${path}/${name}`, patch(10_001), contentType);
        expect(bad.status).to.equal(400);
        expect(bad.body.message).to.equal(tooDeep);
        await expectCanary(server.url, `canary-${n++}`);
      });
    }

    it('deep values in a known field are type errors, never a 5xx', async () => {
      const name = await fresh('dk');
      const labels = await call(server.url, 'PATCH', `${path}/${name}`, `{"metadata":{"labels":{"a":${nest(9_000)}}}}`, 'application/merge-patch+json');
      expect(labels.status).to.equal(422);
      const ports = await call(server.url, 'PATCH', `${path}/${name}`, `{"spec":{"ports":[{"port":${'['.repeat(9_000)}${']'.repeat(9_000)}}]}}`, 'application/strategic-merge-patch+json');
      expect(ports.status).to.equal(422);
      const apply = await call(server.url, 'PATCH', `${path}/${name}?fieldManager=m`, `{"metadata":{"name":"${name}","labels":${'['.repeat(9_000)}${']'.repeat(9_000)}}}`, 'application/apply-patch+yaml');
      expect(apply.status).to.equal(422);
      await expectCanary(server.url, `canary-${n++}`);
    });
  });

  describe('found by the fuzz suite', () => {
    it('an unknown field named in any script is a UTF-8 Warning, not a 500', async () => {
      const res = await call(server.url, 'POST', path, '{"metadata":{"name":"utf","ü€𝄞":1},"spec":{"ports":[{"port":80}]}}');
      expect(res.status).to.equal(201);
      expect(Buffer.from(warnings(res.headers)!, 'latin1').toString('utf8')).to.equal('299 - "unknown field \\"metadata.ü€𝄞\\""');
    });

    it('YAML nested deeper than the YAML parser can go is a 400, not a crash', async () => {
      const deep = `# not JSON\nmetadata: {name: y, x: ${'['.repeat(10_000)}${']'.repeat(10_000)}}\n`;
      const apply = await call(server.url, 'PATCH', `${path}/y?fieldManager=m`, deep, 'application/apply-patch+yaml');
      expect(apply.status).to.equal(400);
      expect(apply.body.message).to.equal('error decoding YAML: yaml: exceeded max depth of 500');
      const body = await call(server.url, 'POST', path, deep, 'application/yaml');
      expect(body.status).to.equal(400);
      await expectCanary(server.url, `canary-${n++}`);
    });

    it('a YAML alias inside its own anchor is a 400, not a hung process', async () => {
      const looped = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: loop\n  labels: &x\n    a: *x\nspec:\n  ports: [{port: 80}]\n';
      const body = await call(server.url, 'POST', path, looped, 'application/yaml');
      expect(body.status).to.equal(400);
      expect(body.body.message).to.match(/error converting YAML to JSON: yaml: anchor 'x' value contains itself \(/);
      const apply = await call(server.url, 'PATCH', `${path}/loop?fieldManager=m`, looped, 'application/apply-patch+yaml');
      expect(apply.status).to.equal(400);
      expect(apply.body.message).to.equal("error decoding YAML: yaml: anchor 'x' value contains itself");
      await expectCanary(server.url, `canary-${n++}`);
    });

    it('YAML aliases that expand a document far past its size are a 400; a few aliases are fine', async () => {
      // 20 KiB whose 99 aliases would expand to two million nodes; go-yaml refuses it.
      const list = `[${Array(20_000).fill('1').join(',')}]`;
      const bomb = `apiVersion: v1\nkind: Service\nmetadata:\n  name: bomb\n  annotations: {a: &x ${list}}\n  labels: {b: [${Array(99).fill('*x').join(',')}]}\nspec:\n  ports: [{port: 80}]\n`;
      const body = await call(server.url, 'POST', path, bomb, 'application/yaml');
      expect(body.status).to.equal(400);
      expect(body.body.message).to.match(/error converting YAML to JSON: yaml: document contains excessive aliasing \(/);
      const apply = await call(server.url, 'PATCH', `${path}/bomb?fieldManager=m`, bomb, 'application/apply-patch+yaml');
      expect(apply.status).to.equal(400);
      expect(apply.body.message).to.equal('error decoding YAML: yaml: document contains excessive aliasing');
      const shared = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shared\n  labels: &l {app: web}\nspec:\n  selector: *l\n  ports: [{port: 80}]\n';
      const ok = await call(server.url, 'POST', path, shared, 'application/yaml');
      expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
      expect(ok.body.spec.selector).to.deep.equal({ app: 'web' });
      await expectCanary(server.url, `canary-${n++}`);
    });
  });

  describe('finding 4: dryRun is All or a 422', () => {
    it('refuses other values on every verb and writes nothing', async () => {
      for (const [query, shown] of [
        ['dryRun=all', '[]string{"all"}'],
        ['dryRun=None', '[]string{"None"}'],
        ['dryRun=All&dryRun=x', '[]string{"All", "x"}'],
      ]) {
        const res = await call(server.url, 'POST', `${path}?${query}`, { metadata: { name: 'dry' }, spec: { ports: [{ port: 80 }] } });
        expect(res.status, query).to.equal(422);
        expect(res.body.message).to.equal(`CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ${shown}: supported values: "All"`);
        expect(res.body.details).to.deep.equal({
          group: 'meta.k8s.io',
          kind: 'CreateOptions',
          causes: [{ reason: 'FieldValueNotSupported', message: `Unsupported value: ${shown}: supported values: "All"`, field: 'dryRun' }],
        });
      }
      expect((await call(server.url, 'GET', `${path}/dry`)).status).to.equal(404);
      const name = await fresh('dr');
      const put = await call(server.url, 'PUT', `${path}/${name}?dryRun=all`, { metadata: { name }, spec: { ports: [{ port: 80 }] } });
      expect(put.body.message).to.match(/^UpdateOptions\.meta\.k8s\.io "" is invalid/);
      const patch = await call(server.url, 'PATCH', `${path}/${name}?dryRun=x`, '{"metadata":{"labels":{"a":"b"}}}', 'application/merge-patch+json');
      expect(patch.body.message).to.match(/^PatchOptions\.meta\.k8s\.io "" is invalid/);
      const del = await call(server.url, 'DELETE', `${path}/${name}?dryRun=x`);
      expect(del.body.message).to.match(/^DeleteOptions\.meta\.k8s\.io "" is invalid/);
      const body = await call(server.url, 'DELETE', `${path}/${name}`, { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['all'] });
      expect(body.status).to.equal(422);
      expect(body.body.message).to.equal('DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"all"}: supported values: "All"');
      const still = await call(server.url, 'GET', `${path}/${name}`);
      expect(still.status).to.equal(200);
      expect(still.body.metadata.labels).to.equal(undefined);
      const dry = await call(server.url, 'DELETE', `${path}/${name}`, { kind: 'DeleteOptions', apiVersion: 'v1', dryRun: ['All'] });
      expect(dry.status).to.equal(200);
      expect((await call(server.url, 'GET', `${path}/${name}`)).status).to.equal(200);
    });

    it('a DeleteOptions body of the wrong types is a 400 and deletes nothing', async () => {
      const name = await fresh('delbody');
      for (const [options, message] of [
        [{ preconditions: { uid: { a: 1 } } }, 'json: cannot unmarshal object into Go struct field Preconditions.preconditions.uid of type types.UID'],
        [{ preconditions: 'x' }, 'json: cannot unmarshal string into Go struct field DeleteOptions.preconditions of type v1.Preconditions'],
        [{ gracePeriodSeconds: 1.5 }, 'json: cannot unmarshal number 1.5 into Go struct field DeleteOptions.gracePeriodSeconds of type int64'],
        [{ propagationPolicy: 7 }, 'json: cannot unmarshal number 7 into Go struct field DeleteOptions.propagationPolicy of type v1.DeletionPropagation'],
        [{ dryRun: ['All', 1] }, 'json: cannot unmarshal number 1 into Go struct field DeleteOptions.dryRun of type string'],
        [[1, 2], 'json: cannot unmarshal array into Go value of type v1.DeleteOptions'],
      ] as const) {
        const res = await call(server.url, 'DELETE', `${path}/${name}`, options);
        expect(res.status, JSON.stringify(options)).to.equal(400);
        expect(res.body.message).to.equal(message);
      }
      const big = await call(server.url, 'DELETE', `${path}/${name}`, '{"gracePeriodSeconds":1e400}');
      expect(big.status).to.equal(400);
      expect((await call(server.url, 'GET', `${path}/${name}`)).status).to.equal(200);
      expect((await call(server.url, 'DELETE', `${path}/${name}`, { preconditions: { uid: null }, gracePeriodSeconds: 0 })).status).to.equal(200);
    });
  });

  describe('issue 10: JSON syntax errors in Go\'s words', () => {
    it('bodies and each patch type', async () => {
      const name = await fresh('syn');
      const body = await call(server.url, 'POST', path, '{a}');
      expect(body.body.message).to.equal(
        'the object provided is unrecognized (must be of type Service): couldn\'t get version/kind; json parse error: invalid character \'a\' looking for beginning of object key string ({a})',
      );
      const cases: [string, string, string][] = [
        ['application/merge-patch+json', '', "error decoding patch: invalid character 'a' looking for beginning of object key string"],
        ['application/merge-patch+json', '?fieldValidation=Ignore', 'Invalid JSON Patch'],
        ['application/json-patch+json', '', "error decoding patch: invalid character 'a' looking for beginning of object key string"],
        ['application/json-patch+json', '?fieldValidation=Ignore', "invalid character 'a' looking for beginning of object key string"],
        ['application/strategic-merge-patch+json', '', "invalid character 'a' looking for beginning of object key string"],
      ];
      for (const [contentType, query, message] of cases) {
        const res = await call(server.url, 'PATCH', `${path}/${name}${query}`, '{a}', contentType);
        expect(res.status, contentType + query).to.equal(400);
        expect(res.body.message, contentType + query).to.equal(message);
      }
      const end = await call(server.url, 'PATCH', `${path}/${name}`, '{"metadata":', 'application/merge-patch+json');
      expect(end.body.message).to.equal('error decoding patch: unexpected end of JSON input');
    });
  });
});
