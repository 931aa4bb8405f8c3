import { createHash } from 'node:crypto';
import type { EndpointAddress, Endpoints } from '../../shared/api/core.js';
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL, type Endpoint, type EndpointSlice } from '../../shared/api/discovery.js';
import { ipFamilyOf } from '../../shared/net/ip.js';
import { NAME_ALPHABET } from '../registry/object-meta.js';

export const MIRROR_CONTROLLER = 'endpointslicemirroring-controller.k8s.io';
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
export const LAST_CHANGE_TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * The EndpointSlices upstream's mirroring controller makes of an Endpoints object: one slice
 * per subset and address family, endpoints Ready or not as the subset lists them.
 *
 * Upstream names mirrored slices with generateName. Here the names are derived from the
 * Endpoints' uid, so every apiserver replica computes the same slices and they can be written in
 * the same transaction as the Endpoints.
 */
export function mirroredSlices(ep: Endpoints): EndpointSlice[] {
  if (ep.metadata.labels?.[SKIP_MIRROR_LABEL] === 'true') return [];
  const slices: EndpointSlice[] = [];
  (ep.subsets ?? []).forEach((subset, i) => {
    for (const family of ['IPv4', 'IPv6'] as const) {
      const endpoints = [
        ...(subset.addresses ?? []).filter((a) => ipFamilyOf(a.ip) === family).map((a) => toEndpoint(a, true)),
        ...(subset.notReadyAddresses ?? []).filter((a) => ipFamilyOf(a.ip) === family).map((a) => toEndpoint(a, false)),
      ];
      if (endpoints.length === 0) continue;
      slices.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: mirrorName(ep, `${i}/${family}`),
          namespace: ep.metadata.namespace,
          labels: { ...ep.metadata.labels, [SERVICE_NAME_LABEL]: ep.metadata.name!, [MANAGED_BY_LABEL]: MIRROR_CONTROLLER },
          annotations: copyAnnotations(ep.metadata.annotations),
          ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: ep.metadata.name!, uid: ep.metadata.uid!, controller: true, blockOwnerDeletion: true }],
        },
        addressType: family,
        endpoints,
        ports: (subset.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) })),
      });
    }
  });
  return slices;
}

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

export function isMirrored(slice: EndpointSlice): boolean {
  return slice.metadata.labels?.[MANAGED_BY_LABEL] === MIRROR_CONTROLLER;
}


function toEndpoint(address: EndpointAddress, ready: boolean): Endpoint {
  const endpoint: Endpoint = { addresses: [address.ip], conditions: { ready } };
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

/** Looks like generateName's `<endpoints>-<5 chars>`, but the same on every replica. */
function mirrorName(ep: Endpoints, part: string): string {
  const digest = createHash('sha256').update(`${ep.metadata.uid}/${part}`).digest();
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[digest[i]! % NAME_ALPHABET.length];
  return `${ep.metadata.name!.slice(0, 253 - 6)}-${suffix}`;
}
