import type { EndpointSlice } from '../../shared/api/discovery.js';
import { semanticEqual } from '../validation/semantic-equal.js';

/** discovery/v1 SetDefaults_EndpointPort: a missing name is "", a missing protocol TCP. */
export function setEndpointSliceDefaults(slice: EndpointSlice): void {
  for (const port of slice.ports ?? []) {
    port.name ??= '';
    port.protocol ??= 'TCP';
  }
}

/**
 * hints.forNodes belongs to the PreferSameTrafficDistribution gate, off by default in 1.33: the
 * strategy drops it unless the stored object already uses it.
 */
function dropForNodeHints(slice: EndpointSlice): void {
  for (const ep of slice.endpoints ?? []) if (ep.hints) delete ep.hints.forNodes;
}

const usesForNodeHints = (slice: EndpointSlice): boolean => (slice.endpoints ?? []).some((ep) => ep.hints?.forNodes != null);

/** v1 writes silently clear deprecatedTopology, unless an update leaves the endpoints untouched. */
function dropTopology(slice: EndpointSlice): void {
  for (const ep of slice.endpoints ?? []) delete ep.deprecatedTopology;
}

/** Strategy PrepareForCreate: generation starts at 1. */
export function prepareEndpointSliceForCreate(slice: EndpointSlice): void {
  slice.metadata ??= {};
  slice.metadata.generation = 1;
  dropForNodeHints(slice);
  dropTopology(slice);
}

/**
 * rest.BeforeUpdate keeps the stored generation; the strategy bumps it when anything but metadata
 * (or when the labels) changed, then drops disabled fields.
 */
export function prepareEndpointSliceForUpdate(slice: EndpointSlice, old: EndpointSlice): void {
  slice.metadata ??= {};
  const { metadata: newMeta, ...newBody } = slice;
  const { metadata: oldMeta, ...oldBody } = old;
  const changed = !semanticEqual(stripTypeMeta(newBody), stripTypeMeta(oldBody)) || !semanticEqual(newMeta.labels, oldMeta?.labels);
  const generation = oldMeta?.generation ?? 0;
  slice.metadata.generation = changed ? generation + 1 : generation;
  if (!usesForNodeHints(old)) dropForNodeHints(slice);
  if (!semanticEqual(old.endpoints, slice.endpoints)) dropTopology(slice);
}

/** apiVersion and kind are not part of the Go struct that upstream compares. */
function stripTypeMeta(body: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = body;
  return rest;
}
