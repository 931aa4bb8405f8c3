import { expect } from 'chai';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { ep, slice } from '../testing/objects.js';
import { endpointsOfService, sliceOwner } from './endpoints.js';

describe('EndpointSlices to endpoints (upstream EndpointSliceCache)', () => {
  describe('which slices a proxier files, and where', () => {
    const unlabeled: EndpointSlice = { ...slice('ns/web-1', 'web', []), metadata: { namespace: 'ns', name: 'web-1' } };
    const cases: [string, EndpointSlice, 4 | 6, string | undefined][] = [
      ['an IPv4 slice, by the IPv4 proxier', slice('ns/web-1', 'web', []), 4, 'ns/web'],
      ['an IPv4 slice, not by the IPv6 proxier', slice('ns/web-1', 'web', []), 6, undefined],
      ['an IPv6 slice, by the IPv6 proxier', slice('ns/web-1', 'web', [], undefined, 'IPv6'), 6, 'ns/web'],
      ['an FQDN slice, by none', slice('ns/web-1', 'web', [], undefined, 'FQDN'), 4, undefined],
      ['a slice without the service-name label, by none', unlabeled, 4, undefined],
    ];
    for (const [name, s, family, owner] of cases) {
      it(name, () => expect(sliceOwner(s, family)?.service).to.equal(owner));
    }
  });

  it('sorts each port\'s endpoints by the bytes of "ip:port"', () => {
    const got = endpointsOfService('ns/web', [slice('ns/web-1', 'web', [ep('10.1.1.1'), ep('10.1.1.11'), ep('10.0.1.2'), ep('10.0.1.10')])], 'n');
    expect(got.get('ns/web:p80/TCP')!.map((e) => e.str)).to.deep.equal(['10.0.1.10:80', '10.0.1.2:80', '10.1.1.11:80', '10.1.1.1:80']);
  });

  it('keys endpoints by port name and protocol, and uses the slice port for the DNAT port', () => {
    const s = slice('ns/dns-1', 'dns', [ep('10.0.0.5')], [
      { name: 'dns', port: 5353, protocol: 'UDP' },
      { name: 'dns-tcp', port: 5353, protocol: 'TCP' },
      { name: '', port: 8080 },
    ]);
    const got = endpointsOfService('ns/dns', [s], 'n');
    expect([...got.keys()]).to.deep.equal(['ns/dns:dns/UDP', 'ns/dns:dns-tcp/TCP', 'ns/dns/TCP']);
    expect(got.get('ns/dns:dns/UDP')![0]!.str).to.equal('10.0.0.5:5353');
    // sha256("ns/dns:dnsudp10.0.0.5:5353"): the protocol in the hash is lower case.
    expect(got.get('ns/dns:dns/UDP')![0]!.chain).to.equal('KUBE-SEP-PLXJ54UGBYX7AMKD');
  });

  it('ignores ports without a name or a port number, and endpoints without addresses', () => {
    const s = slice('ns/web-1', 'web', [ep('10.0.0.1'), { addresses: [] }], [
      { name: null, port: 80, protocol: 'TCP' },
      { name: 'zero', port: 0, protocol: 'TCP' },
      { name: 'nil', port: null, protocol: 'TCP' },
      { name: 'ok', port: 81, protocol: 'TCP' },
    ]);
    const got = endpointsOfService('ns/web', [s], 'n');
    expect([...got.keys()]).to.deep.equal(['ns/web:ok/TCP']);
    expect(got.get('ns/web:ok/TCP')!.map((e) => e.str)).to.deep.equal(['10.0.0.1:81']);
  });

  it('reads conditions: nil ready and serving mean true, nil terminating means false', () => {
    const s = slice('ns/web-1', 'web', [
      ep('10.0.0.1'),
      ep('10.0.0.2', { conditions: { ready: false, serving: true, terminating: true } }),
      ep('10.0.0.3', { conditions: { ready: null, serving: null, terminating: null } }),
    ]);
    const got = endpointsOfService('ns/web', [s], 'n').get('ns/web:p80/TCP')!;
    expect(got.map((e) => [e.ready, e.serving, e.terminating])).to.deep.equal([
      [true, true, false],
      [false, true, true],
      [true, true, false],
    ]);
  });

  it('marks endpoints on this node local, canonicalises sloppy IPs and uses only the first address', () => {
    const s = slice('ns/web-1', 'web', [ep('10.0.0.010', { nodeName: 'me' }), { addresses: ['10.0.0.2', '10.0.0.99'], nodeName: 'other' }]);
    const got = endpointsOfService('ns/web', [s], 'me').get('ns/web:p80/TCP')!;
    expect(got.map((e) => [e.str, e.isLocal])).to.deep.equal([
      ['10.0.0.10:80', true],
      ['10.0.0.2:80', false],
    ]);
  });

  it('reads zone hints and ignores node hints (PreferSameTrafficDistribution is off in 1.33)', () => {
    const s = slice('ns/web-1', 'web', [{ addresses: ['10.0.0.1'], hints: { forZones: [{ name: 'z1' }], forNodes: [{ name: 'me' }] } }]);
    const [got] = endpointsOfService('ns/web', [s], 'me').get('ns/web:p80/TCP')!;
    expect([...got!.zoneHints!]).to.deep.equal(['z1']);
    expect(Object.keys(got!)).to.not.include('nodeHints');
  });

  it('brackets IPv6 endpoints', () => {
    const s = slice('ns/web-1', 'web', [ep('2001:DB8::0001')], undefined, 'IPv6');
    const got = endpointsOfService('ns/web', [s], 'n').get('ns/web:p80/TCP')!;
    expect(got.map((e) => [e.ip, e.str])).to.deep.equal([['2001:db8::1', '[2001:db8::1]:80']]);
  });

  it('keeps one copy of an endpoint in two slices, preferring the non-terminating one', () => {
    const a = slice('ns/web-1', 'web', [ep('10.0.0.1', { conditions: { ready: false, serving: true, terminating: true } })]);
    const b = slice('ns/web-2', 'web', [ep('10.0.0.1')]);
    for (const order of [[a, b], [b, a]]) {
      const got = endpointsOfService('ns/web', order, 'n').get('ns/web:p80/TCP')!;
      expect(got.map((e) => [e.str, e.terminating])).to.deep.equal([['10.0.0.1:80', false]]);
    }
  });
});
