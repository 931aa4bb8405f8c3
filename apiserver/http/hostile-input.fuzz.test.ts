import { expect } from 'chai';
import fc from 'fast-check';
import { parseKey, resourcePrefix } from '../../shared/storage/keys.js';
import { sharedClient } from '../../shared/testing/etcd.js';
import { unknownFields } from '../openapi/strict-fields.js';
import { call, startTestApiServer, type Answer } from '../testing/server.js';

/**
 * Property-based fuzzing of everything a request body or patch goes through (issue 8): arbitrary
 * key names (every Object.prototype member, `__proto__`, patch directives, unicode), every JSON
 * type, and depths up to and past Go's limit of 10,000. After each case the process must be as
 * before, and at the end etcd must hold exactly the Services and their allocation keys.
 */

/** Cases per property: seeded and bounded so that the suite stays well under a minute. */
const FUZZ_RUNS = { decoder: 100, merge: 80, strategic: 80, json: 100, apply: 60 } as const;
const SEED = 8;

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

/** A JSON document as a tree, serialised by hand so that `__proto__` keys survive intact. */
type Tree = { o: [string, Tree][] } | { a: Tree[] } | { s: null | boolean | number | string } | { deep: number; leaf: Tree };

function toJSON(t: Tree): string {
  if ('s' in t) return JSON.stringify(t.s);
  if ('a' in t) return `[${t.a.map(toJSON).join(',')}]`;
  if ('o' in t) return `{${t.o.map(([k, v]) => `${JSON.stringify(k)}:${toJSON(v)}`).join(',')}}`;
  // Nesting written directly: a Tree this deep would overflow toJSON's own recursion.
  const open = Array.from({ length: t.deep }, (_, i) => (i % 2 ? '[' : '{"d":')).join('');
  const close = Array.from({ length: t.deep }, (_, i) => (i % 2 ? ']' : '}')).reverse().join('');
  return open + toJSON(t.leaf) + close;
}

const names = fc.constantFrom(
  ...PROTOTYPE_NAMES,
  '__proto__',
  'prototype',
  'constructor',
  'metadata',
  'spec',
  'ports',
  'port',
  'name',
  'labels',
  'annotations',
  'finalizers',
  'type',
  'clusterIP',
  'clusterIPs',
  'nodePort',
  'selector',
  'generateName',
  'deletionTimestamp',
  'managedFields',
  'fieldsV1',
  '$patch',
  '$retainKeys',
  '$setElementOrder/ports',
  '$deleteFromPrimitiveList/finalizers',
);
const key = fc.oneof({ weight: 4, arbitrary: names }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) }, { weight: 1, arbitrary: fc.string({ maxLength: 4 }) });
const scalar = fc.oneof(
  fc.constantFrom<null | boolean | number | string>(null, true, false, 0, 80, 30080, -1, 1.5, 2 ** 53, '', 'NodePort', 'ClusterIP', 'LoadBalancer', 'None', '10.96.0.77', 'delete', 'replace', 'merge', '2020-01-01T00:00:00Z'),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: scalar.map((s) => ({ s })) },
    { weight: 3, arbitrary: fc.array(fc.tuple(key, tie('tree')), { maxLength: 4 }).map((o) => ({ o })) },
    { weight: 2, arbitrary: fc.array(tie('tree'), { maxLength: 3 }).map((a) => ({ a })) },
    {
      weight: 1,
      arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 50 }), scalar)
      .map(([deep, s]) => ({ deep, leaf: { s } })),
    },
  ),
}));
/** Around Go's limit of 10,000 levels (the document adds up to 4), in one entry of some documents. */
const veryDeep = fc.option(
  fc.tuple(key, fc.tuple(fc.constantFrom(400, 501, 2_000, 9_990, 9_995, 9_996, 9_997, 9_998, 10_001), scalar).map(([deep, s]): Tree => ({ deep, leaf: { s } }))),
  { freq: 6 },
);
const entries = fc.array(fc.tuple(key, tree), { maxLength: 4 });
const obj = (fixed: [string, string][], extra: [string, Tree][]) => `{${[...fixed.map(([k, v]) => `${JSON.stringify(k)}:${v}`), ...extra.map(([k, v]) => `${JSON.stringify(k)}:${toJSON(v)}`)].join(',')}}`;

