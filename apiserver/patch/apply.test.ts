import { expect } from 'chai';
import { appliedFields, serverSideApply, type ManagedFieldsEntry } from './apply.js';
import type { JsonObject } from './json-value.js';

const svc = (spec: JsonObject, metadata: JsonObject = {}): JsonObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', ...metadata }, spec });
const NOW = '2026-01-01T00:00:00Z';
const apply = (live: JsonObject | undefined, applied: JsonObject, manager = 'kubectl') => serverSideApply('Service', live, applied, manager, 'v1', NOW);
const entries = (obj: JsonObject) => (obj.metadata as JsonObject).managedFields as unknown as ManagedFieldsEntry[];

describe('server-side apply', () => {
  it('records what an apply sets as FieldsV1: list-map items by key (protocol defaulted), maps by key, atomic values whole', () => {
    const fields = appliedFields('Service', svc({ ports: [{ port: 80, targetPort: 8080 }, { port: 53, protocol: 'UDP' }], selector: { app: 'web' }, clusterIPs: ['10.0.0.1'] }, { labels: { a: '1' } }));
    expect(fields).to.deep.equal({
      'f:metadata': { 'f:labels': { '.': {}, 'f:a': {} } },
      'f:spec': {
        'f:ports': {
          'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} },
          'k:{"port":53,"protocol":"UDP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} },
        },
        'f:selector': {},
        'f:clusterIPs': {},
      },
    });
  });

  it('creates with one Apply entry for the manager', () => {
    const created = apply(undefined, svc({ ports: [{ port: 80 }] }));
    expect(created.spec).to.deep.equal({ ports: [{ port: 80 }] });
    expect(entries(created)).to.deep.equal([
      { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: NOW, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {} } } } } },
    ]);
  });

  it('removes what the manager applied before and no longer applies, keeping what others set', () => {
    const first = apply(undefined, svc({ ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'web' } }, { labels: { a: '1', b: '2' } }));
    // The server defaulted fields nobody applied; an update by someone else added a label.
    const live = structuredClone(first);
    (live.spec as JsonObject).type = 'ClusterIP';
    ((live.spec as JsonObject).ports as JsonObject[])[0]!.protocol = 'TCP';
    ((live.metadata as JsonObject).labels as JsonObject).other = 'x';
    const second = apply(live, svc({ ports: [{ port: 81 }] }, { labels: { a: '1' } }));
    expect(second.spec).to.deep.equal({ ports: [{ port: 81 }], type: 'ClusterIP' });
    expect((second.metadata as JsonObject).labels).to.deep.equal({ a: '1', other: 'x' });
    expect(entries(second)).to.have.length(1);
  });

  it('drops a sub-field of a kept list item, so defaulting can fill it again', () => {
    const first = apply(undefined, svc({ ports: [{ port: 80, targetPort: 8080, name: 'http' }] }));
    const second = apply(first, svc({ ports: [{ port: 80, name: 'http' }] }));
    expect((second.spec as JsonObject).ports).to.deep.equal([{ port: 80, name: 'http' }]);
  });

  it('does not remove what another applier still applies', () => {
    const a = apply(undefined, svc({ ports: [{ port: 80 }] }, { labels: { shared: 'y' } }), 'a');
    const b = apply(a, svc({ ports: [{ port: 80 }] }, { labels: { shared: 'y', mine: 'b' } }), 'b');
    const a2 = apply(b, svc({ ports: [{ port: 90 }] }), 'a');
    expect((a2.metadata as JsonObject).labels).to.deep.equal({ shared: 'y', mine: 'b' });
    expect((a2.spec as JsonObject).ports).to.deep.equal([{ port: 80 }, { port: 90 }]);
    expect(entries(a2).map((e) => e.manager)).to.deep.equal(['a', 'b']);
  });

  it('replaces atomic values and merges maps and list-map items', () => {
    const first = apply(undefined, svc({ selector: { app: 'web' }, externalIPs: ['1.1.1.1'], ports: [{ port: 80, name: 'a' }] }));
    const live = structuredClone(first);
    ((live.spec as JsonObject).ports as JsonObject[]).push({ port: 90, name: 'other' });
    const second = apply(live, svc({ selector: { tier: 'fe' }, externalIPs: ['2.2.2.2'], ports: [{ port: 80, name: 'a', targetPort: 8080 }] }));
    expect(second.spec).to.deep.equal({ selector: { tier: 'fe' }, externalIPs: ['2.2.2.2'], ports: [{ port: 80, name: 'a', targetPort: 8080 }, { port: 90, name: 'other' }] });
  });
});
