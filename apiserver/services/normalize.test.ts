import { expect } from 'chai';
import type { Service } from '../../shared/api/core.js';
import { clusterIPService, dualStackService, externalNameService, headlessService, loadBalancerService, nodePortService } from '../testing/service-fixtures.js';
import { defaultOnRead, dropTypeDependentFields, normalizeClusterIPs, patchAllocatedValues, prepareForCreate, prepareForUpdate } from './normalize.js';

const v4 = { families: ['IPv4' as const] };
const v6 = { families: ['IPv6' as const] };

describe('normalizeClusterIPs', () => {
  it('create: the plural is initialised from the singular', () => {
    const svc = clusterIPService();
    delete svc.spec.clusterIPs;
    normalizeClusterIPs(svc);
    expect(svc.spec.clusterIPs).to.deep.equal(['10.96.0.10']);
  });
  it('create: the singular is never derived from the plural', () => {
    const svc = clusterIPService();
    delete svc.spec.clusterIP;
    normalizeClusterIPs(svc);
    expect(svc.spec).not.to.have.property('clusterIP');
    expect(svc.spec.clusterIPs).to.deep.equal(['10.96.0.10']);
  });
  it('create: "None" is copied like any IP', () => {
    const svc = headlessService();
    delete svc.spec.clusterIPs;
    normalizeClusterIPs(svc);
    expect(svc.spec.clusterIPs).to.deep.equal(['None']);
  });

  const updates: [string, () => Service, (s: Service) => void, Partial<Service['spec']> | 'absent'][] = [
    ['an old client omits clusterIPs: restored', dualStackService, (s) => delete s.spec.clusterIPs, { clusterIPs: ['10.96.0.10', 'fd00::10'] }],
    ['clearing clusterIP with the same clusterIPs clears both', dualStackService, (s) => delete s.spec.clusterIP, 'absent'],
    ['changing clusterIP with the same clusterIPs replaces the list', dualStackService, (s) => (s.spec.clusterIP = '10.96.0.99'), { clusterIPs: ['10.96.0.99'] }],
    [
      'changing both is left for validation',
      dualStackService,
      (s) => Object.assign(s.spec, { clusterIP: '10.96.0.99', clusterIPs: ['10.96.0.98'] }),
      { clusterIP: '10.96.0.99', clusterIPs: ['10.96.0.98'] },
    ],
  ];
  for (const [title, make, mutate, want] of updates) {
    it(`update: ${title}`, () => {
      const old = make();
      const svc = make();
      mutate(svc);
      normalizeClusterIPs(svc, old);
      if (want === 'absent') expect(svc.spec).not.to.have.property('clusterIPs');
      else expect(svc.spec).to.deep.include(want);
    });
  }
});

describe('patchAllocatedValues', () => {
  it('copies clusterIP and clusterIPs the client left out', () => {
    const old = dualStackService();
    const svc = dualStackService();
    delete svc.spec.clusterIP;
    delete svc.spec.clusterIPs;
    patchAllocatedValues(svc, old);
    expect(svc.spec).to.deep.include({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::10'] });
    expect(svc.spec.clusterIPs).not.to.equal(old.spec.clusterIPs);
  });
  it('not when the new type is ExternalName', () => {
    const svc = externalNameService();
    patchAllocatedValues(svc, clusterIPService());
    expect(svc.spec).not.to.have.property('clusterIP');
  });
  it('copies nodePorts by port name, never one already in use', () => {
    const old = nodePortService();
    old.spec.ports = [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 80, nodePort: 30080 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 443, nodePort: 30443 },
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53, nodePort: 30053 },
    ];
    const svc = nodePortService();
    svc.spec.ports = [
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 80 },
      { name: 'https', port: 443, protocol: 'TCP', targetPort: 443, nodePort: 30080 },
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'new', port: 8080, protocol: 'TCP', targetPort: 8080 },
    ];
    patchAllocatedValues(svc, old);
    expect(svc.spec.ports.map((p) => p.nodePort)).to.deep.equal([undefined, 30080, 30053, undefined]);
  });
  it('a LoadBalancer without node ports gets none', () => {
    const old = loadBalancerService();
    old.spec.allocateLoadBalancerNodePorts = false;
    const svc = structuredClone(old);
    delete svc.spec.ports![0]!.nodePort;
    patchAllocatedValues(svc, old);
    expect(svc.spec.ports![0]).not.to.have.property('nodePort');
  });
  it('copies healthCheckNodePort while both need it', () => {
    const old = loadBalancerService();
    Object.assign(old.spec, { externalTrafficPolicy: 'Local', healthCheckNodePort: 30500 });
    const svc = structuredClone(old);
    delete svc.spec.healthCheckNodePort;
    patchAllocatedValues(svc, old);
    expect(svc.spec.healthCheckNodePort).to.equal(30500);
    const cluster = structuredClone(svc);
    Object.assign(cluster.spec, { externalTrafficPolicy: 'Cluster', healthCheckNodePort: undefined });
    patchAllocatedValues(cluster, old);
    expect(cluster.spec.healthCheckNodePort).to.equal(undefined);
  });
});

