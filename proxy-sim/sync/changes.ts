import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { Family } from '../../shared/net/ip.js';
import { endpointsOfService, sliceOwner, type ServiceEndpoints } from '../model/endpoints.js';
import { compareServicePorts } from '../model/order.js';
import { samePorts, servicePortsOf, type ServicePortInfo } from '../model/service-port.js';

/** What one checkout of the trackers changed: the Services whose chains a partial sync rewrites. */
export interface Checkout {
  /** `namespace/name` of every Service whose ports or endpoints changed. */
  updated: Set<string>;
  /** For the sync header, e.g. `ADDED default/web`, `MODIFIED EndpointSlice default/web-x1`. */
  triggers: string[];
}

interface PendingService {
  existedBefore: boolean;
  ports: ServicePortInfo[];
}

interface SliceVersion {
  slice: EndpointSlice;
  revision: number;
}

/**
 * The change trackers of one proxier (upstream ServiceChangeTracker and EndpointSliceCache):
 * they accumulate watch events between syncs and hand the net change to the next sync. A
 * Service write that changes nothing kube-proxy uses is not a change; any slice write is.
 */
export class ChangeTrackers {
  /** Ports of each Service as of the last checkout, each list in name order. */
  readonly ports = new Map<string, ServicePortInfo[]>();
  /** Endpoints of each Service as of the last checkout. */
  readonly endpoints = new Map<string, ServiceEndpoints>();

  private readonly serviceObjects = new Set<string>();
  private readonly pendingServices = new Map<string, PendingService>();
  private readonly appliedSlices = new Map<string, Map<string, SliceVersion>>();
  private readonly pendingSlices = new Map<string, Map<string, SliceVersion | null>>();
  /** Where each slice key was last filed: a delete event is filed the same way. */
  private readonly sliceOwners = new Map<string, { service: string; slice: string }>();

  constructor(
    private readonly family: Family,
    private readonly nodeName: string,
  ) {}

  get pending(): boolean {
    return this.pendingServices.size > 0 || this.pendingSlices.size > 0;
  }

  /** Services whose ports the next checkout changes. */
  pendingServiceNames(): string[] {
    return [...this.pendingServices.keys()];
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
    if (slice) {
      const owner = sliceOwner(slice, this.family);
      if (!owner) return this.pending;
      const known = this.pendingSlices.get(owner.service)?.get(owner.slice) ?? this.appliedSlices.get(owner.service)?.get(owner.slice);
      if (known?.revision === revision) return this.pending;
      this.sliceOwners.set(key, owner);
      this.pendingSliceMap(owner.service).set(owner.slice, { slice, revision });
    } else {
      const owner = this.sliceOwners.get(key);
      if (!owner) return this.pending;
      this.sliceOwners.delete(key);
      const pendingHas = this.pendingSlices.get(owner.service)?.get(owner.slice);
      if (pendingHas || this.appliedSlices.get(owner.service)?.has(owner.slice)) {
        this.pendingSliceMap(owner.service).set(owner.slice, null);
      }
    }
    return this.pending;
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

    for (const [service, changes] of this.pendingSlices) {
      let applied = this.appliedSlices.get(service);
      if (!applied) this.appliedSlices.set(service, (applied = new Map()));
      const namespace = service.slice(0, service.indexOf('/'));
      for (const [name, version] of changes) {
        const kind = version === null ? 'DELETED' : applied.has(name) ? 'MODIFIED' : 'ADDED';
        triggers.push(`${kind} EndpointSlice ${namespace}/${name}`);
        if (version === null) applied.delete(name);
        else applied.set(name, version);
      }
      updated.add(service);
      if (applied.size === 0) {
        this.appliedSlices.delete(service);
        this.endpoints.delete(service);
      } else {
        const slices = [...applied.values()].map((v) => v.slice);
        this.endpoints.set(service, endpointsOfService(service, slices, this.nodeName));
      }
    }
    this.pendingSlices.clear();
    return { updated, triggers };
  }

  private pendingSliceMap(service: string): Map<string, SliceVersion | null> {
    let m = this.pendingSlices.get(service);
    if (!m) this.pendingSlices.set(service, (m = new Map()));
    return m;
  }
}
