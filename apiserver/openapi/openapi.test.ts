import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { buildOpenAPIDocuments, openAPIDocuments } from './documents.js';
import { loadFieldDocs, parseDeclarations } from './field-docs.js';
import { COMPONENTS, CORE, DISCOVERY, INT_OR_STRING, META } from './schemas.js';
import { buildSwagger, swaggerDocument } from './swagger.js';
import { strictDecodingMessage, strictFieldErrors, unknownFieldPaths, unknownFields } from './strict-fields.js';

type Schema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> };
type V3Document = { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };

const words = (s: string) => s.split(/\s+/).filter(Boolean).join(' ');
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('OpenAPI v3', () => {
  describe('field docs from the kubernetes-models package', () => {
    it('parses declarations: comments, escapes, enums, required members', () => {
      const doc = parseDeclarations(
        [
          '/**',
          ' * Widget is a thing.',
          ' *',
          ' * Deprecated: gone soon.',
          ' * @deprecated',
          ' */',
          'export interface IWidget extends TypeMeta {',
          '    "kind": "Widget";',
          '    /**',
          '     * size in \\*units\\*.',
          '     */',
          '    "size"?: number;',
          '    /**',
          '     * the mode.',
          '     */',
          '    "mode": "A" | "B";',
          '    "tags"?: Array<"" | "x">;',
          '}',
        ].join('\n'),
      );
      expect(doc.description).to.equal('Widget is a thing.\n\nDeprecated: gone soon.');
      expect(doc.fields.get('size')).to.deep.equal({ description: 'size in *units*.' });
      expect(doc.fields.get('mode')).to.deep.equal({ description: 'the mode.', enum: ['A', 'B'] });
      expect(doc.fields.get('tags')).to.deep.equal({ enum: ['', 'x'] });
      expect(doc.fields.get('kind')).to.deep.equal({ enum: ['Widget'] });
    });

    it('ServiceSpec.clusterIP is upstream v1.33 text (word for word what kubectl explain prints)', () => {
      // SHA-256 of the whitespace-normalised text of `kubectl explain service.spec.clusterIP` on v1.33.
      const description = loadFieldDocs().field('ServiceSpec', 'clusterIP')?.description ?? '';
      expect(sha256(words(description))).to.equal('0519725ddd575a1193e6203b2aef273735130d7c151f4f7a55aafe367f371b10');
    });

    it('enum fields carry their values and the "Possible enum values" text', () => {
      const type = loadFieldDocs().field('ServiceSpec', 'type')!;
      expect(type.enum).to.deep.equal(['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']);
      expect(type.description).to.include('Possible enum values:');
      expect(loadFieldDocs().field('ServiceSpec', 'ipFamilies')!.enum).to.deep.equal(['', 'IPv4', 'IPv6']);
    });

    it('every schema property exists in the v1.33 type, and every field of the type is in the schema', () => {
      const docs = loadFieldDocs();
      for (const [name, def] of Object.entries(COMPONENTS)) {
        if (!def.props) continue;
        const fields = [...docs.type(def.doc)!.fields.keys()].sort();
        expect(Object.keys(def.props).sort(), name).to.deep.equal(fields);
      }
    });
  });

  describe('documents', () => {
    const built = openAPIDocuments();
    const core = JSON.parse(built.documents.get('api/v1')!.json) as { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> }; info: object; openapi: string };
    const disc = JSON.parse(built.documents.get('apis/discovery.k8s.io/v1')!.json) as typeof core;

    it('the index points at each group version with its content hash', () => {
      const index = JSON.parse(built.index) as { paths: Record<string, { serverRelativeURL: string }> };
      expect(Object.keys(index.paths)).to.deep.equal(['api/v1', 'apis/events.k8s.io/v1', 'apis/networking.k8s.io/v1', 'apis/discovery.k8s.io/v1']);
      for (const [gv, { serverRelativeURL }] of Object.entries(index.paths)) {
        const doc = built.documents.get(gv as 'api/v1')!;
        expect(doc.hash).to.match(/^[0-9A-F]{128}$/);
        expect(doc.hash).to.equal(createHash('sha512').update(doc.json).digest('hex').toUpperCase());
        expect(serverRelativeURL).to.equal(`/openapi/v3/${gv}?hash=${doc.hash}`);
      }
      expect(openAPIDocuments()).to.equal(built);
      expect(buildOpenAPIDocuments(loadFieldDocs()).index).to.equal(built.index);
    });

    it('PATCH operations carry the GVK, fieldValidation and the strategic-merge body', () => {
      expect(core.openapi).to.equal('3.0.0');
      expect(core.info).to.deep.equal({ title: 'Kubernetes', version: 'v1.33.1' });
      const patch = core.paths['/api/v1/namespaces/{namespace}/services/{name}']!.patch!;
      expect(patch['x-kubernetes-group-version-kind']).to.deep.equal({ group: '', kind: 'Service', version: 'v1' });
      expect((patch.parameters as { name: string }[]).map((p) => p.name)).to.include.members(['fieldValidation', 'fieldManager', 'dryRun', 'force']);
      expect(Object.keys((patch.requestBody as { content: object }).content)).to.include('application/strategic-merge-patch+json');
      expect(core.paths['/api/v1/namespaces/{namespace}']).to.equal(undefined);
      expect(core.paths['/api/v1/namespaces/{name}']!.patch!['x-kubernetes-group-version-kind']).to.deep.equal({ group: '', kind: 'Namespace', version: 'v1' });
      expect(core.paths['/api/v1/services']!.get!['x-kubernetes-group-version-kind']).to.deep.equal({ group: '', kind: 'Service', version: 'v1' });
      expect(disc.paths['/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices/{name}']!.patch!['x-kubernetes-group-version-kind']).to.deep.equal({
        group: 'discovery.k8s.io',
        kind: 'EndpointSlice',
        version: 'v1',
      });
    });

    it('schemas carry kinds, references, list types and patch keys', () => {
      const s = core.components.schemas;
      expect(s[`${CORE}.Service`]!['x-kubernetes-group-version-kind']).to.deep.equal([{ group: '', kind: 'Service', version: 'v1' }]);
      expect(s[`${CORE}.Service`]!.properties!.spec).to.deep.include({ allOf: [{ $ref: `#/components/schemas/${CORE}.ServiceSpec` }], default: {} });
      const ports = s[`${CORE}.ServiceSpec`]!.properties!.ports!;
      expect(ports).to.deep.include({
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port', 'protocol'],
        'x-kubernetes-patch-merge-key': 'port',
        'x-kubernetes-patch-strategy': 'merge',
      });
      expect(s[`${CORE}.ServiceSpec`]!.properties!.type).to.deep.include({ type: 'string', enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] });
      expect(s[`${CORE}.ServiceSpec`]!.properties!.clusterIPs).to.deep.include({ 'x-kubernetes-list-type': 'atomic', items: { default: '', type: 'string' } });
      expect(s[`${CORE}.ServiceSpec`]!.properties!.selector).to.deep.include({ 'x-kubernetes-map-type': 'atomic', type: 'object' });
      expect(s[`${CORE}.ServicePort`]!.required).to.deep.equal(['port']);
      expect(s[`${CORE}.ServicePort`]!.properties!.port).to.deep.include({ type: 'integer', format: 'int32' });
      expect(s[INT_OR_STRING]).to.deep.include({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
      expect(s[INT_OR_STRING]).to.not.have.property('type');
      expect(s[`${META}.ObjectMeta`]!.properties!.finalizers).to.deep.include({ 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' });
      expect(s[`${META}.ObjectMeta`]!.properties!.creationTimestamp).to.deep.include({ allOf: [{ $ref: `#/components/schemas/${META}.Time` }] });
      expect(s[`${CORE}.Service`]!.properties!.kind!.description).to.be.a('string').with.length.greaterThan(0);
      expect(s[`${CORE}.Service`]!.properties!.kind).to.not.have.property('enum');
      expect(disc.components.schemas[`${DISCOVERY}.EndpointSlice`]!.required).to.deep.equal(['addressType', 'endpoints']);
      expect(disc.components.schemas[`${DISCOVERY}.Endpoint`]!.properties!.addresses).to.deep.include({ 'x-kubernetes-list-type': 'set' });
    });

    it('every $ref resolves and every property of a served type has a description', () => {
      for (const doc of [core, disc]) {
        const text = JSON.stringify(doc);
        for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
          expect(doc.components.schemas, ref).to.have.property(ref!);
        }
        for (const [name, schema] of Object.entries(doc.components.schemas)) {
          for (const [prop, p] of Object.entries(schema.properties ?? {})) {
            expect(p.description, `${name}.${prop}`).to.be.a('string').with.length.greaterThan(0);
          }
        }
      }
    });
  });

  describe('OpenAPI v2 (Swagger 2.0) document', () => {
    const v2 = JSON.parse(swaggerDocument().json) as { swagger: string; info: object; paths: Record<string, Record<string, Schema>>; definitions: Record<string, Schema> };
    const v3 = openAPIDocuments();
    const v3Schemas = Object.assign({}, ...[...v3.documents.values()].map((d) => (JSON.parse(d.json) as V3Document).components.schemas)) as Record<string, Schema>;

    it('covers every served kind and path of the v3 documents, built from the same schemas', () => {
      expect(v2.swagger).to.equal('2.0');
      expect(v2.info).to.deep.equal({ title: 'Kubernetes', version: 'v1.33.1' });
      expect(Object.keys(v2.definitions)).to.deep.equal(Object.keys(v3Schemas).sort());
      const v3Paths = [...v3.documents.values()].flatMap((d) => Object.keys((JSON.parse(d.json) as V3Document).paths));
      expect(Object.keys(v2.paths)).to.deep.equal(v3Paths);
      for (const [name, schema] of Object.entries(v2.definitions)) {
        expect(schema.description, name).to.equal(v3Schemas[name]!.description);
        for (const [prop, p] of Object.entries(schema.properties ?? {})) expect(p.description, `${name}.${prop}`).to.equal(v3Schemas[name]!.properties![prop]!.description);
      }
      expect(swaggerDocument()).to.equal(swaggerDocument());
      expect(JSON.stringify(buildSwagger(loadFieldDocs()))).to.equal(swaggerDocument().json);
    });

    it('speaks Swagger 2.0 as upstream serves it: $ref with siblings, no defaults, IntOrString a string', () => {
      const d = v2.definitions;
      expect(d[`${CORE}.Service`]!.properties!.spec).to.deep.equal({ $ref: `#/definitions/${CORE}.ServiceSpec`, description: d[`${CORE}.Service`]!.properties!.spec!.description });
      expect(d[`${CORE}.ServiceSpec`]!.properties!.ports!.items).to.deep.equal({ $ref: `#/definitions/${CORE}.ServicePort` });
      expect(d[`${CORE}.ServiceSpec`]!.properties!.clusterIPs!.items).to.deep.equal({ type: 'string' });
      expect(d[`${CORE}.ServiceSpec`]!.properties!.ipFamilies!.items).to.deep.equal({ enum: ['', 'IPv4', 'IPv6'], type: 'string' });
      expect(d[`${CORE}.ServiceSpec`]!.properties!.selector).to.deep.include({ additionalProperties: { type: 'string' }, type: 'object', 'x-kubernetes-map-type': 'atomic' });
      expect(d[INT_OR_STRING]).to.deep.equal({ description: d[INT_OR_STRING]!.description, format: 'int-or-string', type: 'string' });
      expect(d[`${META}.Time`]).to.deep.include({ format: 'date-time', type: 'string' });
      const text = JSON.stringify(v2);
      expect(text).to.not.match(/"default":|"allOf":|"oneOf":|#\/components\//);
      for (const [, ref] of text.matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)) expect(v2.definitions, ref).to.have.property(ref!);
    });

    it('keeps kinds, list types, patch keys and enums', () => {
      const d = v2.definitions;
      expect(d[`${CORE}.Service`]!['x-kubernetes-group-version-kind']).to.deep.equal([{ group: '', kind: 'Service', version: 'v1' }]);
      expect(d[`${DISCOVERY}.EndpointSlice`]!['x-kubernetes-group-version-kind']).to.deep.equal([{ group: 'discovery.k8s.io', kind: 'EndpointSlice', version: 'v1' }]);
      expect(d[`${CORE}.ServiceSpec`]!.properties!.ports).to.deep.include({
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['port', 'protocol'],
        'x-kubernetes-patch-merge-key': 'port',
        'x-kubernetes-patch-strategy': 'merge',
      });
      expect(d[`${CORE}.ServiceSpec`]!.properties!.type).to.deep.include({ type: 'string', enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] });
      expect(d[`${CORE}.EndpointAddress`]!['x-kubernetes-map-type']).to.equal('atomic');
      expect(d[`${DISCOVERY}.EndpointSlice`]!.required).to.deep.equal(['addressType', 'endpoints']);
    });

    it('operations: a PATCH with the GVK, fieldValidation and the patch types; object and patch bodies', () => {
      const item = v2.paths['/api/v1/namespaces/{namespace}/services/{name}']!;
      expect(Object.keys(item)).to.deep.equal(['get', 'put', 'patch', 'parameters']);
      expect(item.parameters).to.deep.equal([
        { in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true },
        { in: 'path', name: 'namespace', required: true, type: 'string', uniqueItems: true },
      ]);
      const patch = item.patch!;
      expect(patch['x-kubernetes-group-version-kind']).to.deep.equal({ group: '', kind: 'Service', version: 'v1' });
      expect(patch['x-kubernetes-action']).to.equal('patch');
      expect(patch.consumes).to.include('application/strategic-merge-patch+json');
      expect(patch.parameters).to.deep.equal([
        { in: 'body', name: 'body', required: true, schema: { $ref: `#/definitions/${META}.Patch` } },
        { in: 'query', name: 'dryRun', type: 'string', uniqueItems: true },
        { in: 'query', name: 'fieldManager', type: 'string', uniqueItems: true },
        { in: 'query', name: 'fieldValidation', type: 'string', uniqueItems: true },
        { in: 'query', name: 'force', type: 'boolean', uniqueItems: true },
      ]);
      expect((item.put!.parameters as unknown[])[0]).to.deep.equal({ in: 'body', name: 'body', required: true, schema: { $ref: `#/definitions/${CORE}.Service` } });
      expect(item.put!.consumes).to.deep.equal(['*/*']);
      expect(v2.paths['/api/v1/namespaces']!.post!['x-kubernetes-group-version-kind']).to.deep.equal({ group: '', kind: 'Namespace', version: 'v1' });
      expect(v2.paths['/api/v1/namespaces']!.parameters).to.deep.equal([]);
      expect(v2.paths['/apis/discovery.k8s.io/v1/endpointslices']).to.deep.equal({
        get: {
          consumes: ['*/*'],
          parameters: [],
          produces: ['application/json', 'application/yaml'],
          responses: { '200': { description: 'OK', schema: { $ref: `#/definitions/${DISCOVERY}.EndpointSlice` } }, '401': { description: 'Unauthorized' } },
          'x-kubernetes-action': 'list',
          'x-kubernetes-group-version-kind': { group: 'discovery.k8s.io', kind: 'EndpointSlice', version: 'v1' },
        },
      });
    });
  });

  describe('strict field validation', () => {
    it('reports an unknown field with its path', () => {
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 80, bogus: 1 }] } });
      expect(strictFieldErrors('Service', body)).to.deep.equal(['unknown field "spec.ports[0].bogus"']);
      expect(strictDecodingMessage('Service', strictFieldErrors('Service', body))).to.equal(
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].bogus"',
      );
    });

    it('lists several unknown and duplicate fields in document order, once each', () => {
      const body =
        '{"kind":"Service","apiVersion":"v1","bogus":1,"metadata":{"name":"a","name":"b","labels":{"x":"1","x":"2"}},' +
        '"spec":{"type":"ClusterIP","ports":[{"port":1,"nope":{}},{"port":2,"nope":[1,{"deep":1}]}],"bogus":null,"bogus":2,"type":"NodePort"}}';
      expect(strictFieldErrors('Service', body)).to.deep.equal([
        'unknown field "bogus"',
        'duplicate field "metadata.name"',
        'duplicate field "metadata.labels.x"',
        'unknown field "spec.ports[0].nope"',
        'unknown field "spec.ports[1].nope"',
        'unknown field "spec.bogus"',
        'duplicate field "spec.type"',
      ]);
    });

    it('accepts every known field, opaque values and other kinds', () => {
      const svc = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'a', labels: { any: 'x' }, managedFields: [{ fieldsV1: { 'f:spec': {} } }], ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'n', uid: 'u' }] },
        spec: { ports: [{ port: 80, targetPort: 'http' }], sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } },
        status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', ports: [{ port: 80, protocol: 'TCP' }] }] }, conditions: [] },
      };
      expect(strictFieldErrors('Service', JSON.stringify(svc))).to.deep.equal([]);
      expect(unknownFields('Service', svc)).to.deep.equal([]);
      expect(strictFieldErrors('EndpointSlice', '{"addressType":"IPv4","endpoints":[{"addresses":[],"zone":"a","extra":1}]}')).to.deep.equal([
        'unknown field "endpoints[0].extra"',
      ]);
      expect(strictFieldErrors('Endpoints', '{"subsets":[{"addresses":[{"ip":"1.1.1.1","targetRef":{"kind":"Pod","x":1}}]}]}')).to.deep.equal([
        'unknown field "subsets[0].addresses[0].targetRef.x"',
      ]);
      expect(strictFieldErrors('Namespace', '{"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active","other":1}}')).to.deep.equal([
        'unknown field "status.other"',
      ]);
    });

    it('works on decoded objects too, and ignores unparsable JSON', () => {
      expect(unknownFields('Service', { spec: { ports: [{ bogus: 1 }], other: {} }, extra: 1 })).to.deep.equal([
        'unknown field "spec.ports[0].bogus"',
        'unknown field "spec.other"',
        'unknown field "extra"',
      ]);
      expect(strictFieldErrors('Service', '{"spec": {"bogus": ')).to.deep.equal(['unknown field "spec.bogus"']);
      expect(strictFieldErrors('Service', 'not json')).to.deep.equal([]);
    });

    it('prunes unknown fields as decoding into the Go types does, keeping maps and opaque values whole', () => {
      const obj = {
        metadata: { labels: { any: 'x' }, managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': {} }, bogus: 1 }] },
        spec: { ports: [{ port: 80, bogus: 1 }], selector: { free: 'form' }, other: {} },
        extra: 1,
      };
      expect(unknownFieldPaths('Service', obj)).to.deep.equal(['metadata.managedFields[0].bogus', 'spec.ports[0].bogus', 'spec.other', 'extra']);
      expect(unknownFields('Service', obj, { prune: true })).to.have.length(4);
      expect(obj).to.deep.equal({
        metadata: { labels: { any: 'x' }, managedFields: [{ manager: 'm', fieldsV1: { 'f:spec': {} } }] },
        spec: { ports: [{ port: 80 }], selector: { free: 'form' } },
      });
    });
  });
});
