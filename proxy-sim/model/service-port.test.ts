import { expect } from 'chai';
import type { Service } from '../../shared/api/core.js';
import { svc } from '../testing/objects.js';
import { clusterIPOfFamily, samePorts, servicePortsOf } from './service-port.js';

describe('Services to service ports (upstream ServiceChangeTracker)', () => {
  describe('skipped Services produce no ports', () => {
    const cases: [string, Service, 4 | 6][] = [
      ['headless (None)', svc('ns/a', { clusterIP: 'None' }), 4],
      ['no cluster IP', svc('ns/a', { clusterIP: '' }), 4],
      ['ExternalName, even with a cluster IP', svc('ns/a', { type: 'ExternalName', clusterIP: '10.0.0.1', externalName: 'x.example' }), 4],
      ['IPv4-only Service on the IPv6 proxier', svc('ns/a', { clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1'], ipFamilies: ['IPv4'] }), 6],
      ['IPv6 cluster IP without ipFamilies on the IPv4 proxier', svc('ns/a', { clusterIP: 'fd00::1' }), 4],
      ['unparsable cluster IP', svc('ns/a', { clusterIP: 'nonsense' }), 4],
      ['no spec at all', { metadata: { namespace: 'ns', name: 'a' } } as Service, 4],
    ];
    for (const [name, s, family] of cases) it(name, () => expect(servicePortsOf(s, family)).to.deep.equal([]));
  });

  describe('cluster IP by family', () => {
    const dual = svc('ns/a', { clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1', 'fd00::1'], ipFamilies: ['IPv4', 'IPv6'] });
    const cases: [string, Service, 4 | 6, string][] = [
      ['dual-stack, IPv4', dual, 4, '10.0.0.1'],
      ['dual-stack, IPv6', dual, 6, 'fd00::1'],
      ['old object without ipFamilies', svc('ns/a', { clusterIP: '10.0.0.1' }), 4, '10.0.0.1'],
      ['old object, other family', svc('ns/a', { clusterIP: '10.0.0.1' }), 6, ''],
    ];
    for (const [name, s, family, want] of cases) it(name, () => expect(clusterIPOfFamily(s, family)).to.equal(want));
  });

  it('canonicalises sloppy addresses and keeps only this family', () => {
    const [p] = servicePortsOf(
      svc(
        'ns/a',
        {
          type: 'LoadBalancer',
          clusterIP: '172.30.0.041',
          externalIPs: ['192.168.099.22', '2001:db8::22', 'bogus'],
          loadBalancerSourceRanges: [' 203.0.113.000/025 ', '2001:db8::/64'],
          ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 3001 }],
        },
        { loadBalancer: { ingress: [{ ip: '1.2.3.004' }, { ip: '2001:db8::4' }, { hostname: 'lb.example' }] } },
      ),
      4,
    );
    expect(p!.clusterIP).to.equal('172.30.0.41');
    expect(p!.externalIPs).to.deep.equal(['192.168.99.22']);
    expect(p!.loadBalancerSourceRanges.map((r) => r.text)).to.deep.equal(['203.0.113.0/25']);
    expect(p!.loadBalancerVIPs).to.deep.equal(['1.2.3.4']);
  });

  it('leaves out load-balancer IPs in Proxy ipMode', () => {
    const s = svc('ns/a', { type: 'LoadBalancer', clusterIP: '10.0.0.1' }, { loadBalancer: { ingress: [{ ip: '1.1.1.1', ipMode: 'Proxy' }, { ip: '2.2.2.2', ipMode: 'VIP' }] } });
    expect(servicePortsOf(s, 4)[0]!.loadBalancerVIPs).to.deep.equal(['2.2.2.2']);
  });

  describe('traffic policies and health check node port', () => {
    const cases: [string, Partial<Service['spec']>, { eTPLocal: boolean; iTPLocal: boolean; hc: number; usesCluster: boolean; usesLocal: boolean }][] = [
      ['LoadBalancer eTP=Local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 30000, ports: [{ port: 80, nodePort: 31000 }] }, { eTPLocal: true, iTPLocal: false, hc: 30000, usesCluster: true, usesLocal: true }],
      ['LoadBalancer eTP=Cluster ignores healthCheckNodePort', { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', healthCheckNodePort: 30000, ports: [{ port: 80, nodePort: 31000 }] }, { eTPLocal: false, iTPLocal: false, hc: 0, usesCluster: true, usesLocal: false }],
      ['NodePort eTP=Local has no health check', { type: 'NodePort', externalTrafficPolicy: 'Local', healthCheckNodePort: 30000, ports: [{ port: 80, nodePort: 31000 }] }, { eTPLocal: true, iTPLocal: false, hc: 0, usesCluster: true, usesLocal: true }],
      ['ClusterIP eTP=Local without external IPs is not external', { type: 'ClusterIP', externalTrafficPolicy: 'Local' }, { eTPLocal: false, iTPLocal: false, hc: 0, usesCluster: true, usesLocal: false }],
      ['ClusterIP eTP=Local with external IPs', { type: 'ClusterIP', externalTrafficPolicy: 'Local', externalIPs: ['1.1.1.1'] }, { eTPLocal: true, iTPLocal: false, hc: 0, usesCluster: true, usesLocal: true }],
      ['iTP=Local only', { internalTrafficPolicy: 'Local' }, { eTPLocal: false, iTPLocal: true, hc: 0, usesCluster: false, usesLocal: true }],
    ];
    for (const [name, spec, want] of cases) {
      it(name, () => {
        const [p] = servicePortsOf(svc('ns/a', { clusterIP: '10.0.0.1', ...spec }), 4);
        expect({ eTPLocal: p!.externalPolicyLocal, iTPLocal: p!.internalPolicyLocal, hc: p!.healthCheckNodePort, usesCluster: p!.usesClusterEndpoints, usesLocal: p!.usesLocalEndpoints }).to.deep.equal(want);
      });
    }
  });

  it('ClientIP affinity takes the timeout, with the API default when the config is missing', () => {
    expect(servicePortsOf(svc('ns/a', { clusterIP: '10.0.0.1', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), 4)[0]!.stickyMaxAgeSeconds).to.equal(60);
    expect(servicePortsOf(svc('ns/a', { clusterIP: '10.0.0.1', sessionAffinity: 'ClientIP' }), 4)[0]!.stickyMaxAgeSeconds).to.equal(10800);
  });

  it('names ports ns/name:port, or ns/name when unnamed, and defaults the protocol to TCP', () => {
    const ports = servicePortsOf(svc('ns/a', { clusterIP: '10.0.0.1', ports: [{ port: 53, protocol: 'UDP', name: 'dns' }, { port: 80 }] }), 4);
    expect(ports.map((p) => [p.key, p.name, p.protocol])).to.deep.equal([
      ['ns/a:dns/UDP', 'ns/a:dns', 'udp'],
      ['ns/a/TCP', 'ns/a', 'tcp'],
    ]);
  });

  it('treats a write that changes nothing kube-proxy uses as no change', () => {
    const a = servicePortsOf(svc('ns/a', { clusterIP: '10.0.0.1', selector: { app: 'a' } }), 4);
    const b = servicePortsOf(svc('ns/a', { clusterIP: '10.0.0.1', selector: { app: 'b' } }), 4);
    const c = servicePortsOf(svc('ns/a', { clusterIP: '10.0.0.2' }), 4);
    expect(samePorts(a, b)).to.equal(true);
    expect(samePorts(a, c)).to.equal(false);
  });
});
