import { expect } from 'chai';
import { renderSnapshot } from '../render/snapshot.js';
import { ep, slice, svc, testConfig, testNode } from '../testing/objects.js';
import { hostAddresses } from '../render/node-config.js';
import { formatIP } from '../../shared/net/ip.js';
import { parseRule, parseTables, splitWords } from './rules.js';
import { tracePacket, type Protocol } from './tracer.js';
import { explainTrace } from './explain.js';

const services = [
  svc('ns1/two', { clusterIP: '172.30.0.41' }),
  svc('ns2/none', { clusterIP: '172.30.0.42' }),
  svc('ns3/itp-local', { clusterIP: '172.30.0.43', internalTrafficPolicy: 'Local' }),
  svc('ns4/np', { clusterIP: '172.30.0.44', type: 'NodePort', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30044 }] }),
  svc('ns5/etp-local', {
    clusterIP: '172.30.0.45',
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Local',
    healthCheckNodePort: 30000,
    ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30045 }],
  }),
  svc('ns6/sticky', { clusterIP: '172.30.0.46', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } }),
  svc('ns7/dns', { clusterIP: '172.30.0.47', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] }),
  svc('ns8/lb', {
    clusterIP: '172.30.0.48',
    type: 'LoadBalancer',
    loadBalancerSourceRanges: ['203.0.113.0/25'],
    ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30048 }],
  }, { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } }),
  svc('ns9/v6', { clusterIP: 'fd00:172:30::41', clusterIPs: ['fd00:172:30::41'], ipFamilies: ['IPv6'] }),
];
const slices = [
  slice('ns1/two-a', 'two', [ep('10.180.0.1'), ep('10.180.0.2', { nodeName: 'other' })]),
  slice('ns3/itp-local-a', 'itp-local', [ep('10.180.0.3', { nodeName: 'other' })]),
  slice('ns4/np-a', 'np', [ep('10.180.0.4', { nodeName: 'other' })]),
  slice('ns5/etp-local-a', 'etp-local', [ep('10.180.0.5', { nodeName: 'test-node' }), ep('10.180.0.6', { nodeName: 'other' })]),
  slice('ns6/sticky-a', 'sticky', [ep('10.180.0.7'), ep('10.180.0.8')]),
  slice('ns7/dns-a', 'dns', [ep('10.180.0.9')], [{ name: 'dns', port: 5353, protocol: 'UDP' }]),
  slice('ns8/lb-a', 'lb', [ep('10.180.0.10')]),
  slice('ns9/v6-a', 'v6', [ep('fd00:10::1')], undefined, 'IPv6'),
];

function trace(family: 4 | 6, src: string, dst: string, dport: number, protocol: Protocol = 'tcp') {
  const text = renderSnapshot(testConfig({}, family), services, slices);
  const local = hostAddresses(testNode()).map(formatIP);
  return tracePacket(parseTables(text), { src, dst, dport, protocol }, local);
}

