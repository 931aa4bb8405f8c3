import type { ServicePortInfo } from './service-port.js';

/**
 * Upstream walks its service map in Go's random order; here Services come in name order
 * (namespace, then name) and their ports by port name, then protocol, so output is stable.
 */
export function compareServiceNames(a: string, b: string): number {
  // Compares `namespace/name` strings as (namespace, name) pairs without slicing them: the
  // separator sorts before every character allowed in a namespace.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca === 47) return -1;
    if (cb === 47) return 1;
    return ca - cb;
  }
  return a.length - b.length;
}

export function compareServicePorts(a: ServicePortInfo, b: ServicePortInfo): number {
  const bySvc = compareServiceNames(a.service, b.service);
  if (bySvc !== 0) return bySvc;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
