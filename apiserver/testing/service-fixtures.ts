import type { Service } from '../../shared/api/core.js';

/** Stored-shape Services (defaulted and allocated) for the tests of this folder. */
export function clusterIPService(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      type: 'ClusterIP',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      selector: { app: 'web' },
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
}

export function dualStackService(): Service {
  const svc = clusterIPService();
  Object.assign(svc.spec, { clusterIPs: ['10.96.0.10', 'fd00::10'], ipFamilies: ['IPv4', 'IPv6'], ipFamilyPolicy: 'RequireDualStack' });
  return svc;
}

export function nodePortService(): Service {
  const svc = clusterIPService();
  Object.assign(svc.spec, { type: 'NodePort', externalTrafficPolicy: 'Cluster' });
  svc.spec.ports![0]!.nodePort = 30080;
  return svc;
}

export function loadBalancerService(): Service {
  const svc = nodePortService();
  Object.assign(svc.spec, { type: 'LoadBalancer', allocateLoadBalancerNodePorts: true });
  return svc;
}

export function externalNameService(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'ext', namespace: 'default', uid: 'u2', resourceVersion: '6', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' },
    status: { loadBalancer: {} },
  };
}

export function headlessService(selector = true): Service {
  const svc = clusterIPService();
  Object.assign(svc.spec, { clusterIP: 'None', clusterIPs: ['None'] });
  if (!selector) delete svc.spec.selector;
  return svc;
}
