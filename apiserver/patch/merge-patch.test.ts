import { expect } from 'chai';
import { PatchError, type JsonObject } from './json-value.js';
import { applyMergePatch } from './merge-patch.js';

describe('JSON merge patch (RFC 7386)', () => {
  const svc: JsonObject = {
    metadata: { name: 'web', labels: { app: 'web', tier: 'fe' } },
    spec: { ports: [{ port: 80 }, { port: 81 }], selector: { app: 'web' }, type: 'ClusterIP' },
  };

  it('kubectl label: merges into the labels map', () => {
    expect(applyMergePatch(svc, { metadata: { labels: { env: 'prod' } } })).to.deep.equal({
      metadata: { name: 'web', labels: { app: 'web', tier: 'fe', env: 'prod' } },
      spec: svc.spec,
    });
  });

  it('null deletes, and lists are replaced whole', () => {
    const out = applyMergePatch(svc, { metadata: { labels: { tier: null } }, spec: { ports: [{ port: 443 }] } }) as JsonObject;
    expect((out.metadata as JsonObject).labels).to.deep.equal({ app: 'web' });
    expect((out.spec as JsonObject).ports).to.deep.equal([{ port: 443 }]);
  });

  it('nulls inside added values are pruned, including in arrays', () => {
    const out = applyMergePatch(svc, { spec: { sessionAffinityConfig: { clientIP: { timeoutSeconds: null } }, externalIPs: ['1.2.3.4', null] } }) as JsonObject;
    expect((out.spec as JsonObject).sessionAffinityConfig).to.deep.equal({ clientIP: {} });
    expect((out.spec as JsonObject).externalIPs).to.deep.equal(['1.2.3.4']);
  });

  it('an object replaces a scalar and a scalar replaces an object', () => {
    const out = applyMergePatch(svc, { spec: { type: { x: 1 }, selector: 'a' } }) as JsonObject;
    expect((out.spec as JsonObject).type).to.deep.equal({ x: 1 });
    expect((out.spec as JsonObject).selector).to.equal('a');
  });

  it('an array patch replaces the document; null or a scalar is a 400', () => {
    expect(applyMergePatch(svc, [1, null])).to.deep.equal([1]);
    for (const bad of [null, 'x', 3]) {
      expect(() => applyMergePatch(svc, bad)).to.throw(PatchError, 'Invalid JSON Patch').with.property('code', 400);
    }
  });

  it('does not modify its inputs', () => {
    const before = JSON.stringify(svc);
    applyMergePatch(svc, { metadata: { labels: { app: null } } });
    expect(JSON.stringify(svc)).to.equal(before);
  });
});
