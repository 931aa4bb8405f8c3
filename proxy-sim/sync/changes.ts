import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { Family } from '../../shared/net/ip.js';
import { endpointsOfService, sliceOwner, type ServiceEndpoints } from '../model/endpoints.js';
import { compareServicePorts } from '../model/order.js';
import { samePorts, servicePortsOf, type ServicePortInfo } from '../model/service-port.js';

/** What one checkout of the trackers changed: the Services whose chains a partial sync rewrites. */
interface Checkout {
  /** `namespace/name` of every Service whose ports or endpoints changed. */
  updated: Set<string>;
  /** For the sync header, e.g. `ADDED default/web`, `MODIFIED EndpointSlice default/web-x1`. */
  triggers: string[];
  /**
   * The `endpoints.kubernetes.io/last-change-trigger-time` of every slice write since the last
   * checkout (ms since the epoch), for kubeproxy_network_programming_duration_seconds.
   */
  triggerTimes: number[];
}

const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

interface PendingService {
  existedBefore: boolean;
  ports: ServicePortInfo[];
}

interface SliceVersion {
  slice: EndpointSlice;
  revision: number;
}

interface PendingEndpoints {
  /** Whether each changed slice existed at the last checkout. */
  existedBefore: Map<string, boolean>;
  endpoints: ServiceEndpoints;
}

/**
 * The change trackers of one proxier (upstream ServiceChangeTracker and EndpointSliceCache):
 * they accumulate watch events between syncs and hand the net change to the next sync. A
 * Service write that changes nothing kube-proxy uses is not a change; any slice write is.
 * Ports and endpoints (with their hashed chain names) are computed when an event arrives,
 * so a sync only swaps them in.
 */
export class ChangeTrackers {
  /** Ports of each Service as of the last checkout, each list in name order. */
  readonly ports = new Map<string, ServicePortInfo[]>();
  /** Endpoints of each Service as of the last checkout. */
  readonly endpoints = new Map<string, ServiceEndpoints>();

  private readonly serviceObjects = new Set<string>();
  private readonly pendingServices = new Map<string, PendingService>();
  /** The latest slices of each Service, pending changes included. */
  private readonly slices = new Map<string, Map<string, SliceVersion>>();
  private readonly pendingEndpoints = new Map<string, PendingEndpoints>();
  /** Where each slice key was last filed: a delete event is filed the same way. */
  private readonly sliceOwners = new Map<string, { service: string; slice: string }>();
  /** Trigger times per Service since the last checkout. */
  private readonly triggerTimes = new Map<string, number[]>();
  /** Changes older than the tracker are not this proxy's programming latency (upstream: trackerStartTime). */
  private readonly startedAt: number;

  constructor(
    private readonly family: Family,
    private readonly nodeName: string,
    now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  get pending(): boolean {
    return this.pendingServices.size > 0 || this.pendingEndpoints.size > 0;
  }

  /** A Service was written (`svc`) or deleted (undefined). Returns whether a sync is due. */
  service(name: string, svc: Service | undefined): boolean {
    const pending = this.pendingServices.get(name) ?? { existedBefore: this.serviceObjects.has(name), ports: [] };
    if (svc) this.serviceObjects.add(name);
    else this.serviceObjects.delete(name);
    pending.ports = svc ? servicePortsOf(svc, this.family).sort(compareServicePorts) : [];
    if (samePorts(this.ports.get(name) ?? [], pending.ports)) this.pendingServices.delete(name);
    else this.pendingServices.set(name, pending);
    return this.pending;
  }

  /**
   * A slice was written at `revision` or deleted (undefined). Slices of the other family or
   * without a service-name label are ignored, as upstream ignores them, even when they used to
   * belong somewhere. Returns whether a sync is due.
   */
  slice(key: string, slice: EndpointSlice | undefined, revision: number): boolean {
    let owner: { service: string; slice: string } | undefined;
    if (slice) {
      owner = sliceOwner(slice, this.family);
      if (!owner) return this.pending;
      if (this.slices.get(owner.service)?.get(owner.slice)?.revision === revision) return this.pending;
      this.sliceOwners.set(key, owner);
    } else {
      owner = this.sliceOwners.get(key);
      if (!owner) return this.pending;
      this.sliceOwners.delete(key);
      if (!this.slices.get(owner.service)?.has(owner.slice)) return this.pending;
    }
    let current = this.slices.get(owner.service);
    if (!current) this.slices.set(owner.service, (current = new Map()));
    const pending = this.pendingEndpoints.get(owner.service) ?? { existedBefore: new Map<string, boolean>(), endpoints: new Map() };
    if (!pending.existedBefore.has(owner.slice)) pending.existedBefore.set(owner.slice, current.has(owner.slice));
    if (slice) current.set(owner.slice, { slice, revision });
    else current.delete(owner.slice);
    const all = [...current.values()].map((v) => v.slice);
    if (current.size === 0) this.slices.delete(owner.service);
    pending.endpoints = endpointsOfService(owner.service, all, this.nodeName);
    this.pendingEndpoints.set(owner.service, pending);
    // As upstream: a deletion's annotation dates from its last update, so it measures nothing.
    if (!slice) this.triggerTimes.delete(owner.service);
    else {
      const t = Date.parse(slice.metadata.annotations?.[LAST_CHANGE_TRIGGER_TIME] ?? '');
      if (t > this.startedAt) this.triggerTimes.set(owner.service, [...(this.triggerTimes.get(owner.service) ?? []), t]);
    }
    return true;
  }

  /** Applies everything pending and reports what changed, as upstream's Update calls do. */
  checkout(): Checkout {
    const updated = new Set<string>();
    const triggers: string[] = [];
    for (const [name, p] of this.pendingServices) {
      const kind = !p.existedBefore ? 'ADDED' : this.serviceObjects.has(name) ? 'MODIFIED' : 'DELETED';
      triggers.push(`${kind} ${name}`);
      updated.add(name);
      if (p.ports.length > 0) this.ports.set(name, p.ports);
      else this.ports.delete(name);
    }
    this.pendingServices.clear();

    for (const [service, p] of this.pendingEndpoints) {
      const namespace = service.slice(0, service.indexOf('/'));
      const current = this.slices.get(service);
      for (const [name, existed] of p.existedBefore) {
        const kind = !current?.has(name) ? 'DELETED' : existed ? 'MODIFIED' : 'ADDED';
        triggers.push(`${kind} EndpointSlice ${namespace}/${name}`);
      }
      updated.add(service);
      if (p.endpoints.size > 0) this.endpoints.set(service, p.endpoints);
      else this.endpoints.delete(service);
    }
    this.pendingEndpoints.clear();
    const triggerTimes = [...this.triggerTimes.values()].flat();
    this.triggerTimes.clear();
    return { updated, triggers, triggerTimes };
  }
}
