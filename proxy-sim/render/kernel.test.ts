import { expect } from 'chai';
import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { Proxier } from '../sync/proxier.js';
import { goldenObjects } from '../testing/golden.js';
import { NetNamespace } from '../testing/netns.js';
import { ep, slice, svc, testConfig } from '../testing/objects.js';
import { renderSnapshot } from './snapshot.js';

/** Services and slices that between them use every rendering feature. */
function variedState(): { services: Service[]; slices: EndpointSlice[] } {
  const golden = goldenObjects('01-overall');
  const dual = (name: string, v4: string, v6: string, spec: Partial<Service['spec']> = {}, status?: Service['status']) =>
    svc(name, { clusterIP: v4, clusterIPs: [v4, v6], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack', ...spec }, status);
  const services = [
    ...golden.services,
    dual('app/affinity', '172.30.1.1', 'fd00:30::1', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 300 } } }),
    dual('app/itp-local', '172.30.1.2', 'fd00:30::2', { internalTrafficPolicy: 'Local' }),
    dual('app/itp-local-none', '172.30.1.3', 'fd00:30::3', { internalTrafficPolicy: 'Local' }),
    dual('app/lb-local', '172.30.1.4', 'fd00:30::4', {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32100,
      externalIPs: ['192.168.99.50', '2001:db8::50'],
      loadBalancerSourceRanges: ['192.168.0.0/16', '2001:db8::/32'],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', nodePort: 31443 }],
    }, { loadBalancer: { ingress: [{ ip: '5.5.5.5' }, { ip: '2001:db8::5' }] } }),
    dual('app/multi', '172.30.1.5', 'fd00:30::5', {
      type: 'NodePort',
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', nodePort: 30054 },
        { name: 'sctp', port: 9999, protocol: 'SCTP', nodePort: 30055 },
      ],
    }),
    dual('app/terminating', '172.30.1.6', 'fd00:30::6', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30080 }] }),
    dual('app/no-endpoints', '172.30.1.7', 'fd00:30::7', { type: 'LoadBalancer', externalIPs: ['192.168.99.51', '2001:db8::51'], ports: [{ name: 'p80', port: 80, protocol: 'TCP', nodePort: 30081 }] }, { loadBalancer: { ingress: [{ ip: '5.5.5.7' }, { ip: '2001:db8::7' }] } }),
  ];
  const both = (name: string, service: string, v4: string[], v6: string[], ports?: Parameters<typeof slice>[3], extra: Partial<Parameters<typeof ep>[1]> = {}) => [
    slice(`${name}-v4`, service, v4.map((ip, i) => ep(ip, { nodeName: i === 0 ? 'test-node' : 'other', ...extra })), ports),
    slice(`${name}-v6`, service, v6.map((ip, i) => ep(ip, { nodeName: i === 0 ? 'test-node' : 'other', ...extra })), ports, 'IPv6'),
  ];
  const slices = [
    ...golden.slices,
    ...both('app/affinity', 'affinity', ['10.1.0.1', '10.1.0.2', '10.1.0.3'], ['fd00:10::1', 'fd00:10::2']),
    ...both('app/itp-local', 'itp-local', ['10.1.1.1', '10.1.1.2'], ['fd00:11::1', 'fd00:11::2']),
    ...both('app/itp-local-none', 'itp-local-none', [], []),
    slice('app/itp-local-none-remote', 'itp-local-none', [ep('10.1.2.2', { nodeName: 'other' })]),
    ...both('app/lb-local', 'lb-local', ['10.1.3.1', '10.1.3.2'], ['fd00:13::1'], [{ name: 'https', port: 8443, protocol: 'TCP' }]),
    ...both('app/multi', 'multi', ['10.1.4.1', '10.1.4.2'], ['fd00:14::1'], [
      { name: 'dns', port: 5353, protocol: 'UDP' },
      { name: 'dns-tcp', port: 5353, protocol: 'TCP' },
      { name: 'sctp', port: 9999, protocol: 'SCTP' },
    ]),
    ...both('app/terminating', 'terminating', ['10.1.5.1', '10.1.5.2'], ['fd00:15::1', 'fd00:15::2'], undefined, { conditions: { ready: false, serving: true, terminating: true } }),
  ];
  return { services, slices };
}

