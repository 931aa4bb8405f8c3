import { expect } from 'chai';
import { errorString } from '../errors/field.js';
import type { ObjectMeta } from '../../shared/api/meta.js';
import { nameIsDNS1035Label, nameIsDNSLabel } from './names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';

const QNAME_PART =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const namespaced = { namespaced: true, nameValidator: nameIsDNS1035Label };
const clusterScoped = { namespaced: false, nameValidator: nameIsDNSLabel };
const base = (): ObjectMeta => ({ name: 'web', namespace: 'default' });

describe('validateObjectMeta (create)', () => {
  const rows: [string, (m: ObjectMeta) => void, string[], typeof namespaced?][] = [
    ['valid', () => {}, []],
    ['no name', (m) => delete m.name, ['metadata.name: Required value: name or generateName is required']],
    ['bad name', (m) => (m.name = 'Web'), [`metadata.name: Invalid value: "Web": ${LABEL_1035}`]],
    ['name too long', (m) => (m.name = 'a'.repeat(64)), [`metadata.name: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`]],
    ['generateName with trailing dash', (m) => (m.generateName = 'web-'), []],
    [
      'bad generateName is reported with the unmasked value',
      (m) => (m.generateName = 'Web-'),
      [`metadata.generateName: Invalid value: "Web-": ${LABEL_1035}`],
    ],
    ['no namespace', (m) => delete m.namespace, ['metadata.namespace: Required value']],
    ['bad namespace', (m) => (m.namespace = 'Kube_System'), [`metadata.namespace: Invalid value: "Kube_System": ${LABEL_1123}`]],
    ['namespace on a cluster-scoped kind', () => {}, ['metadata.namespace: Forbidden: not allowed on this type'], clusterScoped],
    ['negative generation', (m) => (m.generation = -1), ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
    ['bad label key', (m) => (m.labels = { '-bad': 'x' }), [`metadata.labels: Invalid value: "-bad": name part ${QNAME_PART}`]],
    [
      'bad annotation key (keys are case-insensitive)',
      (m) => (m.annotations = { 'Example.COM/Key': 'x', 'a/b/c': 'y' }),
      [
        `metadata.annotations: Invalid value: "a/b/c": a qualified name ${QNAME_PART} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ],
    ],
    ['annotations at the size limit', (m) => (m.annotations = { k: 'v'.repeat(262143) }), []],
    ['annotations over the size limit', (m) => (m.annotations = { k: 'v'.repeat(262144) }), ['metadata.annotations: Too long: may not be more than 262144 bytes']],
    ['standard and qualified finalizers', (m) => (m.finalizers = ['kubernetes', 'orphan', 'example.com/x']), []],
    [
      'unqualified custom finalizer',
      (m) => (m.finalizers = ['custom']),
      ['metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified'],
    ],
    [
      'bad finalizer name (path without index) and orphan+foreground',
      (m) => (m.finalizers = ['a b/c', 'orphan', 'foregroundDeletion']),
      [
        `metadata.finalizers: Invalid value: "a b/c": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
        'metadata.finalizers: Invalid value: []string{"a b/c", "orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
      ],
    ],
    [
      'owner references',
      (m) => (m.ownerReferences = [{ apiVersion: 'a/b/c', kind: '', name: '', uid: '' }]),
      [
        'metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
      ],
    ],
    [
      'an Event may not own anything',
      (m) => (m.ownerReferences = [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }]),
      [
        'metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"u", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
      ],
    ],
    [
      'managed fields',
      (m) => (m.managedFields = [{ manager: 'kubectl\t', operation: 'Patch', fieldsType: 'FieldsV2' }]),
      [
        'metadata.managedFields[0].operation: Invalid value: "Patch": must be `Apply` or `Update`',
        'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
        'metadata.managedFields[0].manager: Invalid value: "kubectl\\t": invalid character U+0009 (at position 7)',
      ],
    ],
  ];
  for (const [title, mutate, want, rules] of rows) {
    it(title, () => {
      const m = base();
      mutate(m);
      expect(validateObjectMeta(m, rules ?? namespaced).map(errorString)).to.deep.equal(want);
    });
  }
  it('only the first controller owner is allowed', () => {
    const m = base();
    m.ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
    ];
    const errs = validateObjectMeta(m, namespaced).map(errorString);
    expect(errs).to.have.length(1);
    expect(errs[0]).to.match(/^metadata\.ownerReferences: Invalid value: \[\]v1\.OwnerReference\{/);
    expect(errs[0]).to.match(/: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/a and ReplicaSet\/b$/);
  });
});

describe('validateObjectMetaUpdate', () => {
  const stored = (): ObjectMeta => ({
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '7',
    generation: 2,
    creationTimestamp: '2024-01-01T00:00:00Z',
  });
  const rows: [string, (n: ObjectMeta, o: ObjectMeta) => void, string[]][] = [
    ['unchanged', () => {}, []],
    ['creationTimestamp in another notation', (n) => (n.creationTimestamp = '2024-01-01T01:00:00+01:00'), []],
    ['name', (n) => (n.name = 'web2'), ['metadata.name: Invalid value: "web2": field is immutable']],
    ['namespace', (n) => (n.namespace = 'other'), ['metadata.namespace: Invalid value: "other": field is immutable']],
    ['uid', (n) => (n.uid = 'u2'), ['metadata.uid: Invalid value: "u2": field is immutable']],
    [
      'creationTimestamp (a Stringer: not quoted)',
      (n) => (n.creationTimestamp = '2024-01-02T03:04:05Z'),
      ['metadata.creationTimestamp: Invalid value: 2024-01-02 03:04:05 +0000 UTC: field is immutable'],
    ],
    [
      'deletionTimestamp set by the client',
      (n) => (n.deletionTimestamp = '2024-01-02T00:00:00Z'),
      ['metadata.deletionTimestamp: Invalid value: 2024-01-02 00:00:00 +0000 UTC: field is immutable'],
    ],
    ['deletionGracePeriodSeconds', (n) => (n.deletionGracePeriodSeconds = 30), ['metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable']],
    ['no resourceVersion', (n) => delete n.resourceVersion, ['metadata.resourceVersion: Invalid value: "": must be specified for an update']],
    ['generation decremented', (n) => (n.generation = 1), ['metadata.generation: Invalid value: 1: must not be decremented']],
    [
      'new finalizers while deleting',
      (n, o) => {
        o.deletionTimestamp = n.deletionTimestamp = '2024-02-01T00:00:00Z';
        o.finalizers = ['example.com/keep'];
        n.finalizers = ['example.com/keep', 'example.com/b', 'example.com/a'];
      },
      ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/a", "example.com/b"}'],
    ],
    [
      'labels are re-validated, finalizer names too',
      (n) => {
        n.labels = { ok: 'a b' };
        n.finalizers = ['custom'];
      },
      [
        "metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        'metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
      ],
    ],
  ];
  for (const [title, mutate, want] of rows) {
    it(title, () => {
      const o = stored();
      const n = stored();
      mutate(n, o);
      expect(validateObjectMetaUpdate(n, o).map(errorString)).to.deep.equal(want);
    });
  }
});
