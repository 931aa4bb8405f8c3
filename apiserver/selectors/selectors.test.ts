import { expect } from 'chai';
import { KINDS } from '../kinds/registry.js';
import { matchesFields, parseFieldSelector, requiresExactMatch } from './field-selector.js';
import { matchesLabels, parseLabelSelector, SelectorError } from './label-selector.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'fe', 'kubernetes.io/service-name': 'web', n: '5' };

  const cases: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=db', false],
    ['missing!=x', true],
    ['kubernetes.io/service-name=web', true],
    ['app in (web, db)', true],
    ['app in (db)', false],
    ['app notin (db)', true],
    ['missing notin (db)', true],
    ['missing in (db)', false],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=web,tier=fe', true],
    ['app=web,tier=be', false],
    ['  app = web , !missing ', true],
    ['n>4', true],
    ['n<4', false],
    ['app>4', false],
    ['app=', false],
    ['x in (,a)', false],
    ['in in (in)', false],
  ];
  for (const [sel, want] of cases) {
    it(`${JSON.stringify(sel)} ${want ? 'matches' : 'does not match'}`, () => {
      expect(matchesLabels(parseLabelSelector(sel), labels)).to.equal(want);
    });
  }

  it('sorts requirements by key and values within one', () => {
    expect(parseLabelSelector('z=1,a in (c,b,b)')).to.deep.equal([
      { key: 'a', operator: 'in', values: ['b', 'c'] },
      { key: 'z', operator: '=', values: ['1'] },
    ]);
  });

  it('an empty value in a set', () => {
    expect(parseLabelSelector('x in (,a)')[0]!.values).to.deep.equal(['', 'a']);
    expect(parseLabelSelector('x notin ()')[0]!.values).to.deep.equal(['']);
    expect(matchesLabels(parseLabelSelector('x in (,a)'), { x: '' })).to.equal(true);
  });

  const errors: [string, string][] = [
    ['app=web,', "found '', expected: identifier after ','"],
    ['app=web app2', "found 'app2', expected: ',' or 'end of string'"],
    ['=web', "found '=', expected: !, identifier, or 'end of string'"],
    ['app in web', "unable to parse requirement: found 'web' expected: '('"],
    ['app in (web', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['app=(x)', "unable to parse requirement: found '(', expected: identifier"],
    ['app =! x', "unable to parse requirement: found '!', expected: identifier"],
    ['app x', "unable to parse requirement: found 'x', expected: in, notin, =, ==, !=, gt, lt"],
    [
      '-app=x',
      'unable to parse requirement: <nil>: Invalid value: "-app": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')',
    ],
    [
      'app=-x',
      'unable to parse requirement: values[0][app]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')',
    ],
    ['n>x', 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer'],
    ['!app=x', "found '=', expected: ',' or 'end of string'"],
  ];
  for (const [sel, message] of errors) {
    it(`rejects ${JSON.stringify(sel)}`, () => {
      expect(() => parseLabelSelector(sel)).to.throw(SelectorError).with.property('message', message);
    });
  }
});

describe('field selectors', () => {
  const fieldsOf = (kind: string) => KINDS.find((k) => k.info.kind === kind)!.fields;
  const svc = { metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: 'None', type: 'ClusterIP' } };

  it('metadata.name=web (kubectl get svc web -w)', () => {
    const sel = parseFieldSelector('metadata.name=web', fieldsOf('Service'));
    expect(matchesFields(sel, fieldsOf('Service').values(svc))).to.equal(true);
    expect(matchesFields(sel, fieldsOf('Service').values({ metadata: { name: 'db' } }))).to.equal(false);
    expect(requiresExactMatch(sel, 'metadata.name')).to.equal('web');
  });

  it('several terms, == and !=', () => {
    const fields = fieldsOf('Service').values(svc);
    expect(matchesFields(parseFieldSelector('metadata.namespace==default,spec.clusterIP!=None', fieldsOf('Service')), fields)).to.equal(false);
    expect(matchesFields(parseFieldSelector('spec.type=ClusterIP,metadata.name!=db', fieldsOf('Service')), fields)).to.equal(true);
    expect(requiresExactMatch(parseFieldSelector('metadata.name!=web', fieldsOf('Service')), 'metadata.name')).to.equal(undefined);
  });

  it('escaped values', () => {
    const sel = parseFieldSelector('metadata.name=a\\,b\\=c\\\\', fieldsOf('Endpoints'));
    expect(sel).to.deep.equal([{ field: 'metadata.name', operator: '=', value: 'a,b=c\\' }]);
  });

  it('an empty selector selects everything', () => {
    expect(parseFieldSelector('', fieldsOf('Service'))).to.deep.equal([]);
    expect(parseFieldSelector('=', fieldsOf('Service'))).to.deep.equal([]);
  });

  it('namespaces select on status.phase and have no metadata.namespace', () => {
    const fields = fieldsOf('Namespace').values({ metadata: { name: 'a' }, status: { phase: 'Active' } });
    expect(fields).to.deep.equal({ 'metadata.name': 'a', 'status.phase': 'Active' });
    expect(matchesFields(parseFieldSelector('status.phase=Active', fieldsOf('Namespace')), fields)).to.equal(true);
  });

  const errors: [string, string, string][] = [
    ['foo=bar', 'Service', 'field label not supported: foo'],
    ['metadata.namespace=x', 'Namespace', 'field label not supported: metadata.namespace'],
    ['spec.type=x', 'Endpoints', '"spec.type" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['addressType=IPv4', 'EndpointSlice', '"addressType" is not a known field selector: only "metadata.name", "metadata.namespace"'],
    ['metadata.name', 'Service', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['metadata.name=a\\b', 'Service', 'invalid field selector: invalid escape sequence: \\b'],
    ['metadata.name=a=b', 'Service', 'invalid field selector: unescaped character in value: 61'],
  ];
  for (const [sel, kind, message] of errors) {
    it(`rejects ${JSON.stringify(sel)} for ${kind}`, () => {
      expect(() => parseFieldSelector(sel, fieldsOf(kind))).to.throw(SelectorError).with.property('message', message);
    });
  }
});
