import type { EndpointAddress, Endpoints, EndpointSubset, Service } from '../../shared/api/core.js';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL, type Endpoint, type EndpointSlice, type EndpointSlicePort } from '../../shared/api/discovery.js';
import { canonicalIP, ipFamilyOf } from '../../shared/net/ip.js';
import { generateName } from '../registry/object-meta.js';

/*
 * Upstream's EndpointSliceMirroring controller (pkg/controller/endpointslicemirroring), as a
 * pure function of the Endpoints, its Service and the mirrors it already has. Written here, not
 * taken from a library, because the slices must come out as upstream's would: its names, labels,
 * merging and caps.
 */

const MIRROR_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
/** resourcelock.LeaderElectionRecordAnnotationKey: leader-election Endpoints are not mirrored. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
export const LAST_CHANGE_TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** --mirroring-max-endpoints-per-subset's default: per subset, and per mirrored slice. */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;

/** Go's time.RFC3339Nano in UTC, as controllers write trigger times: the fraction without trailing zeros. */
export function rfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, 'Z');
}

/**
 * The trigger time a mirror written now carries. Upstream's mirroring controller copies none
 * (it drops the Endpoints' own); only the EndpointSlice controller stamps its slices, with the
 * time of the Pod or Service change that caused the write. Here the mirror is the only slice
 * writer, and the Endpoints write is the change: its own trigger time if a controller set one,
 * else the time of the write. kube-proxy measures network programming latency from it.
 */
export function mirrorTriggerTime(ep: Endpoints, now: Date): string {
  return ep.metadata.annotations?.[LAST_CHANGE_TRIGGER] ?? rfc3339Nano(now);
}

const isMirrored = (slice: EndpointSlice): boolean => slice.metadata.labels?.[MANAGED_BY_LABEL] === MIRROR_CONTROLLER;

/** The mirrors of the Endpoints named `name`: what upstream lists by these two labels. */
export const isMirrorOf = (slice: EndpointSlice, name: string): boolean => isMirrored(slice) && slice.metadata.labels?.[SERVICE_NAME_LABEL] === name;

/**
 * Upstream compares `spec.selector != nil`; a stored empty map reads back as nil there (protobuf
 * drops it), so an empty selector counts as none here.
 */
export const hasSelector = (svc: Service): boolean => Object.keys(svc.spec?.selector ?? {}).length > 0;

/** shouldMirror plus syncEndpoints' Service checks: only selectorless Services are mirrored. */
export function shouldMirror(ep: Endpoints | undefined, svc: Service | undefined): ep is Endpoints {
  if (!ep || !svc || hasSelector(svc)) return false;
  return ep.metadata.labels?.[SKIP_MIRROR_LABEL] !== 'true' && !(ep.metadata.annotations && LEADER_ANNOTATION in ep.metadata.annotations);
}

interface MirrorPlan {
  /** Slices to create or update, named (new ones by generateName). */
  write: EndpointSlice[];
  /** Existing mirrors that go. */
  remove: EndpointSlice[];
}

interface Desired {
  addressType: 'IPv4' | 'IPv6';
  ports: EndpointSlicePort[];
  endpoints: Map<string, Endpoint>;
}

/**
 * The reconciler: one slice per distinct set of ports and address family (subsets with equal
 * ports merge), at most MAX_ENDPOINTS_PER_SUBSET addresses taken from each subset and held by a
 * slice. An existing mirror of the same ports and family keeps its name; a new one reuses the
 * name of a mirror of its family that would go, else gets `<endpoints name>-` plus five random
 * characters. `ep` undefined (not to be mirrored) removes every mirror.
 */
