import { expect } from 'chai';
import { errorString } from '../errors/field.js';
import type { IPFamily, Service, ServiceSpec } from '../../shared/api/core.js';
import { clusterIPService, dualStackService, externalNameService } from '../testing/service-fixtures.js';
import { initIPFamilyFields, isMatchingPreferDualStackClusterIPFields, type ServiceIPConfig } from './ip-families.js';
import { normalizeClusterIPs } from './normalize.js';

const clusters: Record<string, ServiceIPConfig> = {
  v4: { families: ['IPv4'] },
  v6: { families: ['IPv6'] },
  dual46: { families: ['IPv4', 'IPv6'] },
  dual64: { families: ['IPv6', 'IPv4'] },
};

/** A Service as create sees it: decoded and defaulted, nothing allocated yet. */
function fresh(spec: Partial<ServiceSpec>): Service {
  const svc: Service = {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      type: 'ClusterIP',
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }],
      selector: { app: 'web' },
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ...spec,
    },
  };
  normalizeClusterIPs(svc);
  return svc;
}

interface Want {
  policy?: string;
  families?: IPFamily[];
  clusterIPs?: string[];
  errors?: string[];
}

function check(svc: Service, old: Service | undefined, cluster: ServiceIPConfig, want: Want): void {
  const errs = initIPFamilyFields(svc, old, cluster).map(errorString);
  expect(errs).to.deep.equal(want.errors ?? []);
  if (want.policy !== undefined) expect(svc.spec.ipFamilyPolicy).to.equal(want.policy);
  if (want.families !== undefined) expect(svc.spec.ipFamilies).to.deep.equal(want.families);
  if (want.clusterIPs !== undefined) expect(svc.spec.clusterIPs).to.deep.equal(want.clusterIPs);
}

const NOT_DUAL = 'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services';

