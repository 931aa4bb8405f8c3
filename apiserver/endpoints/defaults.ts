import type { Endpoints } from '../../shared/api/core.js';

/** v1 SetDefaults_Endpoints: a port without a protocol is TCP. */
export function setEndpointsDefaults(ep: Endpoints): void {
  for (const subset of ep.subsets ?? []) {
    for (const port of subset.ports ?? []) {
      if (!port.protocol) port.protocol = 'TCP';
    }
  }
}
