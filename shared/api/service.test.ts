import { expect } from 'chai';
import type { Service, ServiceSpec } from './core.js';
import { externallyAccessible, externalPolicyLocal, internalPolicyLocal, needsHealthCheck } from './service.js';

const svc = (spec: ServiceSpec): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' }, spec });

describe('shared Service predicates (upstream pkg/api/v1/service)', () => {
  const cases: [string, ServiceSpec, { accessible: boolean; extLocal: boolean; intLocal: boolean; healthCheck: boolean }][] = [
    ['ClusterIP', { type: 'ClusterIP' }, { accessible: false, extLocal: false, intLocal: false, healthCheck: false }],
    ['ClusterIP with externalIPs', { type: 'ClusterIP', externalIPs: ['192.0.2.1'] }, { accessible: true, extLocal: false, intLocal: false, healthCheck: false }],
    ['ClusterIP, eTP Local ignored', { type: 'ClusterIP', externalTrafficPolicy: 'Local' }, { accessible: false, extLocal: false, intLocal: false, healthCheck: false }],
    ['ClusterIP with externalIPs, eTP Local', { type: 'ClusterIP', externalIPs: ['192.0.2.1'], externalTrafficPolicy: 'Local' }, { accessible: true, extLocal: true, intLocal: false, healthCheck: false }],
    ['NodePort, eTP Local', { type: 'NodePort', externalTrafficPolicy: 'Local' }, { accessible: true, extLocal: true, intLocal: false, healthCheck: false }],
    ['LoadBalancer, eTP Cluster', { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster' }, { accessible: true, extLocal: false, intLocal: false, healthCheck: false }],
    ['LoadBalancer, eTP Local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, { accessible: true, extLocal: true, intLocal: false, healthCheck: true }],
    ['iTP Local', { type: 'ClusterIP', internalTrafficPolicy: 'Local' }, { accessible: false, extLocal: false, intLocal: true, healthCheck: false }],
    ['no type (not defaulted), null externalIPs', { externalIPs: null as unknown as string[] }, { accessible: false, extLocal: false, intLocal: false, healthCheck: false }],
  ];
  for (const [name, spec, want] of cases) {
    it(name, () => {
      const s = svc(spec);
      expect({ accessible: externallyAccessible(s), extLocal: externalPolicyLocal(s), intLocal: internalPolicyLocal(s), healthCheck: needsHealthCheck(s) }).to.deep.equal(want);
    });
  }
});