describe('rendered rules through the kernel parser (iptables-restore in a network namespace)', function () {
  this.timeout(60_000);
  const ns = new NetNamespace();

  before(function () {
    const why = NetNamespace.unavailable();
    if (why) {
      if (process.env.CI === 'true') throw new Error(`kernel parser tests cannot run on CI: ${why}`);
      console.log(`      skipped: ${why} (they run as root with iptables installed)`);
      this.skip();
    }
    ns.create();
  });
  after(() => ns.destroy());

  for (const family of [4, 6] as const) {
    const tool = family === 4 ? 'iptables-restore' : 'ip6tables-restore';
    it(`${tool} --test accepts a full sync using every feature (IPv${family})`, () => {
      const { services, slices } = variedState();
      for (const node of [{ nfacct: true, randomFully: true }, { nodePortAddresses: ['192.168.0.0/16', '2001:db8::/32'], masqueradeAll: true }, { detectLocalMode: 'NoOp' as const, localhostNodePorts: false }]) {
        const text = renderSnapshot(testConfig(node, family), services, slices);
        expect(text).to.include(family === 4 ? '-j DNAT --to-destination 10.1.0.1:80' : '-j DNAT --to-destination [fd00:10::1]:80');
        ns.exec(tool, ['--test', '--noflush'], text);
      }
      // Large-cluster mode: the same, with comments left out of the endpoint rules.
      const many = slice('app/many-1', 'many', Array.from({ length: 1001 }, (_, i) => ep(family === 4 ? `10.2.${i >> 8}.${i & 255}` : `fd00:20::${i.toString(16)}`)), undefined, family === 4 ? 'IPv4' : 'IPv6');
      const large = renderSnapshot(testConfig({}, family), [...services, svc('app/many', { clusterIP: '172.30.1.9', clusterIPs: ['172.30.1.9', 'fd00:30::9'], ipFamilies: ['IPv4', 'IPv6'] })], [...slices, many]);
      expect(large.split('\n').filter((l) => l.startsWith('-A KUBE-SEP-') && l.includes('--comment'))).to.deep.equal([]);
      ns.exec(tool, ['--test', '--noflush'], large);
    });

    it(`${tool} applies a full sync, then partial syncs that add and delete chains (IPv${family})`, () => {
      const { services, slices } = variedState();
      const proxier = new Proxier({ config: testConfig({}, family), syncPeriodMs: 3_600_000 });
      const restore = (text: string) => void ns.exec(tool, ['--noflush', '--counters'], text);
      const key = (s: EndpointSlice) => `/registry/endpointslices/${s.metadata.namespace}/${s.metadata.name}`;
      for (const s of services) proxier.onService(`${s.metadata.namespace}/${s.metadata.name}`, s);
      for (const [i, s] of slices.entries()) proxier.onEndpointSlice(key(s), s, i + 1);
      const steps: (() => void)[] = [
        () => undefined,
        () => proxier.onService('app/affinity', undefined),
        () => proxier.onEndpointSlice(key(slices.find((s) => s.metadata.name === 'multi-v4')!), undefined, 0),
        () => proxier.onService('ns4/svc4', svc('ns4/svc4', { clusterIP: '172.30.0.44', type: 'NodePort', ports: [{ name: 'p80', port: 81, protocol: 'TCP', nodePort: 30444 }] })),
        () => proxier.onService('app/itp-local', undefined),
      ];
      const save = family === 4 ? 'iptables-save' : 'ip6tables-save';
      for (const step of steps) {
        step();
        proxier.sync(restore);
        const kernel = ns
          .exec(save, ['-t', 'nat'])
          .split('\n')
          .filter((l) => /^:KUBE-(SVC|SVL|EXT|FW|SEP)-/.test(l))
          .map((l) => l.slice(1).split(' ')[0]!)
          .sort();
        expect(kernel).to.deep.equal(proxier.kernelChains());
      }
    });
  }
});