describe('dropTypeDependentFields (update)', () => {
  it('to ExternalName: unchanged cluster IP fields are wiped', () => {
    const old = dualStackService();
    const svc = dualStackService();
    Object.assign(svc.spec, { type: 'ExternalName', externalName: 'x.example.com' });
    dropTypeDependentFields(svc, old);
    for (const f of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) expect(svc.spec).not.to.have.property(f);
  });
  it('to ExternalName: a changed clusterIP is kept, for validation to reject', () => {
    const old = clusterIPService();
    const svc = clusterIPService();
    Object.assign(svc.spec, { type: 'ExternalName', externalName: 'x.example.com', clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'] });
    dropTypeDependentFields(svc, old);
    expect(svc.spec).to.deep.include({ clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'] });
    expect(svc.spec).not.to.have.property('ipFamilies');
  });
  it('NodePort to ClusterIP: node ports wiped unless one is new', () => {
    const old = nodePortService();
    const svc = nodePortService();
    svc.spec.type = 'ClusterIP';
    dropTypeDependentFields(svc, old);
    expect(svc.spec.ports![0]).not.to.have.property('nodePort');
    expect(svc.spec).not.to.have.property('externalTrafficPolicy');
    const changed = nodePortService();
    Object.assign(changed.spec, { type: 'ClusterIP' });
    changed.spec.ports![0]!.nodePort = 30999;
    dropTypeDependentFields(changed, old);
    expect(changed.spec.ports![0]!.nodePort).to.equal(30999);
  });
  it('NodePort to ClusterIP with externalIPs keeps externalTrafficPolicy', () => {
    const old = nodePortService();
    old.spec.externalIPs = ['192.0.2.1'];
    const svc = structuredClone(old);
    svc.spec.type = 'ClusterIP';
    dropTypeDependentFields(svc, old);
    expect(svc.spec.externalTrafficPolicy).to.equal('Cluster');
  });
  it('LoadBalancer to ClusterIP: LB fields and status wiped', () => {
    const old = loadBalancerService();
    Object.assign(old.spec, { externalTrafficPolicy: 'Local', healthCheckNodePort: 30500, loadBalancerClass: 'example.com/lb' });
    old.status = { loadBalancer: { ingress: [{ ip: '192.0.2.9', ipMode: 'VIP' }] } };
    const svc = structuredClone(old);
    svc.spec.type = 'ClusterIP';
    dropTypeDependentFields(svc, old);
    for (const f of ['healthCheckNodePort', 'allocateLoadBalancerNodePorts', 'loadBalancerClass', 'externalTrafficPolicy']) expect(svc.spec).not.to.have.property(f);
    expect(svc.status).to.deep.equal({ loadBalancer: {} });
  });
  it('LoadBalancer to NodePort: changed values are kept', () => {
    const old = loadBalancerService();
    old.spec.loadBalancerClass = 'example.com/lb';
    const svc = structuredClone(old);
    Object.assign(svc.spec, { type: 'NodePort', allocateLoadBalancerNodePorts: false, loadBalancerClass: 'example.com/other' });
    dropTypeDependentFields(svc, old);
    expect(svc.spec).to.deep.include({ allocateLoadBalancerNodePorts: false, loadBalancerClass: 'example.com/other', externalTrafficPolicy: 'Cluster' });
    expect(svc.spec.ports![0]!.nodePort).to.equal(30080);
  });
});

describe('prepareForCreate / prepareForUpdate', () => {
  it('create resets status', () => {
    const svc = loadBalancerService();
    svc.status = { loadBalancer: { ingress: [{ ip: '192.0.2.9' }] } };
    prepareForCreate(svc);
    expect(svc.status).to.deep.equal({ loadBalancer: {} });
  });
  it('update keeps the stored status, then drops type-dependent fields', () => {
    const old = loadBalancerService();
    old.status = { loadBalancer: { ingress: [{ ip: '192.0.2.9', ipMode: 'VIP' }] } };
    const svc = loadBalancerService();
    svc.status = { loadBalancer: { ingress: [{ ip: '198.51.100.1' }] } };
    prepareForUpdate(svc, old);
    expect(svc.status).to.deep.equal(old.status);
    const toClusterIP = loadBalancerService();
    toClusterIP.spec.type = 'ClusterIP';
    prepareForUpdate(toClusterIP, old);
    expect(toClusterIP.status).to.deep.equal({ loadBalancer: {} });
  });
});

describe('defaultOnRead', () => {
  const legacy = (): Service => {
    const svc = clusterIPService();
    for (const f of ['clusterIPs', 'ipFamilies', 'ipFamilyPolicy'] as const) delete svc.spec[f];
    return svc;
  };
  it('a Service stored before dual-stack gets clusterIPs, family and policy', () => {
    const svc = legacy();
    defaultOnRead(svc, v4);
    expect(svc.spec).to.deep.include({ clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
  });
  it('families come from the IPs, not from the cluster', () => {
    const svc = legacy();
    Object.assign(svc.spec, { clusterIP: 'fd00::10' });
    defaultOnRead(svc, v4);
    expect(svc.spec).to.deep.include({ ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' });
  });
  it('two IPs read as RequireDualStack', () => {
    const svc = dualStackService();
    delete svc.spec.ipFamilies;
    delete svc.spec.ipFamilyPolicy;
    defaultOnRead(svc, v4);
    expect(svc.spec).to.deep.include({ ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' });
  });
  it('headless selectorless reads as dual-stack, primary first, even on a single-stack cluster', () => {
    const svc = headlessService(false);
    delete svc.spec.ipFamilies;
    delete svc.spec.ipFamilyPolicy;
    delete svc.spec.clusterIPs;
    defaultOnRead(svc, v6);
    expect(svc.spec).to.deep.include({ clusterIPs: ['None'], ipFamilies: ['IPv6', 'IPv4'], ipFamilyPolicy: 'RequireDualStack' });
  });
  it('headless with a selector reads as single-stack', () => {
    const svc = headlessService(true);
    delete svc.spec.ipFamilies;
    delete svc.spec.ipFamilyPolicy;
    defaultOnRead(svc, v6);
    expect(svc.spec).to.deep.include({ ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' });
  });
  it('set families are left alone', () => {
    const svc = clusterIPService();
    svc.spec.ipFamilyPolicy = 'PreferDualStack';
    defaultOnRead(svc, { families: ['IPv4', 'IPv6'] });
    expect(svc.spec).to.deep.include({ ipFamilies: ['IPv4'], ipFamilyPolicy: 'PreferDualStack' });
  });
  it('ExternalName: internalTrafficPolicy hidden, no families', () => {
    const svc = externalNameService();
    svc.spec.internalTrafficPolicy = 'Cluster';
    defaultOnRead(svc, v4);
    expect(svc.spec).to.deep.equal({ type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' });
  });
});
