import type { Endpoints, Namespace, Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { IPAddress, ServiceCIDRObject } from '../../shared/api/networking.js';
import { ageSince } from './duration.js';

/** meta.k8s.io TableColumnDefinition. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/**
 * Looks up a field's documentation (e.g. `('ServiceSpec', 'clusterIP')`) for column descriptions.
 * kubectl does not print descriptions, so an empty string is an acceptable answer.
 */
export type FieldDocs = (type: string, field: string) => string;

/** Column name, type, format, priority, and where its description comes from ([type, field] or literal text). */
type Column = readonly [name: string, type: string, format: string, priority: number, doc: readonly [string, string] | string];

/** A kind's table printer: its columns and each object's cells. */
export interface Printer<T> {
  columns: readonly Column[];
  cells(obj: T, now: number): string[];
}

const NAME: Column = ['Name', 'string', 'name', 0, ['ObjectMeta', 'name']];
const AGE: Column = ['Age', 'string', '', 0, ['ObjectMeta', 'creationTimestamp']];

export const servicePrinter: Printer<Service> = {
  columns: [
    NAME,
    ['Type', 'string', '', 0, ['ServiceSpec', 'type']],
    ['Cluster-IP', 'string', '', 0, ['ServiceSpec', 'clusterIP']],
    ['External-IP', 'string', '', 0, ['ServiceSpec', 'externalIPs']],
    ['Port(s)', 'string', '', 0, ['ServiceSpec', 'ports']],
    AGE,
    ['Selector', 'string', '', 1, ['ServiceSpec', 'selector']],
  ],
  cells(svc, now) {
    const spec = svc.spec ?? {};
    const clusterIP = spec.clusterIPs?.length ? spec.clusterIPs[0]! : '<none>';
    const ports = (spec.ports ?? []).map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`)).join(',');
    return [svc.metadata?.name ?? '', spec.type ?? '', clusterIP, externalIP(svc), ports || '<none>', ageSince(svc.metadata?.creationTimestamp, now), formatLabels(spec.selector)];
  },
};

/** The External-IP cell. The server renders tables "wide", so load-balancer addresses are never clipped. */
function externalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = new Set<string>();
      for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
        if (ing.ip) lb.add(ing.ip);
        else if (ing.hostname) lb.add(ing.hostname);
      }
      const lbIPs = [...lb].sort();
      if (external.length) return [...lbIPs, ...external].join(',');
      return lbIPs.length ? lbIPs.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** `k=v` pairs sorted, or `<none>` (labels.FormatLabels). */
function formatLabels(labels: Record<string, string> | undefined): string {
  const pairs = Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  return pairs.length ? pairs.join(',') : '<none>';
}

const MAX_LISTED = 3;

export const endpointsPrinter: Printer<Endpoints> = {
  columns: [NAME, ['Endpoints', 'string', '', 0, ['Endpoints', 'subsets']], AGE],
  cells(ep, now) {
    return [ep.metadata?.name ?? '', formatEndpoints(ep), ageSince(ep.metadata?.creationTimestamp, now)];
  },
};

/** `ip:port` for every address and port, at most three then ` + N more...`; `<none>` without subsets. */
function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let more = false;
  let count = 0;
  const add = (s: string) => {
    if (list.length === MAX_LISTED) {
      more = true;
      return false;
    }
    list.push(s);
    return true;
  };
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if (!ss.ports?.length) {
      // Headless services may have no ports: list the bare addresses.
      count += addresses.length;
      for (const a of addresses) if (!add(a.ip)) break;
      continue;
    }
    for (const port of ss.ports) {
      count += addresses.length;
      for (const a of addresses) if (!add(joinHostPort(a.ip, port.port))) break;
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - MAX_LISTED} more...` : ret;
}

const joinHostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export const endpointSlicePrinter: Printer<EndpointSlice> = {
  columns: [
    NAME,
    ['AddressType', 'string', '', 0, ['EndpointSlice', 'addressType']],
    ['Ports', 'string', '', 0, ['EndpointSlice', 'ports']],
    ['Endpoints', 'string', '', 0, ['EndpointSlice', 'endpoints']],
    AGE,
  ],
  cells(slice, now) {
    const ports = (slice.ports ?? []).map((p) => (p.port != null ? String(p.port) : p.name != null ? p.name : '*'));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [slice.metadata?.name ?? '', slice.addressType ?? '', listWithMore(ports), listWithMore(addresses), ageSince(slice.metadata?.creationTimestamp, now)];
  },
};

/** At most three items then ` + N more...`; `<unset>` when there are none. */
function listWithMore(items: string[]): string {
  const ret = items.slice(0, MAX_LISTED).join(',');
  if (items.length > MAX_LISTED) return `${ret} + ${items.length - MAX_LISTED} more...`;
  return ret || '<unset>';
}

export const namespacePrinter: Printer<Namespace> = {
  columns: [NAME, ['Status', 'string', '', 0, 'Phase of the namespace (status.phase).'], AGE],
  cells(ns, now) {
    return [ns.metadata?.name ?? '', ns.status?.phase ?? '', ageSince(ns.metadata?.creationTimestamp, now)];
  },
};

export const ipAddressPrinter: Printer<IPAddress> = {
  columns: [NAME, ['ParentRef', 'string', '', 0, ['IPAddressSpec', 'parentRef']], AGE],
  cells(ip, now) {
    const ref = ip.spec?.parentRef;
    // schema.GroupResource's String(), lowercased, then the namespace and name.
    let parent = '<none>';
    if (ref) {
      parent = (ref.group ? `${ref.resource}.${ref.group}` : ref.resource).toLowerCase();
      if (ref.namespace) parent += `/${ref.namespace}`;
      parent += `/${ref.name}`;
    }
    return [ip.metadata?.name ?? '', parent, ageSince(ip.metadata?.creationTimestamp, now)];
  },
};

export const serviceCIDRPrinter: Printer<ServiceCIDRObject> = {
  columns: [NAME, ['CIDRs', 'string', '', 0, ['ServiceCIDRSpec', 'cidrs']], AGE],
  cells(sc, now) {
    return [sc.metadata?.name ?? '', (sc.spec?.cidrs ?? []).join(','), ageSince(sc.metadata?.creationTimestamp, now)];
  },
};

export function columnDefinitions(printer: Printer<never>, docs: FieldDocs = () => ''): TableColumnDefinition[] {
  return printer.columns.map(([name, type, format, priority, doc]) => ({
    name,
    type,
    format,
    description: typeof doc === 'string' ? doc : docs(doc[0], doc[1]),
    priority,
  }));
}

export function rowCells(printer: Printer<never>, obj: unknown, now: number): string[] {
  return (printer as Printer<unknown>).cells(obj, now);
}
