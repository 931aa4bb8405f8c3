import { parseIP } from '../../shared/net/ip.js';

export interface BindAddress {
  host: string;
  port: number;
}

/**
 * kube-proxy's --metrics-bind-address and --healthz-bind-address: `ip:port`, or an IP alone
 * (which gets the default port), or empty to disable; port 0 picks a free port. Messages are
 * component-base's IPPortVar ones, with net.SplitHostPort's reasons.
 */
export function parseBindAddress(value: string, defaultPort: number): BindAddress | undefined {
  if (value === '') return undefined;
  if (parseIP(value)) return { host: value, port: defaultPort };
  const split = splitHostPort(value);
  if (typeof split === 'string') throw new Error(`"${value}" is not in a valid format (ip or ip:port): address ${value}: ${split}`);
  if (!parseIP(split.host)) throw new Error(`"${split.host}" is not a valid IP address`);
  const port = /^[0-9]+$/.test(split.port) ? Number(split.port) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new Error(`"${split.port}" is not a valid number`);
  return { host: split.host, port };
}

/** Go's net.SplitHostPort, or the reason it refuses. */
function splitHostPort(s: string): { host: string; port: string } | string {
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return 'missing \']\' in address';
    if (end + 1 === s.length) return 'missing port in address';
    if (s[end + 1] !== ':') return s.indexOf(']', end + 1) >= 0 ? 'unexpected \']\' in address' : 'missing port in address';
    return { host: s.slice(1, end), port: s.slice(end + 2) };
  }
  const colon = s.lastIndexOf(':');
  if (colon < 0) return 'missing port in address';
  const host = s.slice(0, colon);
  if (host.includes(':')) return 'too many colons in address';
  return { host, port: s.slice(colon + 1) };
}
