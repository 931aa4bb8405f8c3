import { SERVICE_NAME_LABEL, type Endpoint, type EndpointSlice } from '../../shared/api/discovery.js';
import { familyName, formatIP, parseIP, type Family } from '../../shared/net/ip.js';
import { endpointChainName } from '../render/chain-names.js';
import { servicePortKey, servicePortName } from './service-port.js';

/** One endpoint of one service port, as upstream's endpointInfo, with its KUBE-SEP chain name. */
export interface EndpointInfo {
  readonly ip: string;
  /** `ip:port`, or `[ip]:port` for IPv6: the DNAT target, the dedup key and the sort key. */
  readonly str: string;
  readonly isLocal: boolean;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly zoneHints: ReadonlySet<string> | undefined;
  readonly chain: string;
}

/** Endpoints of one Service, by service-port key, each list in byte order of `str`. */
export type ServiceEndpoints = Map<string, EndpointInfo[]>;

/**
 * Where upstream's EndpointSliceCache files a slice: under the Service named by its label, if
 * this proxier's family tracks its address type. Undefined means the slice is ignored.
 */
export function sliceOwner(slice: EndpointSlice, family: Family): { service: string; slice: string } | undefined {
  if (slice.addressType !== familyName(family)) return undefined;
  const meta = slice.metadata ?? {};
  const serviceName = meta.labels?.[SERVICE_NAME_LABEL];
  if (!serviceName || !meta.namespace || !meta.name) return undefined;
  return { service: `${meta.namespace}/${serviceName}`, slice: meta.name };
}

/**
 * The endpoints map of one Service from all its slices (upstream endpointInfoByServicePort and
 * endpointsMapFromEndpointInfo): ports without a name or a port number are ignored, only the
 * first address of an endpoint is used, an endpoint seen twice keeps its non-terminating copy,
 * and each list is sorted by its endpoint string.
 */
export function endpointsOfService(service: string, slices: Iterable<EndpointSlice>, nodeName: string): ServiceEndpoints {
  const slash = service.indexOf('/');
  const namespace = service.slice(0, slash);
  const name = service.slice(slash + 1);
  const sets = new Map<string, Map<string, EndpointInfo>>();
  for (const slice of slices) {
    for (const port of slice.ports ?? []) {
      if (!port || port.name === undefined || port.name === null) continue;
      if (!port.port) continue;
      const portName = servicePortName(namespace, name, port.name);
      const protocol = port.protocol || 'TCP';
      const key = servicePortKey(portName, protocol);
      let set = sets.get(key);
      if (!set) sets.set(key, (set = new Map()));
      addEndpoints(set, portName, protocol.toLowerCase(), port.port, slice.endpoints ?? [], nodeName);
    }
  }
  const out: ServiceEndpoints = new Map();
  for (const [key, set] of sets) {
    if (set.size === 0) continue;
    const list = [...set.values()];
    list.sort((a, b) => (a.str < b.str ? -1 : a.str > b.str ? 1 : 0));
    out.set(key, list);
  }
  return out;
}

function addEndpoints(
  set: Map<string, EndpointInfo>,
  portName: string,
  protocol: string,
  portNumber: number,
  endpoints: readonly Endpoint[],
  nodeName: string,
): void {
  for (const ep of endpoints) {
    const address = ep?.addresses?.[0];
    if (typeof address !== 'string') continue;
    let ip = isCanonicalIPv4(address) ? address : undefined;
    let family = 4;
    if (ip === undefined) {
      const parsed = parseIP(address);
      if (!parsed) continue;
      ip = formatIP(parsed);
      family = parsed.family;
    }
    const str = family === 6 ? `[${ip}]:${portNumber}` : `${ip}:${portNumber}`;
    const cond = ep.conditions ?? {};
    const terminating = cond.terminating === true;
    if (set.has(str) && terminating) continue;
    set.set(str, {
      ip,
      str,
      isLocal: nodeName !== '' && ep.nodeName === nodeName,
      ready: cond.ready === undefined || cond.ready === null || cond.ready,
      serving: cond.serving === undefined || cond.serving === null || cond.serving,
      terminating,
      zoneHints: hintSet(ep.hints?.forZones),
      chain: endpointChainName(portName, protocol, str),
    });
  }
}

/**
 * Whether `s` is a dotted quad already in canonical form (no leading zeros, parts <= 255):
 * the usual case, answered without the general parser.
 */
function isCanonicalIPv4(s: string): boolean {
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || value > 255) return false;
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && value === 0) return false;
      value = value * 10 + (c - 48);
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return parts === 4;
}

function hintSet(hints: readonly { name: string }[] | undefined): ReadonlySet<string> | undefined {
  return hints && hints.length > 0 ? new Set(hints.map((h) => h.name)) : undefined;
}
