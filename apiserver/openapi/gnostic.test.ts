import { expect } from 'chai';
import { WIRE_BYTES, WIRE_VARINT, WireReader, WireWriter } from '../protobuf/wire.js';
import { encodeSwagger } from './gnostic.js';
import { CORE } from './schemas.js';
import { swaggerDocument } from './swagger.js';

/** Hex with spaces, newlines and `// comments` allowed. */
const hex = (text: string) => Buffer.from(text.replace(/\/\/.*$/gm, '').replace(/\s+/g, ''), 'hex');
const bytes = (u: Uint8Array) => Buffer.from(u);

/**
 * A message decoded without knowing its type: the values of each field number, in order. Field
 * numbers in the tests below are read off gnostic's OpenAPIv2.proto, not off the encoder.
 */
class Fields {
  private readonly values = new Map<number, (bigint | Uint8Array)[]>();

  constructor(buf: Uint8Array) {
    const r = new WireReader(buf);
    while (!r.done) {
      const { field, wire } = r.key();
      if (wire !== WIRE_VARINT && wire !== WIRE_BYTES) throw new Error(`unexpected wire type ${wire}`);
      const list = this.values.get(field) ?? [];
      list.push(wire === WIRE_VARINT ? r.varint() : r.bytes());
      this.values.set(field, list);
    }
  }

  numbers(): number[] {
    return [...this.values.keys()];
  }

  private raw(no: number): Uint8Array[] {
    return (this.values.get(no) ?? []).map((v) => {
      if (typeof v === 'bigint') throw new Error(`field ${no} is a varint`);
      return v;
    });
  }

  strings(no: number): string[] {
    return this.raw(no).map((b) => Buffer.from(b).toString('utf8'));
  }

  string(no: number): string | undefined {
    return this.strings(no)[0];
  }

  varint(no: number): bigint | undefined {
    const v = this.values.get(no)?.[0];
    if (v !== undefined && typeof v !== 'bigint') throw new Error(`field ${no} is length-delimited`);
    return v;
  }

  messages(no: number): Fields[] {
    return this.raw(no).map((b) => new Fields(b));
  }

  message(no: number): Fields {
    const [m] = this.messages(no);
    if (!m) throw new Error(`no field ${no}`);
    return m;
  }

  /** repeated Named* { string name = 1; value = 2; } as a map. */
  named(no: number): Map<string, Fields> {
    return new Map(this.messages(no).map((n) => [n.string(1)!, n.message(2)]));
  }

  /** repeated NamedAny vendor_extension, each Any's yaml parsed (the encoder writes JSON, which is YAML). */
  extensions(no: number): Record<string, unknown> {
    return Object.fromEntries(this.messages(no).map((n) => [n.string(1)!, JSON.parse(n.message(2).string(2)!)]));
  }
}

