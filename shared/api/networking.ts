import type { KubeObject } from './meta.js';

/** networking.k8s.io/v1 IPAddress: one per allocated clusterIP, named by the IP itself. */
export interface IPAddress extends KubeObject {
  spec: { parentRef: ParentReference };
}

export interface ParentReference {
  group: string;
  resource: string;
  namespace?: string;
  name: string;
}

export const IP_FAMILY_LABEL = 'ipaddress.kubernetes.io/ip-family';
export const IP_MANAGED_BY_LABEL = 'ipaddress.kubernetes.io/managed-by';
export const IP_ALLOCATOR_MANAGER = 'ipallocator.k8s.io';

/** A metav1.Condition, as ServiceCIDR status carries them. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** networking.k8s.io/v1 ServiceCIDR: one or two ranges (one per family) clusterIPs are allocated from. */
export interface ServiceCIDRObject extends KubeObject {
  spec?: { cidrs?: string[] };
  status?: { conditions?: Condition[] };
}

/** The ServiceCIDR the apiserver keeps in step with --service-cluster-ip-range. */
export const DEFAULT_SERVICE_CIDR_NAME = 'kubernetes';
export const SERVICE_CIDR_FINALIZER = 'networking.k8s.io/service-cidr-finalizer';
export const SERVICE_CIDR_READY = 'Ready';
