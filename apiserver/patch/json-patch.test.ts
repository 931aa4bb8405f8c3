import { expect } from 'chai';
import { applyJSONPatch } from './json-patch.js';
import { PatchError, type JsonObject, type JsonValue } from './json-value.js';

describe('JSON patch (RFC 6902)', () => {
  const svc = (): JsonObject => ({
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { ports: [{ port: 80 }, { port: 81 }], type: 'ClusterIP', 'a/b': 1, 'c~d': 2 },
  });

  const ok: [string, JsonValue, (o: JsonObject) => unknown, unknown][] = [
    ['add a map key', [{ op: 'add', path: '/metadata/labels/env', value: 'prod' }], (o) => (o.metadata as JsonObject).labels, { app: 'web', env: 'prod' }],
    ['add at an index', [{ op: 'add', path: '/spec/ports/0', value: { port: 79 } }], (o) => (o.spec as JsonObject).ports, [{ port: 79 }, { port: 80 }, { port: 81 }]],
    ['add with "-" appends', [{ op: 'add', path: '/spec/ports/-', value: { port: 82 } }], (o) => ((o.spec as JsonObject).ports as JsonValue[]).length, 3],
    ['remove', [{ op: 'remove', path: '/spec/ports/0' }], (o) => (o.spec as JsonObject).ports, [{ port: 81 }]],
    ['replace', [{ op: 'replace', path: '/spec/type', value: 'NodePort' }], (o) => (o.spec as JsonObject).type, 'NodePort'],
    ['move', [{ op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/name' }], (o) => (o.metadata as JsonObject).labels, { name: 'web' }],
    ['copy', [{ op: 'copy', from: '/spec/ports/1', path: '/spec/ports/-' }], (o) => (o.spec as JsonObject).ports, [{ port: 80 }, { port: 81 }, { port: 81 }]],
    ['test then replace', [{ op: 'test', path: '/spec/type', value: 'ClusterIP' }, { op: 'replace', path: '/spec/type', value: 'LoadBalancer' }], (o) => (o.spec as JsonObject).type, 'LoadBalancer'],
    ['test a missing path against null', [{ op: 'test', path: '/spec/nothing', value: null }], (o) => (o.spec as JsonObject).type, 'ClusterIP'],
    ['escaped path segments', [{ op: 'replace', path: '/spec/a~1b', value: 3 }, { op: 'remove', path: '/spec/c~0d' }], (o) => [(o.spec as JsonObject)['a/b'], 'c~d' in (o.spec as JsonObject)], [3, false]],
  ];
  for (const [name, patch, pick, want] of ok) {
    it(name, () => {
      expect(pick(applyJSONPatch(svc(), patch) as JsonObject)).to.deep.equal(want);
    });
  }

  const bad: [string, JsonValue, number, string][] = [
    ['a failed test', [{ op: 'test', path: '/spec/type', value: 'NodePort' }], 422, 'testing value /spec/type failed: test failed'],
    ['remove a missing key', [{ op: 'remove', path: '/spec/nothing' }], 422, "error in remove for path: '/spec/nothing': Unable to remove nonexistent key: nothing: missing value"],
    ['replace a missing key', [{ op: 'replace', path: '/spec/nothing', value: 1 }], 422, 'replace operation does not apply: doc is missing key: /spec/nothing: missing value'],
    ['a missing parent', [{ op: 'add', path: '/nope/x', value: 1 }], 422, 'add operation does not apply: doc is missing path: "/nope/x": missing value'],
    ['an index past the end', [{ op: 'add', path: '/spec/ports/5', value: 1 }], 422, "error in add for path: '/spec/ports/5': Unable to access invalid index: 5: invalid index referenced"],
    ['an unknown op', [{ op: 'frob', path: '/x' }], 422, 'Unexpected kind: frob'],
    ['no path', [{ op: 'add', value: 1 }], 422, 'add operation failed to decode path: operation missing path field: missing value'],
    ['a patch that is an object', { op: 'add' }, 400, 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'],
    ['an operation that is not an object', ['add'], 400, 'json: cannot unmarshal string into Go value of type jsonpatch.Operation'],
  ];
  for (const [name, patch, code, message] of bad) {
    it(`rejects ${name}`, () => {
      expect(() => applyJSONPatch(svc(), patch)).to.throw(PatchError, message).with.property('code', code);
    });
  }

  it('applies nothing when a later operation fails', () => {
    const original = svc();
    expect(() => applyJSONPatch(original, [{ op: 'replace', path: '/spec/type', value: 'X' }, { op: 'test', path: '/spec/type', value: 'Y' }])).to.throw(PatchError);
    expect((original.spec as JsonObject).type).to.equal('ClusterIP');
  });
});
