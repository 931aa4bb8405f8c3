import { expect } from 'chai';
import { errorString } from '../errors/field.js';
import type { Endpoints } from '../../shared/api/core.js';
import { setEndpointsDefaults } from './defaults.js';
import { validateEndpoints, validateEndpointsUpdate } from './validation.js';

const LABEL_1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

const base = (): Endpoints => ({
  apiVersion: 'v1',
  kind: 'Endpoints',
  metadata: { name: 'web', namespace: 'default', uid: 'u', resourceVersion: '4' },
  subsets: [{ addresses: [{ ip: '10.244.0.5', nodeName: 'node-1' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }],
});

describe('Endpoints defaulting', () => {
  it('ports default to TCP', () => {
    const ep = base();
    ep.subsets![0]!.ports = [{ port: 1 }, { port: 2, protocol: 'UDP' }];
    setEndpointsDefaults(ep);
    expect(ep.subsets![0]!.ports!.map((p) => p.protocol)).to.deep.equal(['TCP', 'UDP']);
  });
});

describe('ValidateEndpoints', () => {
  const rows: [string, (ep: Endpoints) => void, string[]][] = [
    ['valid', () => {}, []],
    ['no subsets', (ep) => delete ep.subsets, []],
    ['only notReadyAddresses, no ports (headless)', (ep) => (ep.subsets = [{ notReadyAddresses: [{ ip: 'fd00::5' }] }]), []],
    ['name is a DNS subdomain', (ep) => (ep.metadata.name = 'web.v1'), []],
    ['bad name', (ep) => (ep.metadata.name = 'Web'), [`metadata.name: Invalid value: "Web": ${SUBDOMAIN}`]],
    ['addresses required', (ep) => (ep.subsets = [{ ports: [{ port: 80, protocol: 'TCP' }] }]), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']],
    [
      'an unparsable IP is reported twice, as upstream',
      (ep) => (ep.subsets![0]!.addresses![0]!.ip = '10.244.0'),
      [
        'subsets[0].addresses[0].ip: Invalid value: "10.244.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        'subsets[0].addresses[0].ip: Invalid value: "10.244.0": must be a valid IP address',
      ],
    ],
    [
      'special addresses',
      (ep) => (ep.subsets![0]!.notReadyAddresses = [{ ip: '127.0.0.1' }, { ip: '169.254.169.254' }]),
      [
        'subsets[0].notReadyAddresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
        'subsets[0].notReadyAddresses[1].ip: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      ],
    ],
    [
      'hostname and nodeName, before the special-IP check',
      (ep) => (ep.subsets![0]!.addresses = [{ ip: '0.0.0.0', hostname: 'Pod.1', nodeName: 'Node_1' }]),
      [
        `subsets[0].addresses[0].hostname: Invalid value: "Pod.1": ${LABEL_1123}`,
        `subsets[0].addresses[0].nodeName: Invalid value: "Node_1": ${SUBDOMAIN}`,
        'subsets[0].addresses[0].ip: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
      ],
    ],
    [
      'ports',
      (ep) =>
        (ep.subsets![0]!.ports = [
          { port: 0, protocol: 'TCP' },
          { name: 'a.b', port: 80, protocol: 'ICMP', appProtocol: 'a b' },
          { name: 'c', port: 81 },
        ]),
      [
        'subsets[0].ports[0].name: Required value',
        'subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'subsets[0].ports[1].name: Invalid value: "a.b": must not contain dots',
        'subsets[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
        "subsets[0].ports[1].appProtocol: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        'subsets[0].ports[2].protocol: Required value',
      ],
    ],
  ];
  for (const [title, mutate, want] of rows) {
    it(title, () => {
      const ep = base();
      mutate(ep);
      expect(validateEndpoints(ep).map(errorString)).to.deep.equal(want);
    });
  }
  it('update: metadata rules first, then everything else', () => {
    const old = base();
    const ep = base();
    ep.metadata.namespace = 'other';
    ep.subsets![0]!.addresses![0]!.ip = '::1';
    expect(validateEndpointsUpdate(ep, old).map(errorString)).to.deep.equal([
      'metadata.namespace: Invalid value: "other": field is immutable',
      'subsets[0].addresses[0].ip: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ]);
  });
});
