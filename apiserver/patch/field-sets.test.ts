import { expect } from 'chai';
import { difference, intersection, membersOf, pathString, toFieldSet } from './field-sets.js';
import { recordUpdate, serverSideApply, managerFromUserAgent } from './apply.js';
import type { JsonObject } from './json-value.js';
import { StatusError } from '../errors/status.js';

const PORT = 'k:{"port":80,"protocol":"TCP"}';

describe('field sets (structured-merge-diff fieldpath.Set over FieldsV1)', () => {
  it('members and back: leaves and "." are members, members with children get "."', () => {
    const set = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:ports': { [PORT]: { '.': {}, 'f:port': {} } }, 'f:selector': {} } };
    const members = membersOf(set);
    expect(members.size).to.equal(5);
    expect(toFieldSet(members)).to.deep.equal(set);
    const other = membersOf({ 'f:spec': { 'f:selector': {} } });
    expect(toFieldSet(intersection(members, other))).to.deep.equal({ 'f:spec': { 'f:selector': {} } });
    expect(toFieldSet(difference(members, other))).to.deep.equal({ 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:ports': { [PORT]: { '.': {}, 'f:port': {} } } } });
  });

  it('prints paths as fieldpath.Path.String()', () => {
    const [path] = membersOf({ 'f:spec': { 'f:ports': { [PORT]: { 'f:targetPort': {} } } } });
    expect(pathString(path!)).to.equal('.spec.ports[port=80,protocol="TCP"].targetPort');
    const [value] = membersOf({ 'f:spec': { 'f:externalIPs': { 'v:"1.2.3.4"': {} } } });
    expect(pathString(value!)).to.equal('.spec.externalIPs[="1.2.3.4"]');
  });

  it('a FieldsV1 key is data: __proto__ stays an own key', () => {
    const members = membersOf(JSON.parse('{"f:metadata":{"f:labels":{"f:__proto__":{}}}}'));
    const back = toFieldSet(members) as Record<string, any>;
    expect(Object.keys(back['f:metadata']['f:labels'])).to.deep.equal(['f:__proto__']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});

describe('field ownership (Update and Apply operations)', () => {
  const svc = (targetPort: number): JsonObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, protocol: 'TCP', targetPort }], selector: { app: 's' } } });

  it('an Update owns what it changed and takes it from others; an unchanged object keeps its entries', () => {
    const created = svc(8080);
    recordUpdate('Service', undefined, created, 'maker', 'v1', '2026-01-01T00:00:01Z');
    const changed = structuredClone(created);
    (changed.spec as any).ports[0].targetPort = 9090;
    recordUpdate('Service', created, changed, 'editor', 'v1', '2026-01-01T00:00:02Z');
    const entries = (changed.metadata as any).managedFields;
    expect(entries.map((e: any) => e.manager)).to.deep.equal(['maker', 'editor']);
    expect(entries[1].fieldsV1).to.deep.equal({ 'f:spec': { 'f:ports': { [PORT]: { 'f:targetPort': {} } } } });
    expect(entries[0].fieldsV1['f:spec']['f:ports'][PORT]).to.deep.equal({ '.': {}, 'f:port': {}, 'f:protocol': {} });
    const same = structuredClone(changed);
    recordUpdate('Service', changed, same, 'third', 'v1', '2026-01-01T00:00:03Z');
    expect((same.metadata as any).managedFields).to.deep.equal(entries);
  });

  it('an Apply that changes an Update manager\'s field conflicts, unless forced', () => {
    const live = svc(8080);
    recordUpdate('Service', undefined, live, 'kubectl-create', 'v1', '2026-01-01T00:00:01Z');
    const applied = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 9090 }] } };
    let err: unknown;
    try {
      serverSideApply('Service', live, applied, 'alice', 'v1', '2026-01-01T00:00:02Z');
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(StatusError);
    expect((err as StatusError).status).to.deep.include({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-create" using v1: .spec.ports[port=80,protocol="TCP"].targetPort',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-create" using v1', field: '.spec.ports[port=80,protocol="TCP"].targetPort' }] },
    });
    const forced = serverSideApply('Service', live, applied, 'alice', 'v1', '2026-01-01T00:00:02Z', true);
    const entries = (forced.metadata as any).managedFields;
    expect(entries.map((e: any) => `${e.manager}/${e.operation}`)).to.deep.equal(['alice/Apply', 'kubectl-create/Update']);
    expect(entries[1].fieldsV1['f:spec']['f:ports'][PORT]).to.deep.equal({ '.': {}, 'f:port': {}, 'f:protocol': {} });
  });

  it('an apply that changes nothing keeps the entry as it was', () => {
    const applied = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } };
    const first = serverSideApply('Service', undefined, applied, 'alice', 'v1', '2026-01-01T00:00:01Z');
    const again = serverSideApply('Service', first, applied, 'alice', 'v1', '2026-01-01T00:00:09Z');
    expect(again).to.deep.equal(first);
  });

  it('the default manager is the user agent up to its first slash', () => {
    expect(managerFromUserAgent('kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0')).to.equal('kubectl');
    expect(managerFromUserAgent(undefined)).to.equal('');
    expect(managerFromUserAgent('x'.repeat(200))).to.have.length(128);
  });
});
