import { expect } from 'chai';
import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { NodeSettings } from './node-config.js';
import { ep, slice, svc, testConfig } from '../testing/objects.js';
import { endpointChainName, portProtoHash } from './chain-names.js';
import { renderSnapshot } from './snapshot.js';

const H = (name: string, proto = 'tcp') => portProtoHash(name, proto);
const SEP = (name: string, endpoint: string, proto = 'tcp') => endpointChainName(name, proto, endpoint);

interface Case {
  name: string;
  node?: Partial<NodeSettings>;
  family?: 4 | 6;
  services: Service[];
  slices?: EndpointSlice[];
  /** Lines that must appear, in this relative order. */
  lines: string[];
  /** Substrings that must not appear anywhere. */
  absent?: string[];
}

function check(c: Case): void {
  const out = renderSnapshot({ ...testConfig(c.node, c.family), masqueradeMark: '0x4000' }, c.services, c.slices ?? []);
  const lines = out.split('\n');
  let from = 0;
  for (const want of c.lines) {
    const at = lines.indexOf(want, from);
    if (at < 0) {
      const anywhere = lines.indexOf(want);
      expect.fail(`${anywhere < 0 ? 'missing' : 'out of order'}: ${want}\n--- output ---\n${out}`);
    }
    from = at + 1;
  }
  for (const bad of c.absent ?? []) expect(out, `output contains ${bad}`).not.to.include(bad);
}

const web = (spec: Partial<Service['spec']> = {}, status?: Service['status']) => svc('ns/web', { clusterIP: '172.30.0.10', ...spec }, status);
const webSlice = (...endpoints: ReturnType<typeof ep>[]) => slice('ns/web-1', 'web', endpoints);
const W = H('ns/web:p80');

