import type { ObjectReference, Service } from '../../shared/api/core.js';
import { IP_ALLOCATOR_MANAGER, IP_FAMILY_LABEL, IP_MANAGED_BY_LABEL, type IPAddress } from '../../shared/api/networking.js';
import { familyName, formatIP, parseIP } from '../../shared/net/ip.js';
import type { ServiceCIDR } from '../allocator/service-cidr.js';

/** A warning event as upstream's repair controller records it. */
export interface RepairEvent {
  reason: string;
  message: string;
  /** `namespace/name` of the Service, or `ipaddresses/<ip>`. */
  object: string;
  /** The object the Event is about. */
  involved: ObjectReference;
}

export type RepairAction =
  | { kind: 'create'; ip: string; service: Service }
  | { kind: 'recreate'; ip: string; service: Service; modRevision: number }
  | { kind: 'delete'; ip: string; modRevision: number; parent?: ParentAsPlanned };

/** The parent Service as the plan saw it: the delete happens only if it is still so (0: absent). */
interface ParentAsPlanned {
  namespace: string;
  name: string;
  modRevision: number;
}

export interface StoredIPAddress {
  obj: IPAddress;
  modRevision: number;
}

const serviceRef = (svc: Service): ObjectReference => ({
  kind: 'Service',
  namespace: svc.metadata.namespace,
  name: svc.metadata.name,
  uid: svc.metadata.uid,
  apiVersion: 'v1',
  resourceVersion: svc.metadata.resourceVersion,
});
const ipAddressRef = (ip: IPAddress): ObjectReference => ({ kind: 'IPAddress', name: ip.metadata.name, uid: ip.metadata.uid, apiVersion: 'networking.k8s.io/v1' });
const ref = (svc: Service) => `${svc.metadata.namespace}/${svc.metadata.name}`;
const hasClusterIP = (svc: Service) =>
  svc.spec.type !== 'ExternalName' && !!svc.spec.clusterIP && svc.spec.clusterIP !== 'None';

/**
 * One pass of RepairIPAddress (controller/repairip.go) over a snapshot: every clusterIP must
 * have its IPAddress, and every IPAddress of the allocator must belong to a Service that lists
 * it. Pure, so each rule has a table test; the loop applies the actions.
 */
export function planRepair(
  services: readonly Service[],
  ipAddresses: ReadonlyMap<string, StoredIPAddress>,
  cidrs: readonly ServiceCIDR[],
  now: number,
  graceMs: number,
): { events: RepairEvent[]; actions: RepairAction[] } {
  const events: RepairEvent[] = [];
  const actions: RepairAction[] = [];
  const byName = new Map(services.map((s) => [ref(s), s]));

  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    for (const clusterIP of svc.spec.clusterIPs ?? []) {
      const ip = parseIP(clusterIP);
      if (!ip) {
        events.push({ reason: 'ClusterIPNotValid', object: ref(svc), involved: serviceRef(svc), message: 'Cluster IP <nil> is not a valid IP; please recreate Service' });
        continue;
      }
      const text = formatIP(ip);
      const family = familyName(ip.family);
      if (!cidrs.some((c) => c.slotOf(ip) !== undefined)) {
        events.push({ reason: 'ClusterIPOutOfRange', object: ref(svc), involved: serviceRef(svc), message: `Cluster IP [${family}]: ${text} is not within any configured Service CIDR; please recreate service` });
        continue;
      }
      const stored = ipAddresses.get(text);
      if (!stored) {
        events.push({ reason: 'ClusterIPNotAllocated', object: ref(svc), involved: serviceRef(svc), message: `Cluster IP [${family}]: ${text} is not allocated; repairing` });
        actions.push({ kind: 'create', ip: text, service: svc });
        continue;
      }
      const parent = stored.obj.spec?.parentRef;
      const wrongRef = `the ClusterIP [${family}]: ${text} for Service ${ref(svc)} has a wrong reference; repairing`;
      if (!parent || parent.group !== '' || parent.resource !== 'services') {
        events.push({ reason: 'ClusterIPNotAllocated', object: ref(svc), involved: serviceRef(svc), message: wrongRef });
        actions.push({ kind: 'recreate', ip: text, service: svc, modRevision: stored.modRevision });
        continue;
      }
      if (parent.namespace !== svc.metadata.namespace || parent.name !== svc.metadata.name) {
        const other = byName.get(`${parent.namespace}/${parent.name}`);
        if (!other) {
          events.push({ reason: 'ClusterIPNotAllocated', object: ref(svc), involved: serviceRef(svc), message: wrongRef });
          actions.push({ kind: 'recreate', ip: text, service: svc, modRevision: stored.modRevision });
          continue;
        }
        if (other.spec.clusterIPs?.includes(text)) {
          // A duplicate is reported, never fixed: only a human can say which Service keeps the IP.
          events.push({ reason: 'ClusterIPAlreadyAllocated', object: ref(svc), involved: serviceRef(svc), message: `Cluster IP [${family}]:${text} was assigned to multiple services; please recreate service` });
          continue;
        }
      }
      if (!hasAllocatorLabels(stored.obj, family)) {
        actions.push({ kind: 'recreate', ip: text, service: svc, modRevision: stored.modRevision });
      }
    }
  }

  for (const [name, stored] of ipAddresses) {
    const ipa = stored.obj;
    if (ipa.metadata.labels?.[IP_MANAGED_BY_LABEL] !== IP_ALLOCATOR_MANAGER) continue;
    const parent = ipa.spec?.parentRef;
    const object = `ipaddresses/${name}`;
    if (!parent || parent.group !== '' || parent.resource !== 'services') {
      events.push({ reason: 'IPAddressNotAllocated', object, involved: ipAddressRef(ipa), message: `IPAddress ${name} appears to have been modified, not referencing a Service ${goParentRef(parent)}: cleaning up` });
      actions.push({ kind: 'delete', ip: name, modRevision: stored.modRevision });
      continue;
    }
    const svc = byName.get(`${parent.namespace}/${parent.name}`);
    if (!svc) {
      const created = Date.parse(ipa.metadata.creationTimestamp ?? '') || 0;
      if (now - created > graceMs) {
        events.push({ reason: 'IPAddressNotAllocated', object, involved: ipAddressRef(ipa), message: `IPAddress: ${name} for Service ${parent.namespace}/${parent.name} appears to have leaked: cleaning up` });
        actions.push({ kind: 'delete', ip: name, modRevision: stored.modRevision, parent: { namespace: parent.namespace ?? '', name: parent.name, modRevision: 0 } });
      }
      continue;
    }
    if (!svc.spec.clusterIPs?.includes(name)) {
      events.push({ reason: 'IPAddressWrongReference', object, involved: ipAddressRef(ipa), message: `IPAddress: ${name} for Service ${parent.namespace}/${parent.name} has a wrong reference; cleaning up` });
      const modRevision = Number(svc.metadata.resourceVersion ?? 0);
      actions.push({ kind: 'delete', ip: name, modRevision: stored.modRevision, parent: { namespace: parent.namespace ?? '', name: parent.name, modRevision } });
    }
  }
  return { events, actions };
}

function hasAllocatorLabels(ipa: IPAddress, family: string): boolean {
  return ipa.metadata.labels?.[IP_FAMILY_LABEL] === family && ipa.metadata.labels?.[IP_MANAGED_BY_LABEL] === IP_ALLOCATOR_MANAGER;
}

function goParentRef(parent: IPAddress['spec']['parentRef'] | undefined): string {
  if (!parent) return '<nil>';
  return `&{${parent.group} ${parent.resource} ${parent.namespace ?? ''} ${parent.name}}`;
}
