import { expect } from 'chai';
import type { Service, ServiceSpec } from '../../shared/api/core.js';
import { setServiceDefaults } from './defaults.js';

const decoded = (spec: ServiceSpec, status?: Service['status']): Service => ({
  metadata: { name: 'web', namespace: 'default' },
  spec,
  ...(status ? { status } : {}),
});

describe('SetDefaults_Service (v1 decode)', () => {
  const rows: [string, Service, Partial<ServiceSpec> | ((s: Service) => void)][] = [
    [
      'empty spec',
      decoded({}),
      { sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster' },
    ],
    [
      'ports: protocol and targetPort',
      decoded({ ports: [{ port: 80 }, { port: 81, targetPort: 0 }, { port: 82, targetPort: '' }, { port: 83, targetPort: 'metrics', protocol: 'UDP' }, { port: 84, targetPort: 8084 }] }),
      {
        ports: [
          { port: 80, protocol: 'TCP', targetPort: 80 },
          { port: 81, protocol: 'TCP', targetPort: 81 },
          { port: 82, protocol: 'TCP', targetPort: 82 },
          { port: 83, protocol: 'UDP', targetPort: 'metrics' },
          { port: 84, protocol: 'TCP', targetPort: 8084 },
        ],
      },
    ],
    ['ClientIP gets the default config', decoded({ sessionAffinity: 'ClientIP' }), { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } }],
    [
      'ClientIP with an incomplete config gets the whole default',
      decoded({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: {} } }),
      { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } },
    ],
    [
      'ClientIP keeps a given timeout',
      decoded({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }),
      { sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } },
    ],
    ['None drops the config', decoded({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), (s) => expect(s.spec).not.to.have.property('sessionAffinityConfig')],
    ['NodePort: externalTrafficPolicy Cluster', decoded({ type: 'NodePort' }), { externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster' }],
    ['ClusterIP with externalIPs: externalTrafficPolicy Cluster', decoded({ externalIPs: ['192.0.2.1'] }), { externalTrafficPolicy: 'Cluster' }],
    ['ClusterIP: no externalTrafficPolicy', decoded({}), (s) => expect(s.spec).not.to.have.property('externalTrafficPolicy')],
    ['externalTrafficPolicy kept', decoded({ type: 'NodePort', externalTrafficPolicy: 'Local' }), { externalTrafficPolicy: 'Local' }],
    [
      'ExternalName: no traffic policies',
      decoded({ type: 'ExternalName', externalName: 'x.example.com' }),
      (s) => {
        expect(s.spec).not.to.have.property('internalTrafficPolicy');
        expect(s.spec).not.to.have.property('externalTrafficPolicy');
      },
    ],
    ['LoadBalancer: allocateLoadBalancerNodePorts', decoded({ type: 'LoadBalancer' }), { allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Cluster' }],
    ['LoadBalancer: allocateLoadBalancerNodePorts false kept', decoded({ type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }), { allocateLoadBalancerNodePorts: false }],
    ['NodePort: no allocateLoadBalancerNodePorts', decoded({ type: 'NodePort' }), (s) => expect(s.spec).not.to.have.property('allocateLoadBalancerNodePorts')],
    [
      'LoadBalancer ingress ipMode VIP',
      decoded({ type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '192.0.2.9' }, { hostname: 'lb.example.com' }, { ip: '192.0.2.8', ipMode: 'Proxy' }] } }),
      (s) => expect(s.status!.loadBalancer!.ingress).to.deep.equal([{ ip: '192.0.2.9', ipMode: 'VIP' }, { hostname: 'lb.example.com' }, { ip: '192.0.2.8', ipMode: 'Proxy' }]),
    ],
    [
      'never touches cluster IP fields',
      decoded({ clusterIP: '10.96.0.10' }),
      (s) => {
        expect(s.spec.clusterIP).to.equal('10.96.0.10');
        for (const f of ['clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) expect(s.spec).not.to.have.property(f);
      },
    ],
  ];
  for (const [title, svc, want] of rows) {
    it(title, () => {
      setServiceDefaults(svc);
      if (typeof want === 'function') want(svc);
      else expect(svc.spec).to.deep.include(want);
    });
  }
  it('a missing spec is defaulted like an empty one', () => {
    const svc = { metadata: { name: 'x' } } as unknown as Service;
    setServiceDefaults(svc);
    expect(svc.spec).to.deep.equal({ sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster' });
  });
});
