import type { ServicePortInfo } from './service-port.js';

/**
 * Upstream walks its service map in Go's random order; here Services come in name order
 * (namespace, then name) and their ports by port name, then protocol, so output is stable.
 */
export function compareServiceNames(a: string, b: string): number {
  const sa = a.indexOf('/');
  const sb = b.indexOf('/');
  const na = a.slice(0, sa);
  const nb = b.slice(0, sb);
  if (na !== nb) return na < nb ? -1 : 1;
  const ra = a.slice(sa + 1);
  const rb = b.slice(sb + 1);
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

export function compareServicePorts(a: ServicePortInfo, b: ServicePortInfo): number {
  const bySvc = compareServiceNames(a.service, b.service);
  if (bySvc !== 0) return bySvc;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
