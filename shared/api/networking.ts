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