describe('trace: one packet through the rendered rules (upstream tracer semantics)', () => {
  const pod = '10.0.0.2';
  const node = '192.168.0.2';
  const external = '203.0.113.9';
  const cases: { name: string; family?: 4 | 6; src: string; dst: string; dport: number; protocol?: Protocol; output: string; masq: boolean }[] = [
    { name: 'cluster IP from a pod: both endpoints, no masquerade', src: pod, dst: '172.30.0.41', dport: 80, output: '10.180.0.1:80, 10.180.0.2:80', masq: false },
    { name: 'cluster IP from outside the cluster CIDR: masquerade', src: external, dst: '172.30.0.41', dport: 80, output: '10.180.0.1:80, 10.180.0.2:80', masq: true },
    { name: 'cluster IP, wrong port: no kube-proxy rule', src: pod, dst: '172.30.0.41', dport: 81, output: '', masq: false },
    { name: 'an address that is no Service', src: pod, dst: '10.180.0.1', dport: 80, output: '', masq: false },
    { name: 'no endpoints: REJECT', src: pod, dst: '172.30.0.42', dport: 80, output: 'REJECT', masq: false },
    { name: 'internalTrafficPolicy Local without local endpoints: DROP', src: pod, dst: '172.30.0.43', dport: 80, output: 'DROP', masq: false },
    { name: 'NodePort on the node IP from outside: masquerade', src: external, dst: node, dport: 30044, output: '10.180.0.4:80', masq: true },
    { name: 'NodePort on another node address', src: external, dst: '192.168.1.2', dport: 30044, output: '10.180.0.4:80', masq: true },
    { name: 'NodePort, not a node address: nothing', src: external, dst: '192.168.7.7', dport: 30044, output: '', masq: false },
    { name: 'externalTrafficPolicy Local from outside: the local endpoint, source kept', src: external, dst: node, dport: 30045, output: '10.180.0.5:80', masq: false },
    { name: 'externalTrafficPolicy Local from the node itself: all endpoints, masquerade', src: node, dst: node, dport: 30045, output: '10.180.0.5:80, 10.180.0.6:80', masq: true },
    { name: 'externalTrafficPolicy Local from a pod: all endpoints, short-circuit', src: pod, dst: node, dport: 30045, output: '10.180.0.5:80, 10.180.0.6:80', masq: false },
    { name: 'health check node port: ACCEPT', src: external, dst: node, dport: 30000, output: 'ACCEPT', masq: false },
    { name: 'hairpin: an endpoint reaching its own Service is masqueraded', src: '10.180.0.1', dst: '172.30.0.41', dport: 80, output: '10.180.0.1:80, 10.180.0.2:80', masq: true },
    { name: 'session affinity: a first packet is balanced like any other', src: pod, dst: '172.30.0.46', dport: 80, output: '10.180.0.7:80, 10.180.0.8:80', masq: false },
    { name: 'UDP Service, UDP packet', src: pod, dst: '172.30.0.47', dport: 53, protocol: 'udp', output: '10.180.0.9:5353', masq: false },
    { name: 'UDP Service, TCP packet: nothing', src: pod, dst: '172.30.0.47', dport: 53, output: '', masq: false },
    { name: 'load balancer IP from an allowed source range', src: '203.0.113.5', dst: '1.2.3.4', dport: 80, output: '10.180.0.10:80', masq: true },
    { name: 'load balancer IP from outside the source ranges: DROP', src: '203.0.113.200', dst: '1.2.3.4', dport: 80, output: 'DROP', masq: false },
    { name: 'IPv6 cluster IP', family: 6, src: 'fd00:10::99', dst: 'fd00:172:30::41', dport: 80, output: '[fd00:10::1]:80', masq: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = trace(c.family ?? 4, c.src, c.dst, c.dport, c.protocol);
      expect({ output: r.output, masq: r.masq }, r.path.map((s) => s.rule).join('\n')).to.deep.equal({ output: c.output, masq: c.masq });
    });
  }

  it('gives each endpoint its chance', () => {
    const r = trace(4, pod, '172.30.0.41', 80);
    expect(r.ends).to.deep.equal([
      { output: '10.180.0.1:80', chance: 0.5 },
      { output: '10.180.0.2:80', chance: 0.5 },
    ]);
  });

  it('explains the path for people: chains, reasons, verdict', () => {
    const packet = { src: external, dst: '172.30.0.41', dport: 80, protocol: 'tcp' as const };
    const text = explainTrace(packet, trace(4, external, '172.30.0.41', 80));
    expect(text).to.include("nat KUBE-SERVICES: kube-proxy's entry point");
    expect(text).to.include('source 203.0.113.9 is not in 10.0.0.0/8');
    expect(text).to.include('DNAT to one of 10.180.0.1:80 (50%), 10.180.0.2:80 (50%)');
    expect(text).to.include('Masqueraded');
    const sticky = explainTrace(packet, trace(4, pod, '172.30.0.46', 80));
    expect(sticky).to.include('an earlier connection from this source recorded in KUBE-SEP-');
    expect(explainTrace(packet, trace(4, pod, '172.30.0.42', 80))).to.include('connection refused');
  });

  it('splits rule words as iptables-restore does', () => {
    expect(splitWords('-A X -m comment --comment "ns1/svc1:p80 cluster IP" -j Y')).to.deep.equal(['-A', 'X', '-m', 'comment', '--comment', 'ns1/svc1:p80 cluster IP', '-j', 'Y']);
    const rule = parseRule('nat', '-A KUBE-SVC-X ! -s 10.0.0.0/8 -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-Y');
    expect(rule).to.include({ chain: 'KUBE-SVC-X', probability: 0.3333333333, target: 'KUBE-SEP-Y' });
    expect(rule.source).to.deep.equal({ value: '10.0.0.0/8', negated: true });
    expect(parseRule('nat', '-A X -m foo --bar 1 -j Y').unknown).to.equal('--bar 1');
  });

  it('reads an iptables-save listing too, and -X removes a chain', () => {
    const t = parseTables('*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SEP-A - [5:300]\n-A KUBE-SERVICES -d 1.1.1.1/32 -p tcp -j DNAT --to-destination 2.2.2.2:80\n-X KUBE-SEP-A\nCOMMIT\n');
    expect([...t.get('nat')!.keys()]).to.deep.equal(['KUBE-SERVICES']);
    expect(tracePacket(t, { src: '3.3.3.3', dst: '1.1.1.1', dport: 9, protocol: 'tcp' }, []).output).to.equal('2.2.2.2:80');
  });
});
