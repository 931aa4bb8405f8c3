import { groupVersionOf, SERVED_RESOURCES, type ServedResource } from './resources.js';

/** The two aggregated discovery versions kubectl asks for (1.27-1.30 only know v2beta1). */
type AggregatedVersion = 'v2' | 'v2beta1';

/** GET /api (legacy): the core versions, and the address clients should use. */
export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** GET /apis (legacy): the non-core groups and their versions. */
export function apiGroupList(resources: readonly ServedResource[] = SERVED_RESOURCES): object {
  const groups = new Map<string, string[]>();
  for (const r of resources) {
    if (!r.group) continue;
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: list, preferredVersion: list[0] };
    }),
  };
}

/**
 * GET /api/v1 or /apis/<group>/<version>: the APIResourceList, or undefined for a group version
 * this server does not serve. Upstream leaves apiVersion out of the core list only.
 */
export function apiResourceList(groupVersion: string, resources: readonly ServedResource[] = SERVED_RESOURCES): object | undefined {
  const served = resources.filter((r) => groupVersionOf(r) === groupVersion);
  if (served.length === 0) return undefined;
  const entries: object[] = [];
  for (const r of served) {
    entries.push({
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      ...(r.storageVersionHash ? { storageVersionHash: r.storageVersionHash } : {}),
    });
    for (const sub of r.subresources ?? []) {
      entries.push({ name: `${r.resource}/${sub.name}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: sub.verbs });
    }
  }
  const head = served[0]!.group ? { kind: 'APIResourceList', apiVersion: 'v1' } : { kind: 'APIResourceList' };
  return { ...head, groupVersion, resources: entries };
}

/**
 * The aggregated discovery document (APIGroupDiscoveryList) for /api (`core`) or /apis (`groups`):
 * every group version with its resources, so clients need no per-group-version requests.
 */
export function aggregatedDiscovery(
  scope: 'core' | 'groups',
  version: AggregatedVersion,
  resources: readonly ServedResource[] = SERVED_RESOURCES,
): object {
  const byGroup = new Map<string, Map<string, ServedResource[]>>();
  for (const r of resources) {
    if ((scope === 'core') !== (r.group === '')) continue;
    const versions = byGroup.get(r.group) ?? new Map<string, ServedResource[]>();
    versions.set(r.version, [...(versions.get(r.version) ?? []), r]);
    byGroup.set(r.group, versions);
  }
  // The real server leaves the kind's group and version empty: they are the enclosing group version's.
  const responseKind = (kind: string) => ({ group: '', version: '', kind });
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...byGroup].map(([group, versions]) => ({
      metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
      versions: [...versions].map(([v, list]) => ({
        version: v,
        resources: list.map((r) => ({
          resource: r.resource,
          responseKind: responseKind(r.kind),
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.singular,
          verbs: r.verbs,
          ...(r.shortNames ? { shortNames: r.shortNames } : {}),
          ...(r.categories ? { categories: r.categories } : {}),
          ...(r.subresources
            ? { subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: responseKind(r.kind), verbs: s.verbs })) }
            : {}),
        })),
        freshness: 'Current',
      })),
    })),
  };
}
