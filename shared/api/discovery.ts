import type { KubeObject } from './meta.js';
import type { ObjectReference } from './core.js';

/** discovery.k8s.io/v1 EndpointSlice. */
export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN' | string;
  endpoints: Endpoint[] | null;
  ports?: EndpointSlicePort[] | null;
}

export interface Endpoint {
  addresses: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
  hints?: { forZones?: { name: string }[]; forNodes?: { name: string }[] };
  /** Deprecated; the apiserver clears it on every v1 write that changes endpoints. */
  deprecatedTopology?: Record<string, string>;
}

export interface EndpointSlicePort {
  name?: string | null;
  protocol?: string | null;
  port?: number | null;
  appProtocol?: string;
}

/** The label that ties a slice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The label upstream's controllers put on the slices they manage. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