describe('OpenAPI v2 in protobuf (gnostic)', () => {
  describe('wire writer', () => {
    it('writes varints, keys, strings, bools and embedded messages', () => {
      const w = new WireWriter();
      w.varint(300);
      w.string(2, 'hi');
      w.bool(3, true);
      w.message(4, (m) => m.varint(2 ** 40));
      w.string(5, 'é');
      expect(bytes(w.finish())).to.deep.equal(hex('ac 02  12 02 68 69  18 01  22 06 80 80 80 80 80 20  2a 02 c3 a9'));
    });

    it('grows past its first buffer, and the reader reads back what it wrote', () => {
      const w = new WireWriter();
      const long = 'x'.repeat(5000);
      w.string(1, long);
      w.varint(2 ** 53 - 1);
      const r = new WireReader(w.finish());
      expect(r.key()).to.deep.equal({ field: 1, wire: WIRE_BYTES });
      expect(r.string()).to.equal(long);
      expect(r.varint()).to.equal(2n ** 53n - 1n);
      expect(r.done).to.equal(true);
    });
  });

  describe('encoding', () => {
    it('Document.swagger (1) and Document.info (2) with Info.title (1) and Info.version (2)', () => {
      expect(bytes(encodeSwagger({ swagger: '2.0', info: { title: 'K', version: 'v1' } }))).to.deep.equal(
        hex(`
          0a 03 32 2e 30        // swagger "2.0"
          12 07                 // info, 7 bytes
            0a 01 4b            //   title "K"
            12 02 76 31         //   version "v1"
        `),
      );
    });

    it('a definition: enum values and extensions as Any YAML, type as TypeItem, in field-number order', () => {
      const doc = { definitions: { A: { 'x-k': 'v', type: 'string', enum: ['x'] } } };
      expect(bytes(encodeSwagger(doc))).to.deep.equal(
        hex(`
          4a 29                                    // Document.definitions (9), 41 bytes
            0a 27                                  //   Definitions.additional_properties (1): NamedSchema
              0a 01 41                             //     name "A"
              12 22                                //     value: Schema, 34 bytes
                a2 01 05 12 03 22 78 22            //       enum (20): Any { yaml (2): "\\"x\\"" }
                b2 01 08 0a 06 73 74 72 69 6e 67   //       type (22): TypeItem { value (1): "string" }
                fa 01 0c                           //       vendor_extension (31): NamedAny
                  0a 03 78 2d 6b                   //         name "x-k"
                  12 05 12 03 22 76 22             //         value: Any { yaml: "\\"v\\"" }
        `),
      );
    });

    it('omits empty strings and false, writes empty properties and a false additionalProperties', () => {
      const schema = (s: Record<string, unknown>) => new Fields(encodeSwagger({ definitions: { A: s } })).message(9).named(1).get('A')!;
      expect(schema({ description: '', properties: {} }).numbers()).to.deep.equal([25]);
      expect(schema({ required: ['', 'a'] }).strings(19)).to.deep.equal(['', 'a']);
      expect(bytes(encodeSwagger({ definitions: { A: { properties: {} } } })).subarray(-3)).to.deep.equal(hex('ca 01 00'));
      const additional = schema({ additionalProperties: false }).message(21);
      expect(additional.varint(2)).to.equal(0n);
      expect(schema({ additionalProperties: { type: 'string' } }).message(21).message(1).message(22).strings(1)).to.deep.equal(['string']);
      const path = new Fields(encodeSwagger({ paths: { '/p': { get: { parameters: [{ in: 'query', name: 'q', type: 'string', uniqueItems: false }] } } } }));
      const query = path.message(8).named(2).get('/p')!.message(2).message(8).message(1).message(2).message(3);
      expect(query.numbers()).to.deep.equal([2, 4, 6]);
    });

    it('operations: consumes, body and query parameters, responses, the GVK extension; path parameters', () => {
      const doc = {
        paths: {
          '/p/{name}': {
            patch: {
              consumes: ['application/strategic-merge-patch+json'],
              parameters: [
                { in: 'body', name: 'body', required: true, schema: { $ref: '#/definitions/P' } },
                { in: 'query', name: 'fieldValidation', type: 'string', uniqueItems: true },
              ],
              produces: ['application/json'],
              responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/K' } } },
              'x-kubernetes-group-version-kind': { group: '', kind: 'K', version: 'v1' },
            },
            parameters: [{ in: 'path', name: 'name', required: true, type: 'string', uniqueItems: true }],
          },
        },
      };
      const item = new Fields(encodeSwagger(doc)).message(8).named(2).get('/p/{name}')!;
      expect(item.numbers()).to.deep.equal([8, 9]);
      const patch = item.message(8);
      expect(patch.numbers()).to.deep.equal([6, 7, 8, 9, 13]);
      expect(patch.strings(7)).to.deep.equal(['application/strategic-merge-patch+json']);
      expect(patch.strings(6)).to.deep.equal(['application/json']);
      // ParametersItem.parameter (1) -> Parameter.body_parameter (1) | non_body_parameter (2) -> query (3) | path (4)
      const [body, query] = patch.messages(8).map((p) => p.message(1));
      const bodyParam = body!.message(1);
      expect([bodyParam.string(2), bodyParam.string(3), bodyParam.varint(4), bodyParam.message(5).string(1)]).to.deep.equal(['body', 'body', 1n, '#/definitions/P']);
      const queryParam = query!.message(2).message(3);
      expect([queryParam.string(2), queryParam.string(4), queryParam.string(6), queryParam.varint(20)]).to.deep.equal(['query', 'fieldValidation', 'string', 1n]);
      const pathParam = item.message(9).message(1).message(2).message(4);
      expect([pathParam.varint(1), pathParam.string(2), pathParam.string(4), pathParam.string(5), pathParam.varint(19)]).to.deep.equal([1n, 'path', 'name', 'string', 1n]);
      // Responses.response_code (1): NamedResponseValue -> ResponseValue.response (1) -> Response { description 1, schema 2: SchemaItem.schema 1 }
      const ok = patch.message(9).named(1).get('200')!.message(1);
      expect([ok.string(1), ok.message(2).message(1).string(1)]).to.deep.equal(['OK', '#/definitions/K']);
      expect(patch.extensions(13)).to.deep.equal({ 'x-kubernetes-group-version-kind': { group: '', kind: 'K', version: 'v1' } });
    });

    it('refuses what it has no field for, rather than dropping it', () => {
      expect(() => encodeSwagger({ definitions: { A: { default: {} } } })).to.throw('$.definitions.A: gnostic Schema has no field for "default"');
      expect(() => encodeSwagger({ paths: { '/p': { get: { parameters: [{ in: 'header', name: 'h' }] } } } })).to.throw('no parameter encoding for "in": "header"');
      expect(() => encodeSwagger({ swagger: 2 })).to.throw('$.swagger: want a string');
    });
  });

  describe('the served document', () => {
    const served = swaggerDocument();
    const json = JSON.parse(served.json) as { definitions: Record<string, unknown>; paths: Record<string, unknown> };
    const doc = new Fields(served.proto);

    it('is the JSON document: version, every definition and every path, in order', () => {
      expect(doc.string(1)).to.equal('2.0');
      expect([doc.message(2).string(1), doc.message(2).string(2)]).to.deep.equal(['Kubernetes', 'v1.33.1']);
      expect([...doc.message(9).named(1).keys()]).to.deep.equal(Object.keys(json.definitions));
      expect([...doc.message(8).named(2).keys()]).to.deep.equal(Object.keys(json.paths));
      expect(served.etag).to.match(/^[0-9A-F]{128}$/);
    });

    it('Service: its description, kind, and the ports list with its merge key', () => {
      const defs = doc.message(9).named(1);
      const service = defs.get(`${CORE}.Service`)!;
      expect(service.string(4)).to.match(/^Service is a named abstraction of software service/);
      expect(service.extensions(31)).to.deep.equal({ 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Service', version: 'v1' }] });
      const props = defs.get(`${CORE}.ServiceSpec`)!.message(25).named(1);
      const ports = props.get('ports')!;
      expect(ports.message(22).strings(1)).to.deep.equal(['array']);
      expect(ports.message(23).message(1).string(1)).to.equal(`#/definitions/${CORE}.ServicePort`);
      expect(ports.extensions(31)).to.deep.equal({
        'x-kubernetes-list-map-keys': ['port', 'protocol'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'port',
        'x-kubernetes-patch-strategy': 'merge',
      });
      expect(props.get('type')!.messages(20).map((a) => JSON.parse(a.string(2)!))).to.deep.equal(['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']);
      expect(props.get('clusterIP')!.string(4)).to.match(/^clusterIP is the IP address of the service/);
    });

    it('every PATCH operation names its kind and takes fieldValidation, and consumes strategic merge patches', () => {
      const kinds: string[] = [];
      for (const [path, item] of doc.message(8).named(2)) {
        if (!item.numbers().includes(8)) continue;
        const patch = item.message(8);
        const gvk = patch.extensions(13)['x-kubernetes-group-version-kind'] as { kind: string };
        kinds.push(gvk.kind);
        const query = patch.messages(8).map((p) => p.message(1)).filter((p) => p.numbers().includes(2)).map((p) => p.message(2).message(3).string(4));
        expect(query, path).to.include('fieldValidation');
        expect(patch.strings(7), path).to.include('application/strategic-merge-patch+json');
      }
      expect(kinds.sort()).to.deep.equal(['EndpointSlice', 'Endpoints', 'Event', 'Event', 'IPAddress', 'Namespace', 'Service', 'ServiceCIDR']);
    });
  });
});
