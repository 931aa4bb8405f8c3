import { expect } from 'chai';
import { errorString } from '../errors/field.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, validateFullyQualifiedDomainName } from './dns.js';
import { validateCIDRForLegacyField, validateIPForLegacyField, validateNonSpecialIP } from './ip.js';
import { isValidLabelValue, validateLabels } from './labels.js';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';
import { isValidPortName, isValidPortNum, validatePortNumOrName } from './ports.js';
import { isQualifiedName } from './qualified-name.js';

const LABEL_1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME_PART =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function table<T>(title: string, fn: (input: T) => unknown, rows: [T, unknown][]): void {
  describe(title, () => {
    for (const [input, want] of rows) {
      it(`${JSON.stringify(input).slice(0, 60)}`, () => expect(fn(input)).to.deep.equal(want));
    }
  });
}

table('IsDNS1123Label', isDNS1123Label, [
  ['a', []],
  ['my-name', []],
  ['123-abc', []],
  ['a'.repeat(63), []],
  ['a'.repeat(64), ['must be no more than 63 characters']],
  ['a.b', ['must not contain dots']],
  ['Abc', [LABEL_1123]],
  ['-abc', [LABEL_1123]],
  ['', [LABEL_1123]],
  [`${'a'.repeat(62)}.b`, ['must be no more than 63 characters', 'must not contain dots']],
]);

table('IsDNS1123Subdomain', isDNS1123Subdomain, [
  ['example.com', []],
  ['a', []],
  ['a..b', [SUBDOMAIN]],
  ['Example.com', [SUBDOMAIN]],
  ['a'.repeat(254), ['must be no more than 253 characters']],
  [`${'a'.repeat(253)}-`, ['must be no more than 253 characters', SUBDOMAIN]],
]);

table('IsDNS1035Label', isDNS1035Label, [
  ['web', []],
  ['abc-123', []],
  ['1abc', [LABEL_1035]],
  ['web_1', [LABEL_1035]],
  ['a'.repeat(64), ['must be no more than 63 characters']],
]);