describe('initIPFamilyFields on create', () => {
  const rows: [string, keyof typeof clusters, Partial<ServiceSpec>, Want][] = [
    ['single-stack IPv4: default', 'v4', {}, { policy: 'SingleStack', families: ['IPv4'] }],
    ['IPv6-only: default', 'v6', {}, { policy: 'SingleStack', families: ['IPv6'] }],
    ['dual-stack 4/6: default is single-stack primary', 'dual46', {}, { policy: 'SingleStack', families: ['IPv4'] }],
    ['dual-stack 6/4: default is single-stack primary', 'dual64', {}, { policy: 'SingleStack', families: ['IPv6'] }],
    ['dual-stack 4/6: PreferDualStack upgrades', 'dual46', { ipFamilyPolicy: 'PreferDualStack' }, { families: ['IPv4', 'IPv6'] }],
    ['dual-stack 6/4: PreferDualStack upgrades', 'dual64', { ipFamilyPolicy: 'PreferDualStack' }, { families: ['IPv6', 'IPv4'] }],
    ['single-stack: PreferDualStack stays single, keeps its policy', 'v4', { ipFamilyPolicy: 'PreferDualStack' }, { policy: 'PreferDualStack', families: ['IPv4'] }],
    ['single-stack: RequireDualStack fails', 'v4', { ipFamilyPolicy: 'RequireDualStack' }, { errors: [NOT_DUAL] }],
    ['IPv6-only: RequireDualStack fails', 'v6', { ipFamilyPolicy: 'RequireDualStack' }, { errors: [NOT_DUAL] }],
    ['dual-stack: RequireDualStack', 'dual46', { ipFamilyPolicy: 'RequireDualStack' }, { families: ['IPv4', 'IPv6'] }],
    ['dual-stack: RequireDualStack, IPv6 first', 'dual46', { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6'] }, { families: ['IPv6', 'IPv4'] }],
    ['dual-stack: explicit family', 'dual46', { ipFamilies: ['IPv6'] }, { policy: 'SingleStack', families: ['IPv6'] }],
    ['single-stack: unconfigured family', 'v4', { ipFamilies: ['IPv6'] }, { errors: ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'] }],
    [
      'RequireDualStack and an unconfigured family report both',
      'v4',
      { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] },
      { errors: [NOT_DUAL, 'spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this cluster'] },
    ],
    ['family inferred from clusterIP', 'dual46', { clusterIP: 'fd00::10' }, { policy: 'SingleStack', families: ['IPv6'] }],
    ['inferred family, then PreferDualStack upgrade', 'dual46', { clusterIP: 'fd00::10', ipFamilyPolicy: 'PreferDualStack' }, { families: ['IPv6', 'IPv4'] }],
    [
      'clusterIP of an unconfigured family',
      'v4',
      { clusterIP: 'fd00::10' },
      { errors: ['spec.clusterIPs[0]: Invalid value: []string{"fd00::10"}: IPv6 is not configured on this cluster'] },
    ],
    [
      'IPv4-mapped clusterIP on an IPv6-only cluster is IPv4',
      'v6',
      { clusterIP: '::ffff:10.0.0.1' },
      { errors: ['spec.clusterIPs[0]: Invalid value: []string{"::ffff:10.0.0.1"}: IPv4 is not configured on this cluster'] },
    ],
    ['two clusterIPs need a dual policy', 'dual46', { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::10'] }, {
      errors: [`spec.ipFamilyPolicy: Invalid value: "SingleStack": must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified`],
    }],
    [
      'two families need a dual policy',
      'dual46',
      { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4', 'IPv6'] },
      { errors: [`spec.ipFamilyPolicy: Invalid value: "SingleStack": must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified`] },
    ],
    [
      'two clusterIPs, PreferDualStack',
      'dual46',
      { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::10'], ipFamilyPolicy: 'PreferDualStack' },
      { families: ['IPv4', 'IPv6'] },
    ],
    [
      'two clusterIPs on a single-stack cluster',
      'v4',
      { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10', 'fd00::10'], ipFamilyPolicy: 'RequireDualStack' },
      { errors: ['spec.clusterIPs[1]: Invalid value: []string{"10.96.0.10", "fd00::10"}: IPv6 is not configured on this cluster'] },
    ],
    ['headless selectorless: dual even on single-stack', 'v4', { clusterIP: 'None', selector: undefined }, { policy: 'RequireDualStack', families: ['IPv4', 'IPv6'] }],
    ['headless selectorless, IPv6-only', 'v6', { clusterIP: 'None', selector: undefined }, { policy: 'RequireDualStack', families: ['IPv6', 'IPv4'] }],
    ['headless selectorless, SingleStack', 'v4', { clusterIP: 'None', selector: undefined, ipFamilyPolicy: 'SingleStack' }, { families: ['IPv4'] }],
    ['headless selectorless, unconfigured family allowed', 'v4', { clusterIP: 'None', selector: {}, ipFamilies: ['IPv6'] }, { policy: 'RequireDualStack', families: ['IPv6', 'IPv4'] }],
    ['headless with selector: like headful', 'v4', { clusterIP: 'None' }, { policy: 'SingleStack', families: ['IPv4'] }],
    ['headless with selector, RequireDualStack on single-stack', 'v4', { clusterIP: 'None', ipFamilyPolicy: 'RequireDualStack' }, { errors: [NOT_DUAL] }],
    ['headless with selector, PreferDualStack on dual-stack', 'dual64', { clusterIP: 'None', ipFamilyPolicy: 'PreferDualStack' }, { families: ['IPv6', 'IPv4'] }],
    [
      'pre-validation errors only',
      'v4',
      { clusterIP: 'bogus', ipFamilies: ['IPv6'], ipFamilyPolicy: 'RequireDualStack' },
      { errors: ['spec.clusterIPs[0]: Invalid value: "bogus": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
    ],
    [
      'pre-validation: policy',
      'dual46',
      { ipFamilyPolicy: 'Dual' },
      { errors: ['spec.ipFamilyPolicy: Unsupported value: "Dual": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"'] },
    ],
  ];
  for (const [title, cluster, spec, want] of rows) it(title, () => check(fresh(spec), undefined, clusters[cluster]!, want));

  it('ExternalName is skipped', () => {
    const svc = externalNameService();
    check(svc, undefined, clusters.dual46!, {});
    expect(svc.spec).not.to.have.property('ipFamilyPolicy');
    expect(svc.spec).not.to.have.property('ipFamilies');
  });
});

describe('initIPFamilyFields on update', () => {
  const preferSingle = (): Service => {
    const svc = clusterIPService();
    svc.spec.ipFamilyPolicy = 'PreferDualStack';
    return svc;
  };

  it('a PreferDualStack Service is not upgraded when the cluster became dual-stack', () => {
    const old = preferSingle();
    const svc = preferSingle();
    expect(isMatchingPreferDualStackClusterIPFields(svc, old)).to.equal(true);
    check(svc, old, clusters.dual46!, { families: ['IPv4'], clusterIPs: ['10.96.0.10'] });
  });
  it('a PreferDualStack Service is not downgraded when the cluster became single-stack', () => {
    const old = dualStackService();
    old.spec.ipFamilyPolicy = 'PreferDualStack';
    const svc = structuredClone(old);
    check(svc, old, clusters.v4!, { families: ['IPv4', 'IPv6'] });
  });
  it('without a policy in the request the stored one is used, and the shortcut does not apply', () => {
    const old = preferSingle();
    const svc = preferSingle();
    delete svc.spec.ipFamilyPolicy;
    expect(isMatchingPreferDualStackClusterIPFields(svc, old)).to.equal(false);
    check(svc, old, clusters.dual46!, { policy: 'PreferDualStack', families: ['IPv4', 'IPv6'] });
  });
  it('a type change goes through the whole process', () => {
    const old = preferSingle();
    const svc = preferSingle();
    Object.assign(svc.spec, { type: 'NodePort', externalTrafficPolicy: 'Cluster' });
    expect(isMatchingPreferDualStackClusterIPFields(svc, old)).to.equal(false);
  });
  it('SingleStack with unchanged lists truncates them (downgrade)', () => {
    const old = dualStackService();
    const svc = dualStackService();
    svc.spec.ipFamilyPolicy = 'SingleStack';
    check(svc, old, clusters.dual46!, { clusterIPs: ['10.96.0.10'], families: ['IPv4'] });
  });
  it('reducing the lists needs SingleStack', () => {
    const old = dualStackService();
    const svc = dualStackService();
    Object.assign(svc.spec, { clusterIPs: ['10.96.0.10'], ipFamilies: ['IPv4'] });
    check(svc, old, clusters.dual46!, {
      errors: [
        `spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be 'SingleStack' to release the secondary cluster IP`,
        `spec.ipFamilyPolicy: Invalid value: "RequireDualStack": must be 'SingleStack' to release the secondary IP family`,
      ],
    });
  });
  it('RequireDualStack upgrade on a dual-stack cluster', () => {
    const old = clusterIPService();
    const svc = clusterIPService();
    svc.spec.ipFamilyPolicy = 'RequireDualStack';
    check(svc, old, clusters.dual46!, { families: ['IPv4', 'IPv6'], clusterIPs: ['10.96.0.10'] });
  });
  it('the stored policy is kept when the request has none', () => {
    const old = clusterIPService();
    const svc = clusterIPService();
    delete svc.spec.ipFamilyPolicy;
    check(svc, old, clusters.dual46!, { policy: 'SingleStack', families: ['IPv4'] });
  });
  it('ExternalName to ClusterIP starts from scratch', () => {
    const old = externalNameService();
    const svc = fresh({});
    check(svc, old, clusters.dual64!, { policy: 'SingleStack', families: ['IPv6'] });
  });
  it('ClusterIP to ExternalName is skipped', () => {
    const old = clusterIPService();
    const svc = externalNameService();
    check(svc, old, clusters.v4!, {});
    expect(svc.spec).not.to.have.property('ipFamilies');
  });
});
