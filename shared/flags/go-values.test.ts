import { expect } from 'chai';
import { parseGoBool, parseGoDuration, rewriteBooleanFlags } from './go-values.js';

describe('pflag values', () => {
  const bools: [string, boolean | undefined][] = [
    ['true', true], ['1', true], ['T', true], ['True', true], ['TRUE', true],
    ['false', false], ['0', false], ['f', false], ['False', false],
    ['yes', undefined], ['', undefined], ['tRUE', undefined],
  ];
  for (const [s, want] of bools) it(`ParseBool(${JSON.stringify(s)}) = ${want}`, () => expect(parseGoBool(s)).to.equal(want));

  const durations: [string, number | undefined][] = [
    ['0', 0], ['1s', 1000], ['500ms', 500], ['1m30s', 90_000], ['1.5s', 1500], ['2h', 7_200_000], ['100us', 0.1],
    ['1', undefined], ['s', undefined], ['1d', undefined], ['', undefined],
  ];
  for (const [s, want] of durations) it(`ParseDuration(${JSON.stringify(s)}) = ${want} ms`, () => expect(parseGoDuration(s)).to.equal(want));

  it('rewrites --flag=true|false for boolean flags only', () => {
    const booleans = new Set(['masquerade-all', 'nfacct']);
    expect(rewriteBooleanFlags(['--masquerade-all=false', '--nfacct=1', '--node-ip=1.2.3.4', 'render', '--nfacct'], booleans)).to.deep.equal([
      '--no-masquerade-all', '--nfacct', '--node-ip=1.2.3.4', 'render', '--nfacct',
    ]);
    expect(() => rewriteBooleanFlags(['--nfacct=maybe'], booleans)).to.throw('invalid argument "maybe" for "--nfacct" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
  });
});