export function planMirrors(ep: Endpoints | undefined, existing: readonly EndpointSlice[]): MirrorPlan {
  const desired = ep ? desiredSlices(ep.subsets ?? []) : new Map<string, Desired>();
  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const slice of existing) {
    const key = mapKey(slice.addressType, slice.ports ?? []);
    existingByKey.set(key, [...(existingByKey.get(key) ?? []), slice]);
  }
  const remove: EndpointSlice[] = [];
  const write: EndpointSlice[] = [];
  const unnamed: EndpointSlice[] = [];
  for (const [key, slices] of existingByKey) {
    const want = desired.get(key);
    if (!want || want.endpoints.size === 0) {
      remove.push(...slices);
      continue;
    }
    remove.push(...slices.slice(1));
    write.push(newSlice(ep!, want, slices[0]!.metadata.name!));
  }
  for (const [key, want] of desired) {
    if (existingByKey.has(key) || want.endpoints.size === 0) continue;
    unnamed.push(newSlice(ep!, want, undefined));
  }
  // recycleSlices: a create takes over the name of a same-family slice that would be deleted.
  for (const slice of unnamed) {
    const i = remove.findIndex((r) => r.addressType === slice.addressType);
    slice.metadata.name = i >= 0 ? remove.splice(i, 1)[0]!.metadata.name : generateName(`${ep!.metadata.name}-`);
    write.push(slice);
  }
  return { write, remove };
}

function desiredSlices(subsets: readonly EndpointSubset[]): Map<string, Desired> {
  const desired = new Map<string, Desired>();
  for (const subset of subsets) {
    const ports = (subset.ports ?? []).map(
      (p): EndpointSlicePort => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }),
    );
    const byFamily = {} as Record<'IPv4' | 'IPv6', Desired>;
    for (const addressType of ['IPv4', 'IPv6'] as const) {
      const key = mapKey(addressType, ports);
      if (!desired.has(key)) desired.set(key, { addressType, ports, endpoints: new Map() });
      byFamily[addressType] = desired.get(key)!;
    }
    let added = 0;
    const take = (address: EndpointAddress, ready: boolean) => {
      if (added >= MAX_ENDPOINTS_PER_SUBSET) return;
      const family = ipFamilyOf(address.ip);
      if (!family) return;
      const endpoint = toEndpoint(address, ready);
      const set = byFamily[family].endpoints;
      // A set keyed by the endpoint's identity, as upstream's EndpointSet: a later entry replaces.
      if (set.size < MAX_ENDPOINTS_PER_SUBSET || set.has(identity(endpoint))) set.set(identity(endpoint), endpoint);
      added++;
    };
    for (const a of subset.addresses ?? []) take(a, true);
    for (const a of subset.notReadyAddresses ?? []) take(a, false);
  }
  return desired;
}

function newSlice(ep: Endpoints, want: Desired, name: string | undefined): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      ...(name ? { name } : {}),
      namespace: ep.metadata.namespace,
      labels: { ...ep.metadata.labels, [SERVICE_NAME_LABEL]: ep.metadata.name!, [MANAGED_BY_LABEL]: MIRROR_CONTROLLER },
      annotations: copyAnnotations(ep.metadata.annotations),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: ep.metadata.name!, uid: ep.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    addressType: want.addressType,
    endpoints: [...want.endpoints.values()],
    ports: want.ports,
  };
}

/** Upstream hashes the ports in a sorted order, so the same ports in another order are equal. */
function mapKey(addressType: string, ports: readonly EndpointSlicePort[]): string {
  const canonical = ports.map((p) => JSON.stringify([p.name ?? '', p.port ?? null, p.protocol ?? 'TCP', p.appProtocol ?? ''])).sort();
  return `${addressType}/${canonical.join(',')}`;
}

function identity(e: Endpoint): string {
  return JSON.stringify([e.addresses, e.hostname ?? '', e.nodeName ?? '', e.targetRef ?? null]);
}

function toEndpoint(address: EndpointAddress, ready: boolean): Endpoint {
  // Upstream re-formats the address, in case it was written irregularly.
  const endpoint: Endpoint = { addresses: [canonicalIP(address.ip) ?? address.ip], conditions: { ready } };
  if (address.hostname) endpoint.hostname = address.hostname;
  if (address.nodeName) endpoint.nodeName = address.nodeName;
  if (address.targetRef) endpoint.targetRef = address.targetRef;
  return endpoint;
}

function copyAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const copy = { ...annotations };
  delete copy[LAST_CHANGE_TRIGGER];
  delete copy[LAST_APPLIED];
  return Object.keys(copy).length ? copy : undefined;
}