table('IsQualifiedName', isQualifiedName, [
  ['MyName', []],
  ['example.com/My-Name_1', []],
  ['kubernetes.io/h2c', []],
  ['', [`name part must be non-empty`, `name part ${QNAME_PART}`]],
  ['/a', ['prefix part must be non-empty']],
  ['Example.com/a', [`prefix part ${SUBDOMAIN}`]],
  ['a/', ['name part must be non-empty', `name part ${QNAME_PART}`]],
  ['a b', [`name part ${QNAME_PART}`]],
  ['a'.repeat(64), ['name part must be no more than 63 characters']],
  ['a/b/c', [`a qualified name ${QNAME_PART} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
]);

table('IsValidLabelValue', isValidLabelValue, [
  ['', []],
  ['my_value', []],
  ['-x', [LABEL_VALUE]],
  ['a'.repeat(64), ['must be no more than 63 characters']],
]);

table('IsValidPortNum', isValidPortNum, [
  [1, []],
  [65535, []],
  [0, ['must be between 1 and 65535, inclusive']],
  [65536, ['must be between 1 and 65535, inclusive']],
  [-1, ['must be between 1 and 65535, inclusive']],
]);

table('IsValidPortName', isValidPortName, [
  ['http', []],
  ['h2-c', []],
  ['8080', ['must contain at least one letter (a-z)']],
  ['a--b', ['must not contain consecutive hyphens']],
  ['-http', ['must not begin or end with a hyphen']],
  ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
  [
    'Web--Port-With-Long-Name-',
    [
      'must be no more than 15 characters',
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must not contain consecutive hyphens',
      'must not begin or end with a hyphen',
    ],
  ],
  ['', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
]);

describe('field-level generic validators', () => {
  const rows: [string, () => string[], string[]][] = [
    ['targetPort int', () => validatePortNumOrName(0, 'p').map(errorString), ['p: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['targetPort missing is int 0', () => validatePortNumOrName(undefined, 'p').map(errorString), ['p: Invalid value: 0: must be between 1 and 65535, inclusive']],
    ['targetPort name', () => validatePortNumOrName('8080', 'p').map(errorString), ['p: Invalid value: "8080": must contain at least one letter (a-z)']],
    ['IP sloppy accepts leading zeros', () => validateIPForLegacyField('010.001.002.003', 'f').map(errorString), []],
    ['IP sloppy accepts IPv4-mapped', () => validateIPForLegacyField('::ffff:1.2.3.4', 'f').map(errorString), []],
    [
      'IP invalid',
      () => validateIPForLegacyField('1.2.3', 'f').map(errorString),
      ['f: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    ],
    ['CIDR sloppy', () => validateCIDRForLegacyField('10.0.0.1/8', 'f').map(errorString), []],
    [
      'CIDR invalid',
      () => validateCIDRForLegacyField('10.0.0.0', 'f').map(errorString),
      ['f: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ],
    ['non-special: unparsable', () => validateNonSpecialIP('x', 'f').map(errorString), ['f: Invalid value: "x": must be a valid IP address']],
    ['non-special: ::', () => validateNonSpecialIP('::', 'f').map(errorString), ['f: Invalid value: "::": may not be unspecified (::)']],
    [
      'non-special: ff12::1 (any multicast flags)',
      () => validateNonSpecialIP('ff12::1', 'f').map(errorString),
      ['f: Invalid value: "ff12::1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'],
    ],
    [
      'non-special: IPv4-mapped loopback',
      () => validateNonSpecialIP('::ffff:127.0.0.1', 'f').map(errorString),
      ['f: Invalid value: "::ffff:127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'],
    ],
    ['non-special: 224.0.1.1 is fine', () => validateNonSpecialIP('224.0.1.1', 'f').map(errorString), []],
    ['non-special: febf::1 is link-local', () => validateNonSpecialIP('febf::1', 'f').length === 1 ? [] : ['x'], []],
    ['non-special: fec0::1 is not', () => validateNonSpecialIP('fec0::1', 'f').map(errorString), []],
    [
      'labels: key and value, map path',
      () => validateLabels({ 'a b': 'ok', good: '-bad' }, 'spec.selector').map(errorString),
      [`spec.selector: Invalid value: "a b": name part ${QNAME_PART}`, `spec.selector: Invalid value: "-bad": ${LABEL_VALUE}`],
    ],
    ['FQDN ok with trailing dot', () => validateFullyQualifiedDomainName('foo.example.com.', 'f').map(errorString), []],
    ['FQDN empty', () => validateFullyQualifiedDomainName('', 'f').map(errorString), ['f: Required value']],
    [
      'FQDN one label',
      () => validateFullyQualifiedDomainName('foo', 'f').map(errorString),
      ['f: Invalid value: "foo": should be a domain with at least two segments separated by dots'],
    ],
    ['FQDN bad', () => validateFullyQualifiedDomainName('Foo.com', 'f').map(errorString), [`f: Invalid value: "Foo.com": ${SUBDOMAIN}`]],
  ];
  for (const [title, run, want] of rows) it(title, () => expect(run()).to.deep.equal(want));
});

describe('name validators (generateName masks a trailing dash, as upstream: two characters become "a")', () => {
  it('prefix mode allows a trailing dash', () => {
    expect(nameIsDNS1035Label('web-', true)).to.deep.equal([]);
    expect(nameIsDNSLabel('ns-', true)).to.deep.equal([]);
    expect(nameIsDNSSubdomain('a.b-', true)).to.deep.equal([]);
  });
  it('masking drops the character before the dash too', () => {
    // "a.-" -> "a" + "a": valid, although "a.a-"-style names would not be.
    expect(nameIsDNSSubdomain('a.-', true)).to.deep.equal([]);
    expect(nameIsDNSSubdomain('a.-', false)).to.have.length(1);
  });
  it('a lone dash is not masked', () => expect(nameIsDNS1035Label('-', true)).to.deep.equal([LABEL_1035]));
});
