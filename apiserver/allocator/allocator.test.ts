import { expect } from 'chai';
import { formatIP, parseCIDR } from '../../shared/net/ip.js';
import { BandedPool, RESERVED, STORED } from './banded-pool.js';
import { ClusterIPAllocator } from './cluster-ips.js';
import { nodePortBandSize, PortRange } from './node-ports.js';
import { parseServiceClusterIPRange, ServiceCIDR, staticBandSize } from './service-cidr.js';

describe('allocator: CIDR math and bands', () => {
  const bands: [string, bigint][] = [
    ['10.0.0.0/28', 0n],
    ['10.0.0.0/27', 16n],
    ['10.0.0.0/24', 16n],
    ['10.0.0.0/20', 256n],
    ['10.96.0.0/12', 256n],
    ['fd00::/108', 256n],
    ['fd00::/120', 16n],
  ];
  for (const [cidr, band] of bands) {
    it(`static band of ${cidr} is ${band} addresses (KEP-3070)`, () => {
      expect(new ServiceCIDR(parseCIDR(cidr)!).bandSize).to.equal(band);
    });
  }

  it('uses neither network nor broadcast address for IPv4, and the all-ones address for IPv6', () => {
    const v4 = new ServiceCIDR(parseCIDR('10.0.0.0/24')!);
    expect(formatIP(v4.ipAt(0n))).to.equal('10.0.0.1');
    expect(v4.size).to.equal(254n);
    expect(formatIP(v4.ipAt(v4.size - 1n))).to.equal('10.0.0.254');
    const v6 = new ServiceCIDR(parseCIDR('fd00::/120')!);
    expect(v6.size).to.equal(255n);
    expect(formatIP(v6.ipAt(v6.size - 1n))).to.equal('fd00::ff');
  });

  it('computes min(max(16, size/16), 256)', () => {
    expect(staticBandSize(16n)).to.equal(0n);
    expect(staticBandSize(32n)).to.equal(16n);
    expect(staticBandSize(4096n)).to.equal(256n);
    expect(staticBandSize(2048n)).to.equal(128n);
  });

  const flags: [string, string | string[]][] = [
    ['10.96.0.0/12', ['10.96.0.0/12']],
    ['10.96.0.0/16,fd00::/108', ['10.96.0.0/16', 'fd00::/108']],
    ['fd00::/108,10.96.0.0/16', ['fd00::/108', '10.96.0.0/16']],
    ['10.96.0.0/11', 'specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12'],
    ['10.96.0.0/16,fd00::/64', 'specified --service-cluster-ip-range[1] is too large; for 128-bit addresses, the mask must be >= 108'],
    ['10.96.0.0/16,10.97.0.0/16', '--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family'],
    ['10.0.0.0/16,fd00::/108,fd01::/108', '--service-cluster-ip-range must not contain more than two entries'],
    ['banana', 'service-cluster-ip-range[0] is not a valid cidr'],
    ['10.0.0.0/16,banana', 'service-cluster-ip-range[1] is not an ip net'],
    ['10.0.0.0/30', 'error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses'],
    ['', '--service-cluster-ip-range must contain at least one valid cidr'],
  ];
  for (const [flag, want] of flags) {
    it(`--service-cluster-ip-range=${JSON.stringify(flag)}`, () => {
      if (Array.isArray(want)) expect(parseServiceClusterIPRange(flag).map((c) => c.text)).to.deep.equal(want);
      else expect(() => parseServiceClusterIPRange(flag)).to.throw(want);
    });
  }
});

describe('allocator: banded pool', () => {
  it('fills the upper band before the lower one, then reports full', () => {
    const pool = new BandedPool(32n, 16n);
    const picks: bigint[] = [];
    for (let i = 0; i < 32; i++) {
      const slot = pool.pickFree()!;
      pool.hold(slot, STORED);
      picks.push(slot);
    }
    expect(picks.slice(0, 16).every((s) => s >= 16n)).to.equal(true);
    expect(picks.slice(16).every((s) => s < 16n)).to.equal(true);
    expect(new Set(picks).size).to.equal(32);
    expect(pool.pickFree()).to.equal(undefined);
  });

  it('keeps a slot taken while any holder holds it', () => {
    const pool = new BandedPool(4n, 0n);
    pool.hold(1n, RESERVED);
    pool.hold(1n, STORED);
    pool.drop(1n, RESERVED);
    expect(pool.isTaken(1n)).to.equal(true);
    pool.dropAll(STORED);
    expect(pool.isTaken(1n)).to.equal(false);
    expect(pool.count).to.equal(0);
  });

  it('walks past taken slots from its random start, wrapping within the band', () => {
    const pool = new BandedPool(8n, 0n, () => 0.99);
    pool.hold(7n, STORED);
    expect(pool.pickFree()).to.equal(0n);
  });
});

describe('allocator: cluster IPs', () => {
  it('refuses an address outside the range, the network address, a taken one; tracks etcd events', () => {
    const alloc = new ClusterIPAllocator(parseServiceClusterIPRange('10.0.0.0/24'), '/r/ipaddresses/');
    expect(() => alloc.reserve('10.1.0.1')).to.throw('the provided network does not match the current range');
    expect(() => alloc.reserve('10.0.0.0')).to.throw('the provided network does not match the current range');
    expect(() => alloc.reserve('10.0.0.255')).to.throw('the provided network does not match the current range');
    alloc.replace([{ key: '/r/ipaddresses/10.0.0.5', value: Buffer.from('{}'), createRevision: 1, modRevision: 1 }]);
    expect(() => alloc.reserve('10.0.0.5')).to.throw('provided IP is already allocated');
    const held = alloc.reserve('10.0.0.6');
    expect(held.staticBand).to.equal(true);
    expect(() => alloc.reserve('10.0.0.6')).to.throw('provided IP is already allocated');
    alloc.settle(held, false);
    expect(alloc.isTaken('10.0.0.6')).to.equal(false);
    alloc.apply([{ type: 'delete', key: '/r/ipaddresses/10.0.0.5', revision: 2 }]);
    expect(alloc.isTaken('10.0.0.5')).to.equal(false);
  });
});

describe('allocator: node ports', () => {
  it('parses ranges and sizes the static band as upstream', () => {
    const range = PortRange.parse('30000-32767');
    expect(range.size).to.equal(2768);
    expect(PortRange.parse('30000+2767').toString()).to.equal('30000-32767');
    expect(nodePortBandSize(2768)).to.equal(86);
    expect(nodePortBandSize(16)).to.equal(0);
    expect(nodePortBandSize(100)).to.equal(16);
    expect(() => PortRange.parse('nope')).to.throw();
  });
});
