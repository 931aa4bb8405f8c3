/**
 * The etcd key layout, shared by the apiserver (which writes it) and proxy-sim (which reads it).
 * It follows kube-apiserver's: `<prefix>/<resource path>/<namespace>/<name>` for namespaced
 * objects and `<prefix>/<resource path>/<name>` for cluster-scoped ones.
 */
const RESOURCE_PATHS = {
  services: 'services/specs',
  endpoints: 'services/endpoints',
  endpointslices: 'endpointslices',
  namespaces: 'namespaces',
  // Both core/v1 and events.k8s.io/v1 Events, as upstream keeps them.
  events: 'events',
  ipaddresses: 'ipaddresses',
  servicecidrs: 'servicecidrs',
  // Upstream keeps NodePorts in one bitmap at ranges/servicenodeports. One key per port lets a
  // Service and its ports be written in one transaction without serialising on that bitmap.
  servicenodeports: 'servicenodeports',
} as const;

export type StoredResource = keyof typeof RESOURCE_PATHS;

export const DEFAULT_ETCD_PREFIX = '/registry';

/** `--etcd-prefix` as given, without a trailing slash. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** The prefix under which all objects of a resource live, ending in `/`. */
export function resourcePrefix(root: string, resource: StoredResource, namespace?: string): string {
  const base = `${root}/${RESOURCE_PATHS[resource]}/`;
  return namespace ? `${base}${namespace}/` : base;
}

export function objectKey(root: string, resource: StoredResource, namespace: string | undefined, name: string): string {
  return `${resourcePrefix(root, resource, namespace)}${name}`;
}

/** Splits a key under resourcePrefix(root, resource) into namespace and name. */
export function parseKey(root: string, resource: StoredResource, key: string): { namespace?: string; name: string } | undefined {
  const base = resourcePrefix(root, resource);
  if (!key.startsWith(base)) return undefined;
  const rest = key.slice(base.length).split('/');
  if (rest.length === 1 && rest[0]) return { name: rest[0] };
  if (rest.length === 2 && rest[0] && rest[1]) return { namespace: rest[0], name: rest[1] };
  return undefined;
}
