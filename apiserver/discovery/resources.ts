import { GROUP_ORDER, kindsInDiscoveryOrder } from '../kinds/registry.js';

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

/**
 * The self reviews: create-only, never stored (so no storage version hash), not kinds with a
 * store; served as path handlers (authorization/reviews.ts).
 */
const REVIEWS: readonly ServedResource[] = (['SelfSubjectAccessReview', 'SelfSubjectRulesReview'] as const).map((kind) => ({
  group: 'authorization.k8s.io',
  version: 'v1',
  resource: `${kind.toLowerCase()}s`,
  kind,
  singular: kind.toLowerCase(),
  namespaced: false,
  verbs: ['create'],
}));

/** Sorted by group priority, then by resource name within each group version, as the real server lists them. */
export const SERVED_RESOURCES: readonly ServedResource[] = [
  ...kindsInDiscoveryOrder().map(({ info, discovery }) => ({
    group: info.group,
    version: info.version,
    resource: info.resource,
    kind: info.kind,
    namespaced: info.namespaced,
    ...discovery,
  })),
  ...REVIEWS,
].sort((a, b) => GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) || a.resource.localeCompare(b.resource));

export const groupVersionOf = (r: { group: string; version: string }) => (r.group ? `${r.group}/${r.version}` : r.version);