const features: Record<string, Case[]> = {
  'cluster IP': [
    {
      name: 'jump to KUBE-SVC, masquerade off-cluster sources, one endpoint without a probability',
      services: [web()],
      slices: [webSlice(ep('10.180.0.1'))],
      lines: [
        `:KUBE-SVC-${W} - [0:0]`,
        `:${SEP('ns/web:p80', '10.180.0.1:80')} - [0:0]`,
        `-A KUBE-SERVICES -m comment --comment "ns/web:p80 cluster IP" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j KUBE-SVC-${W}`,
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 cluster IP" -m tcp -p tcp -d 172.30.0.10 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ`,
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.180.0.1:80" -j ${SEP('ns/web:p80', '10.180.0.1:80')}`,
        `-A ${SEP('ns/web:p80', '10.180.0.1:80')} -m comment --comment ns/web:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ`,
        `-A ${SEP('ns/web:p80', '10.180.0.1:80')} -m comment --comment ns/web:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80`,
      ],
    },
    {
      name: 'UDP and an unnamed port',
      services: [svc('ns/dns', { clusterIP: '172.30.0.53', ports: [{ port: 53, protocol: 'UDP' }] })],
      slices: [slice('ns/dns-1', 'dns', [ep('10.180.0.5')], [{ name: '', port: 5353, protocol: 'UDP' }])],
      lines: [
        `-A KUBE-SERVICES -m comment --comment "ns/dns cluster IP" -m udp -p udp -d 172.30.0.53 --dport 53 -j KUBE-SVC-${H('ns/dns', 'udp')}`,
        `-A ${SEP('ns/dns', '10.180.0.5:5353', 'udp')} -m comment --comment ns/dns -m udp -p udp -j DNAT --to-destination 10.180.0.5:5353`,
      ],
    },
  ],
  'external IPs': [
    {
      name: 'external IP jumps to KUBE-EXT, which masquerades and goes to KUBE-SVC',
      services: [web({ externalIPs: ['192.168.99.33'] })],
      slices: [webSlice(ep('10.180.0.1'))],
      lines: [
        `:KUBE-EXT-${W} - [0:0]`,
        `:KUBE-SVC-${W} - [0:0]`,
        `-A KUBE-SERVICES -m comment --comment "ns/web:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-${W}`,
        `-A KUBE-EXT-${W} -m comment --comment "masquerade traffic for ns/web:p80 external destinations" -j KUBE-MARK-MASQ`,
        `-A KUBE-EXT-${W} -j KUBE-SVC-${W}`,
      ],
    },
  ],
  'load balancer and source ranges': [
    {
      name: 'LB IP with source ranges goes through KUBE-FW; other sources dropped in filter',
      services: [web({ type: 'LoadBalancer', loadBalancerSourceRanges: ['203.0.113.0/25'], ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] }, { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } })],
      slices: [webSlice(ep('10.180.0.1'))],
      lines: [
        `-A KUBE-PROXY-FIREWALL -m comment --comment "ns/web:p80 traffic not accepted by KUBE-FW-${W}" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP`,
        `:KUBE-EXT-${W} - [0:0]`,
        `:KUBE-FW-${W} - [0:0]`,
        `-A KUBE-SERVICES -m comment --comment "ns/web:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-${W}`,
        `-A KUBE-FW-${W} -m comment --comment "ns/web:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-${W}`,
        `-A KUBE-FW-${W} -m comment --comment "other traffic to ns/web:p80 will be dropped by KUBE-PROXY-FIREWALL"`,
      ],
      absent: ['-s 5.6.7.8'],
    },
    {
      name: 'a source range containing the node IP also lets the LB IPs in',
      services: [web({ type: 'LoadBalancer', loadBalancerSourceRanges: ['192.168.0.0/16'], ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] }, { loadBalancer: { ingress: [{ ip: '5.6.7.8' }, { ip: '5.6.7.9' }] } })],
      slices: [webSlice(ep('10.180.0.1'))],
      lines: [
        `-A KUBE-FW-${W} -m comment --comment "ns/web:p80 loadbalancer IP" -s 192.168.0.0/16 -j KUBE-EXT-${W}`,
        `-A KUBE-FW-${W} -m comment --comment "ns/web:p80 loadbalancer IP" -s 5.6.7.8 -j KUBE-EXT-${W}`,
        `-A KUBE-FW-${W} -m comment --comment "ns/web:p80 loadbalancer IP" -s 5.6.7.9 -j KUBE-EXT-${W}`,
      ],
    },
    {
      name: 'LB IP without source ranges goes straight to KUBE-EXT',
      services: [web({ type: 'LoadBalancer', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] }, { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } })],
      slices: [webSlice(ep('10.180.0.1'))],
      lines: [`-A KUBE-SERVICES -m comment --comment "ns/web:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-EXT-${W}`],
      absent: ['KUBE-FW-', 'KUBE-PROXY-FIREWALL -m'],
    },
  ],
  'node ports': [
    {
      name: 'NodePort with localhost NodePorts and nfacct: the counted 127.0.0.0/8 rule first',
      node: { nfacct: true },
      services: [web({ type: 'NodePort', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] })],
      slices: [webSlice(ep('10.180.0.1'))],
      lines: [
        `-A KUBE-NODEPORTS -m comment --comment ns/web:p80 -m tcp -p tcp -d 127.0.0.0/8 --dport 30080 -m nfacct --nfacct-name localhost_nps_accepted_pkts -j KUBE-EXT-${W}`,
        `-A KUBE-NODEPORTS -m comment --comment ns/web:p80 -m tcp -p tcp --dport 30080 -j KUBE-EXT-${W}`,
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
      ],
    },
    {
      name: 'without nfacct there is no counted rule',
      services: [web({ type: 'NodePort', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] })],
      slices: [webSlice(ep('10.180.0.1'))],
      lines: [`-A KUBE-NODEPORTS -m comment --comment ns/web:p80 -m tcp -p tcp --dport 30080 -j KUBE-EXT-${W}`],
      absent: ['nfacct'],
    },
    {
      name: 'localhost NodePorts off: match-all excludes 127.0.0.0/8',
      node: { localhostNodePorts: false },
      services: [web({ type: 'NodePort', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] })],
      slices: [webSlice(ep('10.180.0.1'))],
      lines: ['-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS'],
      absent: ['KUBE-FIREWALL'],
    },
    {
      name: '--nodeport-addresses: one final rule per matching node IP',
      node: { nodePortAddresses: ['192.168.0.0/16'] },
      services: [],
      lines: [
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 192.168.0.2 -j KUBE-NODEPORTS',
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 192.168.1.2 -j KUBE-NODEPORTS',
      ],
      absent: ['addrtype --dst-type LOCAL -j KUBE-NODEPORTS', 'KUBE-FIREWALL'],
    },
    {
      name: '--nodeport-addresses matching no node IP: no final rule at all',
      node: { nodePortAddresses: ['10.99.0.0/16'] },
      services: [],
      lines: [],
      absent: ['kubernetes service nodeports'],
    },
  ],
  masquerade: [
    {
      name: '--masquerade-all masquerades every cluster-IP connection',
      node: { masqueradeAll: true },
      services: [web()],
      slices: [webSlice(ep('10.180.0.1'))],
      lines: [`-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 cluster IP" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j KUBE-MARK-MASQ`],
      absent: ['! -s 10.0.0.0/8'],
    },
    {
      name: 'NoOp detector: no cluster-IP masquerade rule and no pod short-circuit',
      node: { detectLocalMode: 'NoOp' },
      services: [web({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] })],
      slices: [webSlice(ep('10.180.0.1', { nodeName: 'test-node' }))],
      lines: [
        `-A KUBE-EXT-${W} -m comment --comment "masquerade LOCAL traffic for ns/web:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
        `-A KUBE-EXT-${W} -m comment --comment "route LOCAL traffic for ns/web:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-${W}`,
        `-A KUBE-EXT-${W} -j KUBE-SVL-${W}`,
      ],
      absent: ['cluster IP" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j KUBE-MARK-MASQ', 'pod traffic', '! -s 10.0.0.0/8'],
    },
    {
      name: 'the mark follows --iptables-masquerade-bit',
      services: [],
      lines: ['-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000'],
    },
  ],
  probabilities: [
    {
      name: 'probabilities 1/n, 1/(n-1), ... in byte order of the endpoints; none on the last',
      services: [web()],
      slices: [webSlice(ep('10.1.1.1'), ep('10.1.1.11'), ep('10.1.1.2'), ep('10.0.1.10'))],
      lines: [
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.0.1.10:80" -m statistic --mode random --probability 0.2500000000 -j ${SEP('ns/web:p80', '10.0.1.10:80')}`,
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.1.1.11:80" -m statistic --mode random --probability 0.3333333333 -j ${SEP('ns/web:p80', '10.1.1.11:80')}`,
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.1.1.1:80" -m statistic --mode random --probability 0.5000000000 -j ${SEP('ns/web:p80', '10.1.1.1:80')}`,
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.1.1.2:80" -j ${SEP('ns/web:p80', '10.1.1.2:80')}`,
      ],
    },
  ],
  'session affinity': [
    {
      name: 'ClientIP: recent --rcheck per endpoint first, then the spread; DNAT records the client',
      services: [web({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } } })],
      slices: [webSlice(ep('10.180.0.1'), ep('10.180.0.2'))],
      lines: [
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.180.0.1:80" -m recent --name ${SEP('ns/web:p80', '10.180.0.1:80')} --rcheck --seconds 300 --reap -j ${SEP('ns/web:p80', '10.180.0.1:80')}`,
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.180.0.2:80" -m recent --name ${SEP('ns/web:p80', '10.180.0.2:80')} --rcheck --seconds 300 --reap -j ${SEP('ns/web:p80', '10.180.0.2:80')}`,
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.5000000000 -j ${SEP('ns/web:p80', '10.180.0.1:80')}`,
        `-A ${SEP('ns/web:p80', '10.180.0.1:80')} -m comment --comment ns/web:p80 -m recent --name ${SEP('ns/web:p80', '10.180.0.1:80')} --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80`,
      ],
    },
  ],
  'traffic policy Local': [
    {
      name: 'iTP=Local with a local endpoint: cluster IP goes to KUBE-SVL with only local endpoints',
      services: [web({ internalTrafficPolicy: 'Local' })],
      slices: [webSlice(ep('10.180.0.1', { nodeName: 'test-node' }), ep('10.180.0.2', { nodeName: 'other' }))],
      lines: [
        `:KUBE-SVL-${W} - [0:0]`,
        `-A KUBE-SERVICES -m comment --comment "ns/web:p80 cluster IP" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j KUBE-SVL-${W}`,
        `-A KUBE-SVL-${W} -m comment --comment "ns/web:p80 cluster IP" -m tcp -p tcp -d 172.30.0.10 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ`,
        `-A KUBE-SVL-${W} -m comment --comment "ns/web:p80 -> 10.180.0.1:80" -j ${SEP('ns/web:p80', '10.180.0.1:80')}`,
      ],
      absent: [`KUBE-SVC-${W}`, '10.180.0.2'],
    },
    {
      name: 'iTP=Local without a local endpoint: DROP in filter, nothing in nat',
      services: [web({ internalTrafficPolicy: 'Local' })],
      slices: [webSlice(ep('10.180.0.2', { nodeName: 'other' }))],
      lines: ['-A KUBE-SERVICES -m comment --comment "ns/web:p80 has no local endpoints" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j DROP'],
      absent: [`KUBE-SVL-${W}`, `KUBE-SVC-${W}`, 'KUBE-SEP-'],
    },
    {
      name: 'eTP=Local LoadBalancer with a local endpoint: health check, short-circuits, KUBE-SVL for outsiders',
      services: [web({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: 32000, ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] }, { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } })],
      slices: [webSlice(ep('10.180.0.1', { nodeName: 'test-node' }), ep('10.180.0.2'))],
      lines: [
        '-A KUBE-NODEPORTS -m comment --comment "ns/web:p80 health check node port" -m tcp -p tcp --dport 32000 -j ACCEPT',
        `-A KUBE-EXT-${W} -m comment --comment "pod traffic for ns/web:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-${W}`,
        `-A KUBE-EXT-${W} -m comment --comment "masquerade LOCAL traffic for ns/web:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ`,
        `-A KUBE-EXT-${W} -m comment --comment "route LOCAL traffic for ns/web:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-${W}`,
        `-A KUBE-EXT-${W} -j KUBE-SVL-${W}`,
        `-A KUBE-SVL-${W} -m comment --comment "ns/web:p80 -> 10.180.0.1:80" -j ${SEP('ns/web:p80', '10.180.0.1:80')}`,
      ],
      absent: ['DROP\n-A KUBE-EXTERNAL', 'has no local endpoints'],
    },
  ],
  'ready, serving and terminating endpoints': [
    {
      name: 'only serving terminating endpoints: they are used',
      services: [web()],
      slices: [webSlice(ep('10.180.0.1', { conditions: { ready: false, serving: true, terminating: true } }), ep('10.180.0.2', { conditions: { ready: false, serving: false, terminating: true } }))],
      lines: [`-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.180.0.1:80" -j ${SEP('ns/web:p80', '10.180.0.1:80')}`],
      absent: ['10.180.0.2'],
    },
    {
      name: 'a ready endpoint wins over terminating ones',
      services: [web()],
      slices: [webSlice(ep('10.180.0.1', { conditions: { ready: false, serving: true, terminating: true } }), ep('10.180.0.2'))],
      lines: [`-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.180.0.2:80" -j ${SEP('ns/web:p80', '10.180.0.2:80')}`],
      absent: ['10.180.0.1'],
    },
    {
      name: 'eTP=Local: the local terminating endpoint serves outsiders, the remote ready one pods; both get a SEP chain',
      services: [web({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] })],
      slices: [webSlice(ep('10.180.0.1', { nodeName: 'test-node', conditions: { ready: false, serving: true, terminating: true } }), ep('10.180.0.2'))],
      lines: [
        `:KUBE-SVC-${W} - [0:0]`,
        `:KUBE-SVL-${W} - [0:0]`,
        `:${SEP('ns/web:p80', '10.180.0.1:80')} - [0:0]`,
        `:${SEP('ns/web:p80', '10.180.0.2:80')} - [0:0]`,
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 -> 10.180.0.2:80" -j ${SEP('ns/web:p80', '10.180.0.2:80')}`,
        `-A KUBE-SVL-${W} -m comment --comment "ns/web:p80 -> 10.180.0.1:80" -j ${SEP('ns/web:p80', '10.180.0.1:80')}`,
      ],
    },
  ],
  'REJECT and DROP': [
    {
      name: 'no endpoints: REJECT for the cluster IP, external IP, LB IP and NodePort; nothing in nat',
      services: [web({ type: 'LoadBalancer', externalIPs: ['192.168.99.33'], ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] }, { loadBalancer: { ingress: [{ ip: '5.6.7.8' }] } })],
      lines: [
        '-A KUBE-SERVICES -m comment --comment "ns/web:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.10 --dport 80 -j REJECT',
        '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns/web:p80 has no endpoints" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j REJECT',
        '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns/web:p80 has no endpoints" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j REJECT',
        '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns/web:p80 has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT',
      ],
      absent: [`KUBE-SVC-${W}`, `KUBE-EXT-${W}`, 'KUBE-NODEPORTS -m comment --comment ns/web'],
    },
    {
      name: 'eTP=Local without a local endpoint: DROP for outsiders, short-circuit kept, no KUBE-SVL',
      services: [web({ type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] })],
      slices: [webSlice(ep('10.180.0.2'))],
      lines: [
        '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns/web:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j DROP',
        `-A KUBE-EXT-${W} -m comment --comment "route LOCAL traffic for ns/web:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-${W}`,
      ],
      absent: [`KUBE-SVL-${W}`, `-A KUBE-EXT-${W} -j`],
    },
  ],
  'IPv6': [
    {
      name: 'IPv6 proxier: IPv6 cluster IP and endpoints, bracketed DNAT target, no KUBE-FIREWALL, ::1 excluded',
      family: 6,
      services: [web({ clusterIP: '172.30.0.10', clusterIPs: ['172.30.0.10', 'fd00:30::10'], ipFamilies: ['IPv4', 'IPv6'] })],
      slices: [slice('ns/web-v6', 'web', [ep('fd00:10::1')], undefined, 'IPv6'), webSlice(ep('10.180.0.1'))],
      lines: [
        `-A KUBE-SERVICES -m comment --comment "ns/web:p80 cluster IP" -m tcp -p tcp -d fd00:30::10 --dport 80 -j KUBE-SVC-${W}`,
        `-A KUBE-SVC-${W} -m comment --comment "ns/web:p80 cluster IP" -m tcp -p tcp -d fd00:30::10 --dport 80 ! -s fd00:10::/64 -j KUBE-MARK-MASQ`,
        `-A ${SEP('ns/web:p80', '[fd00:10::1]:80')} -m comment --comment ns/web:p80 -s fd00:10::1 -j KUBE-MARK-MASQ`,
        `-A ${SEP('ns/web:p80', '[fd00:10::1]:80')} -m comment --comment ns/web:p80 -m tcp -p tcp -j DNAT --to-destination [fd00:10::1]:80`,
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL ! -d ::1/128 -j KUBE-NODEPORTS',
      ],
      absent: ['KUBE-FIREWALL', '10.180.0.1', '172.30.0.10'],
    },
  ],
  'skipped Services': [
    {
      name: 'headless and ExternalName Services get no rules',
      services: [svc('ns/headless', { clusterIP: 'None' }), svc('ns/ext', { type: 'ExternalName', externalName: 'x.example', clusterIP: '' })],
      slices: [slice('ns/headless-1', 'headless', [ep('10.180.0.1')])],
      lines: [],
      absent: ['ns/headless', 'ns/ext'],
    },
  ],
  'fixed chains': [
    {
      name: 'nf_conntrack_tcp_be_liberal: no INVALID drop',
      node: { conntrackTCPBeLiberal: true },
      services: [],
      lines: ['-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT'],
      absent: ['INVALID'],
    },
    {
      name: 'INVALID drop with and without the nfacct counter',
      node: { nfacct: true },
      services: [],
      lines: ['-A KUBE-FORWARD -m conntrack --ctstate INVALID -m nfacct --nfacct-name ct_state_invalid_dropped_pkts -j DROP'],
    },
    {
      name: '--random-fully',
      node: { randomFully: true },
      services: [],
      lines: ['-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully'],
    },
  ],
};

