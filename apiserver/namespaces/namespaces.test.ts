import { expect } from 'chai';
import { errorString } from '../errors/field.js';
import type { Namespace } from '../../shared/api/core.js';
import { canonicalizeNamespace, prepareNamespaceForCreate, prepareNamespaceForUpdate, setNamespaceDefaults } from './defaults.js';
import { validateNamespace, validateNamespaceUpdate } from './validation.js';

const LABEL_1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QNAME_PART =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const stored = (): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'team-a', uid: 'u', resourceVersion: '3', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
});

describe('Namespace defaulting and strategy', () => {
  it('decode: name label and phase', () => {
    const ns: Namespace = { metadata: { name: 'team-a', labels: { team: 'a', 'kubernetes.io/metadata.name': 'spoofed' } } };
    setNamespaceDefaults(ns);
    expect(ns.metadata.labels).to.deep.equal({ team: 'a', 'kubernetes.io/metadata.name': 'team-a' });
    expect(ns.status).to.deep.equal({ phase: 'Active' });
  });
  it('decode: no label before generateName is resolved', () => {
    const ns: Namespace = { metadata: { generateName: 'team-' } };
    setNamespaceDefaults(ns);
    expect(ns.metadata).not.to.have.property('labels');
  });
  it('create: the kubernetes finalizer is added, status reset', () => {
    const ns: Namespace = { metadata: { name: 'x' }, spec: { finalizers: ['example.com/f'] }, status: { phase: 'Terminating' } };
    prepareNamespaceForCreate(ns);
    expect(ns.spec).to.deep.equal({ finalizers: ['example.com/f', 'kubernetes'] });
    expect(ns.status).to.deep.equal({ phase: 'Active' });
    const plain: Namespace = { metadata: { name: 'y' } };
    prepareNamespaceForCreate(plain);
    expect(plain.spec).to.deep.equal({ finalizers: ['kubernetes'] });
  });
  it('update: finalizers and status come from the stored object', () => {
    const old = stored();
    const ns = stored();
    ns.spec = { finalizers: [] };
    ns.status = { phase: 'Terminating' };
    prepareNamespaceForUpdate(ns, old);
    expect(ns.spec).to.deep.equal({ finalizers: ['kubernetes'] });
    expect(ns.status).to.deep.equal({ phase: 'Active' });
  });
  it('canonicalize: label follows the final name', () => {
    const ns: Namespace = { metadata: { name: 'team-x7k2p', generateName: 'team-' } };
    canonicalizeNamespace(ns);
    expect(ns.metadata.labels).to.deep.equal({ 'kubernetes.io/metadata.name': 'team-x7k2p' });
  });
});

describe('ValidateNamespace', () => {
  const rows: [string, (ns: Namespace) => void, string[]][] = [
    ['valid', () => {}, []],
    ['name is a DNS-1123 label', (ns) => (ns.metadata.name = 'Team.A'), [`metadata.name: Invalid value: "Team.A": ${LABEL_1123}`]],
    ['dots are not allowed', (ns) => (ns.metadata.name = 'team.a'), ['metadata.name: Invalid value: "team.a": must not contain dots']],
    ['cluster-scoped', (ns) => (ns.metadata.namespace = 'default'), ['metadata.namespace: Forbidden: not allowed on this type']],
    [
      'spec.finalizers (path without index)',
      (ns) => (ns.spec = { finalizers: ['kubernetes', 'example.com/x', 'bad name'] }),
      [
        `spec.finalizers: Invalid value: "bad name": name part ${QNAME_PART}`,
        'spec.finalizers: Invalid value: "bad name": name is neither a standard finalizer name nor is it fully qualified',
      ],
    ],
  ];
  for (const [title, mutate, want] of rows) {
    it(title, () => {
      const ns = stored();
      mutate(ns);
      expect(validateNamespace(ns).map(errorString)).to.deep.equal(want);
    });
  }
  it('update: ValidateNamespace first, then the metadata rules', () => {
    const old = stored();
    const ns = stored();
    ns.metadata.name = 'Team-B';
    expect(validateNamespaceUpdate(ns, old).map(errorString)).to.deep.equal([
      `metadata.name: Invalid value: "Team-B": ${LABEL_1123}`,
      'metadata.name: Invalid value: "Team-B": field is immutable',
    ]);
  });
});
