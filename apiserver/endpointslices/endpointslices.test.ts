import { expect } from 'chai';
import { errorString } from '../errors/field.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { prepareEndpointSliceForCreate, prepareEndpointSliceForUpdate, setEndpointSliceDefaults } from './defaults.js';
import { validateEndpointSlice, validateEndpointSliceUpdate } from './validation.js';

const LABEL_1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const base = (): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abcde', namespace: 'default', uid: 'u', resourceVersion: '9', generation: 1, labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true }, nodeName: 'node-1', zone: 'a' }],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

describe('EndpointSlice defaulting and strategy', () => {
  it('ports: name "" and protocol TCP when missing', () => {
    const slice = base();
    slice.ports = [{ port: 80 }, { name: null, protocol: null, port: 81 }, { name: 'x', protocol: 'UDP', port: 82 }];
    setEndpointSliceDefaults(slice);
    expect(slice.ports).to.deep.equal([
      { port: 80, name: '', protocol: 'TCP' },
      { name: '', protocol: 'TCP', port: 81 },
      { name: 'x', protocol: 'UDP', port: 82 },
    ]);
  });
  it('create: generation 1, disabled and deprecated fields dropped', () => {
    const slice = base();
    slice.metadata.generation = 7;
    slice.endpoints![0]!.hints = { forZones: [{ name: 'a' }], forNodes: [{ name: 'node-1' }] };
    slice.endpoints![0]!.deprecatedTopology = { rack: 'r1' };
    prepareEndpointSliceForCreate(slice);
    expect(slice.metadata.generation).to.equal(1);
    expect(slice.endpoints![0]!.hints).to.deep.equal({ forZones: [{ name: 'a' }] });
    expect(slice.endpoints![0]).not.to.have.property('deprecatedTopology');
  });
  it('update: generation bumps on a change outside metadata, or of labels', () => {
    const old = base();
    const same = base();
    same.metadata.annotations = { a: 'b' };
    same.metadata.generation = 40;
    prepareEndpointSliceForUpdate(same, old);
    expect(same.metadata.generation).to.equal(1);
    const relabelled = base();
    relabelled.metadata.labels = { 'kubernetes.io/service-name': 'other' };
    prepareEndpointSliceForUpdate(relabelled, old);
    expect(relabelled.metadata.generation).to.equal(2);
    const changed = base();
    changed.endpoints![0]!.conditions = { ready: false };
    prepareEndpointSliceForUpdate(changed, old);
    expect(changed.metadata.generation).to.equal(2);
  });
  it('update: forNodes hints survive only if already stored', () => {
    const old = base();
    old.endpoints![0]!.hints = { forNodes: [{ name: 'node-1' }] };
    const kept = structuredClone(old);
    prepareEndpointSliceForUpdate(kept, old);
    expect(kept.endpoints![0]!.hints).to.deep.equal({ forNodes: [{ name: 'node-1' }] });
    const dropped = structuredClone(old);
    prepareEndpointSliceForUpdate(dropped, base());
    expect(dropped.endpoints![0]!.hints).to.deep.equal({});
  });
});