/** A patch or body shaped like a Service, with hostile entries at each level. */
const serviceLike = (name?: string) =>
  fc.record({ top: entries, meta: entries, spec: entries, port: entries, deep: veryDeep }).map(({ top, meta, spec, port, deep }) =>
    obj(
      [
        ...(name ? ([['apiVersion', '"v1"'], ['kind', '"Service"']] as [string, string][]) : []),
        ['metadata', obj(name ? [['name', JSON.stringify(name)]] : [], deep ? [...meta, deep] : meta)],
        ['spec', obj([['ports', `[${obj([['port', '80']], port)}]`]], spec)],
      ],
      top,
    ),
  );

const pointer = fc.array(key.map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1')), { minLength: 1, maxLength: 4 }).map((parts) => '/' + parts.join('/'));
const jsonPatch = fc
  .array(
    fc.record({
      op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', '__proto__', 'constructor'),
      path: fc.oneof(pointer, pointer.map((p) => `/metadata${p}`), pointer.map((p) => `/spec${p}`), pointer.map((p) => `/metadata/__proto__${p}`), fc.constantFrom('/metadata/__proto__/deletionTimestamp', '/metadata/constructor/prototype/generateName'), fc.constantFrom('/metadata/__proto__', '/spec/ports/0/__proto__', '/spec/ports/-', '/metadata/labels/k', '/metadata/annotations', '/spec/type', '/spec/ports/0/port', '/spec/ports/0/nodePort', '/spec/clusterIP')),
      from: fc.option(fc.oneof(pointer, fc.constantFrom('/metadata/labels', '/spec/ports/0', '/metadata/__proto__'))),
      value: fc.option(fc.oneof(tree, veryDeep.map((d) => (d ? d[1] : { s: null })))),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((ops) => `[${ops.map((o) => obj([['op', JSON.stringify(o.op)], ['path', JSON.stringify(o.path)], ...(o.from === null ? [] : ([['from', JSON.stringify(o.from)]] as [string, string][]))], o.value ? [['value', o.value]] : [])).join(',')}]`);

describe('apiserver: property-based fuzzing of bodies and patches (fast-check)', function () {
  this.timeout(180_000);
  let server: Awaited<ReturnType<typeof startTestApiServer>>;
  const path = '/api/v1/namespaces/default/services';
  let n = 0;
  let target = '';
  const counts: Record<string, number> = {};
  const statuses: Record<string, number> = {};

  const expectNo5xx = (res: Answer, what: string) => {
    expect(res.status, `${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`).to.be.below(500);
  };

  /** The process is unchanged and still creates: run after every case. */
  const canary = async () => {
    const fresh = {} as Record<string, unknown>;
    for (const name of ['deletionTimestamp', 'generateName', 'x', 'd', 'metadata', 'spec']) expect(fresh[name], `inherited ${name}`).to.equal(undefined);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).to.deep.equal(PROTOTYPE_NAMES);
    const res = await call(server.url, 'POST', path, { metadata: { name: `canary-${n++}` }, spec: { ports: [{ port: 80 }] } });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  };

  /** A fresh Service to patch, sometimes a NodePort one so that patches can free or move ports. */
  const newTarget = async () => {
    target = `t-${n++}`;
    const spec = n % 2 ? { type: 'NodePort', ports: [{ port: 80 }] } : { ports: [{ port: 80 }] };
    const res = await call(server.url, 'POST', path, { metadata: { name: target, labels: { a: 'b' }, finalizers: ['x/y'] }, spec });
    expect(res.status).to.equal(201);
  };

  const run = async (name: keyof typeof FUZZ_RUNS, arb: fc.Arbitrary<string>, send: (doc: string, validation: string) => Promise<Answer>) => {
    counts[name] = 0;
    await fc.assert(
      fc.asyncProperty(arb, fc.constantFrom('', '?fieldValidation=Strict', '?fieldValidation=Ignore'), async (doc, validation) => {
        counts[name]!++;
        if (counts[name]! % 10 === 1) await newTarget();
        const res = await send(doc, validation);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (process.env.FUZZ_DEBUG && res.status >= 400) console.log(name, res.status, String((res.body as { message?: string }).message).slice(0, 90));
        expectNo5xx(res, name);
        await canary();
      }),
      { seed: SEED, numRuns: FUZZ_RUNS[name], endOnFailure: true },
    );
  };

  before(async () => {
    server = await startTestApiServer();
  });
  after(async () => {
    console.log(`      fuzz cases per property: ${JSON.stringify(counts)}; answers by status: ${JSON.stringify(statuses)}`);
    await server?.close();
  });

  // A leading comment makes a document YAML that is no JSON, so the YAML parser sees it too.
  const asYAML = (doc: string) => `# fuzz\n${doc}`;

  it('decoder: POST bodies, JSON and YAML', async () => {
    const body = fc.tuple(fc.integer(), fc.boolean()).chain(([i, yaml]) => serviceLike(`b-${Math.abs(i) % 1_000_000}-${n}`).map((doc) => (yaml ? asYAML(doc) : doc)));
    await run('decoder', body, (doc, v) => call(server.url, 'POST', `${path}${v}`, doc, doc.startsWith('#') ? 'application/yaml' : 'application/json'));
  });

  it('merge patches', async () => {
    await run('merge', serviceLike(), (doc, v) => call(server.url, 'PATCH', `${path}/${target}${v}`, doc, 'application/merge-patch+json'));
  });

  it('strategic merge patches', async () => {
    await run('strategic', serviceLike(), (doc, v) => call(server.url, 'PATCH', `${path}/${target}${v}`, doc, 'application/strategic-merge-patch+json'));
  });

  it('JSON patches', async () => {
    await run('json', jsonPatch, (doc, v) => call(server.url, 'PATCH', `${path}/${target}${v}`, doc, 'application/json-patch+json'));
  });

  it('server-side apply', async () => {
    await run('apply', fc.tuple(serviceLike('applied'), fc.boolean()).map(([doc, yaml]) => (yaml ? asYAML(doc) : doc)), (doc, v) =>
      call(server.url, 'PATCH', `${path}/${target}${v}${v ? '&' : '?'}fieldManager=fuzz`, doc.replace(/"name":"[^"]*"/, `"name":${JSON.stringify(target)}`), 'application/apply-patch+yaml'),
    );
  });

  it('afterwards etcd holds the Services, their allocation keys and nothing else', async () => {
    const client = await sharedClient();
    const all = await client.getAll().prefix(`${server.prefix}/`).strings();
    const services = new Map<string, { spec?: { clusterIPs?: string[]; ports?: { nodePort?: number }[] } }>();
    const ips = new Map<string, string>();
    const ports = new Map<string, string>();
    const parentOf = (raw: string) => {
      const ref = (JSON.parse(raw) as { spec?: { parentRef?: { namespace?: string; name?: string } } }).spec?.parentRef;
      return `${ref?.namespace}/${ref?.name}`;
    };
    for (const [k, raw] of Object.entries(all)) {
      const svc = parseKey(server.prefix, 'services', k);
      if (svc) {
        const obj = JSON.parse(raw) as { spec?: { clusterIPs?: string[] } };
        expect(unknownFields('Service', obj), k).to.deep.equal([]);
        services.set(`${svc.namespace}/${svc.name}`, obj);
        continue;
      }
      const ip = parseKey(server.prefix, 'ipaddresses', k);
      if (ip) {
        ips.set(ip.name, parentOf(raw));
        continue;
      }
      const port = parseKey(server.prefix, 'servicenodeports', k);
      if (port) {
        ports.set(port.name, parentOf(raw));
        continue;
      }
      // The default ServiceCIDR and the ServiceCIDR controller's election key are the apiserver's own.
      const known =
        (['endpoints', 'endpointslices', 'namespaces', 'servicecidrs'] as const).some((r) => k.startsWith(resourcePrefix(server.prefix, r))) ||
        k.startsWith(`${server.prefix}/election/service-cidr-controller/`);
      expect(known, `unexpected key ${k}`).to.equal(true);
    }
    const wantIPs = new Map<string, string>();
    const wantPorts = new Map<string, string>();
    for (const [ref, svc] of services) {
      for (const ip of svc.spec?.clusterIPs ?? []) if (ip !== 'None') wantIPs.set(ip, ref);
      for (const p of svc.spec?.ports ?? []) if (p.nodePort) wantPorts.set(String(p.nodePort), ref);
    }
    expect(Object.fromEntries(ips)).to.deep.equal(Object.fromEntries(wantIPs));
    expect(Object.fromEntries(ports)).to.deep.equal(Object.fromEntries(wantPorts));
    expect(services.size).to.be.greaterThan(Object.values(FUZZ_RUNS).reduce((a, b) => a + b, 0));
  });
});
