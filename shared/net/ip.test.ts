import { expect } from 'chai';
import { canonicalIP, cidrContains, cidrSize, formatCIDR, ipFamilyOf, parseCIDR, parseIP } from './ip.js';

describe('IP parsing and formatting (Go semantics)', () => {
  const canon: [string, string | undefined, boolean?][] = [
    ['10.96.0.1', '10.96.0.1'],
    ['172.30.0.041', '172.30.0.41'],
    ['172.30.0.041', undefined, false],
    ['256.1.1.1', undefined],
    ['1.2.3', undefined],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['::', '::'],
    ['::1', '::1'],
    ['fd00::', 'fd00::'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['1:2:3:4:5:6:7:8:9', undefined],
    ['1::2::3', undefined],
    ['fe80::1%eth0', undefined],
    ['', undefined],
    ['None', undefined],
  ];
  for (const [input, want, sloppy] of canon) {
    it(`canonicalIP(${JSON.stringify(input)}${sloppy === false ? ', strict' : ''}) = ${want}`, () => {
      expect(canonicalIP(input, sloppy ?? true)).to.equal(want);
    });
  }

  it('classifies IPv4-mapped IPv6 as IPv4, as k8s utils do', () => {
    expect(parseIP('::ffff:1.2.3.4')?.family).to.equal(4);
  });

  it('parses CIDRs, clearing host bits', () => {
    const c = parseCIDR('10.96.0.1/12')!;
    expect(formatCIDR(c)).to.equal('10.96.0.0/12');
    expect(cidrSize(c)).to.equal(1n << 20n);
    expect(cidrContains(c, parseIP('10.111.255.255')!)).to.equal(true);
    expect(cidrContains(c, parseIP('10.112.0.0')!)).to.equal(false);
    expect(formatCIDR(parseCIDR('fd00:10:96::/108')!)).to.equal('fd00:10:96::/108');
    expect(parseCIDR('10.0.0.0/33')).to.equal(undefined);
    expect(parseCIDR('10.0.0.0')).to.equal(undefined);
  });

  it("ipFamilyOf answers in the API's names, sloppily as upstream's validation parses", () => {
    expect(['10.0.0.1', '010.000.000.001', '::ffff:10.0.0.1', 'fd00::1', 'nonsense'].map(ipFamilyOf)).to.deep.equal(['IPv4', 'IPv4', 'IPv4', 'IPv6', undefined]);
  });
});