describe('ValidateEndpointSlice', () => {
  const rows: [string, (s: EndpointSlice) => void, string[]][] = [
    ['valid', () => {}, []],
    ['IPv6', (s) => Object.assign(s, { addressType: 'IPv6', endpoints: [{ addresses: ['fd00::5'] }] }), []],
    ['FQDN', (s) => Object.assign(s, { addressType: 'FQDN', endpoints: [{ addresses: ['db.example.com.'] }] }), []],
    ['no endpoints', (s) => (s.endpoints = null), []],
    ['addressType required', (s) => (s.addressType = ''), ['addressType: Required value']],
    ['addressType supported', (s) => (s.addressType = 'IP'), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']],
    ['unknown addressType leaves addresses unchecked', (s) => Object.assign(s, { addressType: 'Foo', endpoints: [{ addresses: ['x'] }] }), [
      'addressType: Unsupported value: "Foo": supported values: "FQDN", "IPv4", "IPv6"',
    ]],
    ['addresses required', (s) => (s.endpoints![0]!.addresses = []), ['endpoints[0].addresses: Required value: must contain at least 1 address']],
    [
      'too many addresses',
      (s) => (s.endpoints![0]!.addresses = Array.from({ length: 101 }, (_, i) => `10.0.${i >> 8}.${(i % 250) + 1}`)),
      ['endpoints[0].addresses: Too many: 101: must have at most 100 items'],
    ],
    [
      'too many endpoints',
      (s) => (s.endpoints = Array.from({ length: 1001 }, () => ({ addresses: ['bad'] }))),
      ['endpoints: Too many: 1001: must have at most 1000 items'],
    ],
    [
      'bad IP reported once',
      (s) => (s.endpoints![0]!.addresses = ['10.244.0']),
      ['endpoints[0].addresses[0]: Invalid value: "10.244.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    ],
    [
      'wrong family (the path has no index, as upstream)',
      (s) => (s.endpoints![0]!.addresses = ['10.244.0.5', 'fd00::5']),
      ['endpoints[0].addresses: Invalid value: "fd00::5": must be an IPv4 address'],
    ],
    [
      'IPv4-mapped in an IPv6 slice',
      (s) => Object.assign(s, { addressType: 'IPv6', endpoints: [{ addresses: ['::ffff:10.0.0.1'] }] }),
      ['endpoints[0].addresses: Invalid value: "::ffff:10.0.0.1": must be an IPv6 address'],
    ],
    [
      'special IPs',
      (s) => (s.endpoints![0]!.addresses = ['127.0.0.1', '0.0.0.0']),
      [
        'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
        'endpoints[0].addresses[1]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
      ],
    ],
    [
      'FQDN rules',
      (s) => Object.assign(s, { addressType: 'FQDN', endpoints: [{ addresses: ['db', 'Db.example.com'] }] }),
      [
        'endpoints[0].addresses[0]: Invalid value: "db": should be a domain with at least two segments separated by dots',
        `endpoints[0].addresses[1]: Invalid value: "Db.example.com": ${SUBDOMAIN}`,
      ],
    ],
    [
      'nodeName and hostname',
      (s) => Object.assign(s.endpoints![0]!, { nodeName: 'Node_1', hostname: 'a.b' }),
      [`endpoints[0].nodeName: Invalid value: "Node_1": ${SUBDOMAIN}`, 'endpoints[0].hostname: Invalid value: "a.b": must not contain dots'],
    ],
    [
      'zone hints',
      (s) => (s.endpoints![0]!.hints = { forZones: [{ name: 'a' }, { name: 'a' }, { name: '-b' }] }),
      ['endpoints[0].hints.forZones[1].name: Duplicate value: "a"', `endpoints[0].hints.forZones[2].name: Invalid value: "-b": ${LABEL_VALUE}`],
    ],
    [
      'too many zone hints',
      (s) => (s.endpoints![0]!.hints = { forZones: Array.from({ length: 9 }, (_, i) => ({ name: `z${i}` })) }),
      ['endpoints[0].hints.forZones: Too many: 9: must have at most 8 items'],
    ],
    [
      'ports: names (even "") must be unique; protocols',
      (s) =>
        (s.ports = [
          { name: '', port: 80, protocol: 'TCP' },
          { name: '', port: 81, protocol: null },
          { name: 'Http', port: 82, protocol: 'ICMP', appProtocol: 'kubernetes.io/h2c' },
        ]),
      [
        'ports[1].name: Duplicate value: ""',
        'ports[1].protocol: Required value',
        `ports[2].name: Invalid value: "Http": ${LABEL_1123}`,
        'ports[2].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      ],
    ],
    ['port numbers are not checked', (s) => (s.ports = [{ name: 'x', port: 0, protocol: 'TCP' }]), []],
    [
      'too many ports',
      (s) => (s.ports = Array.from({ length: 20001 }, (_, i) => ({ name: `p${i}`, port: 1, protocol: 'TCP' }))),
      ['ports: Too many: 20001: must have at most 20000 items'],
    ],
    [
      'ports are checked before endpoints',
      (s) => {
        s.endpoints![0]!.addresses = ['x'];
        s.ports = [{ name: 'a', port: 1, protocol: 'X' }];
      },
      [
        'ports[0].protocol: Unsupported value: "X": supported values: "SCTP", "TCP", "UDP"',
        'endpoints[0].addresses[0]: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ],
    ],
  ];
  for (const [title, mutate, want] of rows) {
    it(title, () => {
      const slice = base();
      mutate(slice);
      expect(validateEndpointSlice(slice).map(errorString)).to.deep.equal(want);
    });
  }

  it('update: addressType is immutable', () => {
    const old = base();
    const slice = base();
    Object.assign(slice, { addressType: 'IPv6', endpoints: [{ addresses: ['fd00::5'] }] });
    expect(validateEndpointSliceUpdate(slice, old).map(errorString)).to.deep.equal(['addressType: Invalid value: "IPv6": field is immutable']);
  });
  it('update: unchanged endpoints are not re-validated', () => {
    const old = base();
    old.endpoints![0]!.addresses = ['127.0.0.1'];
    const relabelled = structuredClone(old);
    relabelled.metadata.labels = { x: 'y' };
    expect(validateEndpointSliceUpdate(relabelled, old).map(errorString)).to.deep.equal([]);
    const changed = structuredClone(old);
    changed.endpoints![0]!.nodeName = 'node-2';
    expect(validateEndpointSliceUpdate(changed, old).map(errorString)).to.deep.equal([
      'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
  });
});
