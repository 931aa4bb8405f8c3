/** One REST resource this server serves, with what discovery says about it (as upstream v1.33 lists it). */
export interface ServedResource {
  /** API group; "" for the core group. */
  group: string;
  version: string;
  /** Plural resource name, e.g. `services`. */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  verbs: readonly string[];
  shortNames?: readonly string[];
  categories?: readonly string[];
  storageVersionHash?: string;
  /** Subresources served, with their verbs (the response kind is the resource's own). */
  subresources?: readonly { name: string; verbs: readonly string[] }[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
const STATUS = { name: 'status', verbs: ['get', 'patch', 'update'] } as const;

/** Sorted by resource name within each group version, as the real server lists them. */
export const SERVED_RESOURCES: readonly ServedResource[] = [
  {
    group: '',
    version: 'v1',
    resource: 'endpoints',
    kind: 'Endpoints',
    singular: 'endpoints',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['ep'],
    storageVersionHash: 'fWeeMqaN/OA=',
  },
  {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    kind: 'Namespace',
    singular: 'namespace',
    namespaced: false,
    // Namespaces have no deletecollection.
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    storageVersionHash: 'Q3oi5N2YM8M=',
    subresources: [STATUS],
  },
  {
    group: '',
    version: 'v1',
    resource: 'services',
    kind: 'Service',
    singular: 'service',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['svc'],
    categories: ['all'],
    storageVersionHash: '0/CO1lhkEBI=',
    subresources: [STATUS],
  },
  {
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    kind: 'EndpointSlice',
    singular: 'endpointslice',
    namespaced: true,
    verbs: ALL_VERBS,
    storageVersionHash: 'Nx3SIv6I0mE=',
  },
];

export const groupVersionOf = (r: { group: string; version: string }) => (r.group ? `${r.group}/${r.version}` : r.version);