describe('rendering, feature by feature', () => {
  for (const [feature, cases] of Object.entries(features)) {
    describe(feature, () => {
      for (const c of cases) it(c.name, () => check(c));
    });
  }

  describe('large-cluster mode', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ep(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    for (const [total, large] of [
      [1000, false],
      [1001, true],
    ] as const) {
      it(`${total} endpoints in total: comments ${large ? 'dropped' : 'kept'} on SEP and SVC->SEP rules only`, () => {
        const out = renderSnapshot(testConfig(), [web(), svc('ns/other', { clusterIP: '172.30.0.11' })], [
          webSlice(...many(total - 1)),
          slice('ns/other-1', 'other', [ep('10.200.0.1')]),
        ]);
        const sepRules = out.split('\n').filter((l) => l.startsWith('-A KUBE-SEP-'));
        const svcToSep = out.split('\n').filter((l) => l.startsWith('-A KUBE-SVC-') && l.includes('-j KUBE-SEP-'));
        expect(sepRules).to.have.length(2 * total);
        expect(sepRules.some((l) => l.includes('--comment'))).to.equal(!large);
        expect(svcToSep.some((l) => l.includes('--comment'))).to.equal(!large);
        expect(out).to.include('-m comment --comment "ns/web:p80 cluster IP"');
        if (large) expect(out).to.include(`-A KUBE-SVC-${W} -m statistic --mode random --probability 0.0010000000 -j `);
      });
    }
  });
});
