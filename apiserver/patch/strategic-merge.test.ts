import { expect } from 'chai';
import { PatchError, type JsonObject, type JsonValue } from './json-value.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { ENDPOINT_SLICE_PATCH_SCHEMA, ENDPOINTS_PATCH_SCHEMA, NAMESPACE_PATCH_SCHEMA, SERVICE_PATCH_SCHEMA } from './strategic-schema.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function liveService(): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'web',
      namespace: 'default',
      labels: { app: 'web', tier: 'fe' },
      annotations: { [LAST_APPLIED]: '{}' },
      finalizers: ['a.example.com/f', 'b.example.com/f'],
    },
    spec: {
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
        { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100 },
      ],
      selector: { app: 'web' },
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      externalIPs: ['192.0.2.1', '192.0.2.2'],
      type: 'ClusterIP',
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
}

const smp = (patch: JsonValue, original: JsonObject = liveService()) => applyStrategicMergePatch(original, patch, SERVICE_PATCH_SCHEMA);
const spec = (o: JsonObject) => o.spec as JsonObject;

function expectPatchError(fn: () => unknown, code: number, message: string | RegExp) {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(PatchError);
    expect((e as PatchError).code).to.equal(code);
    if (typeof message === 'string') expect((e as PatchError).message).to.equal(message);
    else expect((e as PatchError).message).to.match(message);
    return;
  }
  expect.fail('expected a PatchError');
}

describe('strategic merge patch', () => {
  describe('Service ports (merge key "port")', () => {
    it('applies the patch kubectl apply sends for a changed file', () => {
      const out = smp({
        metadata: { annotations: { [LAST_APPLIED]: '{"new":1}' }, labels: { tier: 'be' } },
        spec: {
          '$setElementOrder/ports': [{ port: 80 }, { port: 9100 }, { port: 9200 }],
          ports: [{ port: 80, targetPort: 9090 }, { name: 'extra', port: 9200 }],
          selector: { tier: 'fe' },
        },
      });
      expect(spec(out).ports).to.deep.equal([
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 9090 },
        { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100 },
        { name: 'extra', port: 9200 },
      ]);
      expect(spec(out).selector).to.deep.equal({ app: 'web', tier: 'fe' });
      expect((out.metadata as JsonObject).labels).to.deep.equal({ app: 'web', tier: 'be' });
      expect((out.metadata as JsonObject).annotations).to.deep.equal({ [LAST_APPLIED]: '{"new":1}' });
    });

    it('removes a port with $patch: delete and drops a label with null', () => {
      const out = smp({
        metadata: { labels: { tier: null } },
        spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ port: 80, targetPort: 8081 }, { $patch: 'delete', port: 9100 }] },
      });
      expect(spec(out).ports).to.deep.equal([{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8081 }]);
      expect((out.metadata as JsonObject).labels).to.deep.equal({ app: 'web' });
    });

    it('reorders with $setElementOrder alone', () => {
      const out = smp({ spec: { '$setElementOrder/ports': [{ port: 9100 }, { port: 80 }] } });
      expect((spec(out).ports as JsonObject[]).map((p) => p.port)).to.deep.equal([9100, 80]);
    });

    it('appends new ports after the server-only ones, keeping both orders', () => {
      const original = liveService();
      (spec(original).ports as JsonValue[]).push({ name: 'c', port: 82, protocol: 'TCP' });
      const out = smp({ spec: { ports: [{ port: 82, targetPort: 8082 }, { port: 79 }] } }, original);
      expect((spec(out).ports as JsonObject[]).map((p) => p.port)).to.deep.equal([80, 9100, 82, 79]);
      expect((spec(out).ports as JsonObject[])[2]).to.deep.equal({ name: 'c', port: 82, protocol: 'TCP', targetPort: 8082 });
    });

    it('edit: a changed targetPort with $setElementOrder', () => {
      const out = smp({ spec: { '$setElementOrder/ports': [{ port: 80 }, { port: 9100 }], ports: [{ port: 80, targetPort: 8181 }] } });
      expect(spec(out).ports).to.deep.equal([
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 8181 },
        { name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100 },
      ]);
    });

    it('$patch: replace inside the list keeps only the patch items', () => {
      const out = smp({ spec: { ports: [{ $patch: 'replace' }, { port: 443, protocol: 'TCP' }] } });
      expect(spec(out).ports).to.deep.equal([{ port: 443, protocol: 'TCP' }]);
    });

    it('a port without the merge key is a 400 with upstream text', () => {
      expectPatchError(() => smp({ spec: { ports: [{ name: 'x' }] } }), 400, 'map: map[name:x] does not contain declared merge key: port');
    });

    it('$patch: merge in a list is refused as upstream does', () => {
      expectPatchError(() => smp({ spec: { ports: [{ $patch: 'merge', port: 80 }] } }), 400, 'merging lists cannot yet be specified in the patch');
    });

    it('an order list that contradicts the patch list', () => {
      expectPatchError(
        () => smp({ spec: { '$setElementOrder/ports': [{ port: 80 }], ports: [{ port: 9100 }, { port: 80 }] } }),
        400,
        /^The order in patch list:\n\[map\[port:9100\] map\[port:80\]\]\n doesn't match \$setElementOrder list:\n\[map\[port:80\]\]\n$/,
      );
    });
  });

  describe('maps', () => {
    it('null deletes labels and annotations; new keys are added', () => {
      const out = smp({ metadata: { labels: { app: null, env: 'prod' }, annotations: { [LAST_APPLIED]: null, note: 'x' } } });
      expect((out.metadata as JsonObject).labels).to.deep.equal({ tier: 'fe', env: 'prod' });
      expect((out.metadata as JsonObject).annotations).to.deep.equal({ note: 'x' });
    });

    it('null for a missing key is ignored, and nulls inside new values are dropped', () => {
      const out = smp({ spec: { nothing: null, sessionAffinityConfig: { clientIP: { timeoutSeconds: 30, x: null } } } });
      expect(spec(out)).to.not.have.property('nothing');
      expect(spec(out).sessionAffinityConfig).to.deep.equal({ clientIP: { timeoutSeconds: 30 } });
    });

    it('$patch: replace on a map', () => {
      const out = smp({ spec: { selector: { $patch: 'replace', run: 'x' } } });
      expect(spec(out).selector).to.deep.equal({ run: 'x' });
    });

    it('$patch: delete on a map', () => {
      const out = smp({ metadata: { labels: { $patch: 'delete' } } });
      expect((out.metadata as JsonObject).labels).to.deep.equal({});
    });

    it('an unknown $patch value', () => {
      expectPatchError(() => smp({ spec: { selector: { $patch: 'frobnicate' } } }), 400, 'unknown patch type: frobnicate in map: map[$patch:frobnicate]');
    });

    it('$retainKeys clears unlisted keys', () => {
      const out = smp({ spec: { $retainKeys: ['type', 'ports', 'selector'], type: 'NodePort' } });
      expect(Object.keys(spec(out)).sort()).to.deep.equal(['ports', 'selector', 'type']);
      expect(spec(out).type).to.equal('NodePort');
    });

    it('$retainKeys must list every key the patch sets', () => {
      expectPatchError(() => smp({ spec: { $retainKeys: ['type'], clusterIP: '' } }), 400, 'invalid patch format of retainKeys');
      expectPatchError(() => smp({ spec: { $retainKeys: 'type' } }), 400, 'invalid patch format of retainKeys');
    });

    it('a scalar replaces a map and vice versa', () => {
      const out = smp({ spec: { selector: 'x', type: { a: 1 } } });
      expect(spec(out).selector).to.equal('x');
      expect(spec(out).type).to.deep.equal({ a: 1 });
    });
  });

  describe('atomic lists are replaced whole', () => {
    it('Service clusterIPs and externalIPs', () => {
      const out = smp({ spec: { clusterIPs: ['10.96.0.11'], externalIPs: ['192.0.2.9'] } });
      expect(spec(out).clusterIPs).to.deep.equal(['10.96.0.11']);
      expect(spec(out).externalIPs).to.deep.equal(['192.0.2.9']);
    });

    it('Endpoints subsets', () => {
      const ep: JsonObject = {
        metadata: { name: 'web' },
        subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }],
      };
      const out = applyStrategicMergePatch(ep, { subsets: [{ addresses: [{ ip: '10.0.0.3' }], ports: [{ port: 81 }] }] }, ENDPOINTS_PATCH_SCHEMA);
      expect(out.subsets).to.deep.equal([{ addresses: [{ ip: '10.0.0.3' }], ports: [{ port: 81 }] }]);
    });

    it('EndpointSlice endpoints and ports', () => {
      const slice: JsonObject = {
        metadata: { name: 'web-1' },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }],
        ports: [{ port: 80 }],
      };
      const out = applyStrategicMergePatch(slice, { endpoints: [{ addresses: ['10.0.0.9'] }] }, ENDPOINT_SLICE_PATCH_SCHEMA);
      expect(out.endpoints).to.deep.equal([{ addresses: ['10.0.0.9'] }]);
      expect(out.ports).to.deep.equal([{ port: 80 }]);
    });

    it('Namespace spec.finalizers (no strategy)', () => {
      const ns: JsonObject = { metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] } };
      const out = applyStrategicMergePatch(ns, { spec: { finalizers: ['other'] } }, NAMESPACE_PATCH_SCHEMA);
      expect(out.spec).to.deep.equal({ finalizers: ['other'] });
    });
  });

  describe('metadata lists', () => {
    it('finalizers merge as a set: patch items in patch order, live-only items placed by live order', () => {
      // live [a, b] + patch [c, a]: c is unknown to the live order so it leads; b follows a as it did live.
      const out = smp({ metadata: { finalizers: ['c.example.com/f', 'a.example.com/f'] } });
      expect((out.metadata as JsonObject).finalizers).to.deep.equal(['c.example.com/f', 'a.example.com/f', 'b.example.com/f']);
    });

    it('$deleteFromPrimitiveList/finalizers removes items', () => {
      const out = smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example.com/f', 'zzz'] } });
      expect((out.metadata as JsonObject).finalizers).to.deep.equal(['b.example.com/f']);
    });

    it('$setElementOrder/finalizers orders a primitive list', () => {
      const out = smp({ metadata: { '$setElementOrder/finalizers': ['b.example.com/f', 'a.example.com/f'] } });
      expect((out.metadata as JsonObject).finalizers).to.deep.equal(['b.example.com/f', 'a.example.com/f']);
    });

    it('ownerReferences merge by uid', () => {
      const original = liveService();
      (original.metadata as JsonObject).ownerReferences = [{ apiVersion: 'v1', kind: 'X', name: 'a', uid: 'u1' }];
      const out = smp({ metadata: { ownerReferences: [{ uid: 'u1', name: 'renamed' }, { apiVersion: 'v1', kind: 'Y', name: 'b', uid: 'u2' }] } }, original);
      expect((out.metadata as JsonObject).ownerReferences).to.deep.equal([
        { apiVersion: 'v1', kind: 'X', name: 'renamed', uid: 'u1' },
        { apiVersion: 'v1', kind: 'Y', name: 'b', uid: 'u2' },
      ]);
    });

    it('malformed directive keys are 400s', () => {
      expectPatchError(() => smp({ metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } }), 400, 'invalid patch format of primitive list');
      expectPatchError(() => smp({ spec: { $setElementOrderports: [] } }), 400, 'invalid patch format of setElementOrder list');
    });
  });

  describe('whole-document cases', () => {
    it('does not modify its inputs', () => {
      const original = liveService();
      const patch: JsonObject = { spec: { ports: [{ $patch: 'delete', port: 80 }] }, metadata: { labels: { app: null } } };
      const before = JSON.stringify([original, patch]);
      smp(patch, original);
      expect(JSON.stringify([original, patch])).to.equal(before);
    });

    it('an empty patch changes nothing', () => {
      expect(smp({})).to.deep.equal(liveService());
    });

    it('a list of lists is a 422', () => {
      const original = liveService();
      (original.metadata as JsonObject).finalizers = [['x']];
      expectPatchError(() => smp({ metadata: { finalizers: [['y']] } }, original), 422, 'lists of lists are not supported');
    });

    it('a patch that is not a JSON object is a 400', () => {
      expectPatchError(() => smp([{ op: 'add' }]), 400, 'json: cannot unmarshal array into Go value of type map[string]interface {}');
      expectPatchError(() => smp('x'), 400, /cannot unmarshal string/);
    });
  });
});
