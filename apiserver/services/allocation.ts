import type { Service } from '../../shared/api/core.js';
import { familyOfName, formatIP, parseIP, type IP } from '../../shared/net/ip.js';
import { AllocationError, ERR_ALLOCATED_PORT } from '../allocator/allocation-error.js';
import type { ClusterIPAllocator, ReservedIP } from '../allocator/cluster-ips.js';
import type { NodePortAllocator } from '../allocator/node-ports.js';
import { goStringSlice } from '../errors/go-format.js';
import { invalid } from '../errors/field.js';
import { internalError, invalidObject } from '../errors/status.js';
import type { Claim, Guard, SideEffects } from '../registry/strategy.js';
import { newIPAddress, newNodePortAllocation } from './allocation-records.js';
import { allocatesNodePorts, hasNodePorts } from '../../shared/api/service.js';

export interface ServiceAllocators {
  ips: ClusterIPAllocator;
  ports: NodePortAllocator;
}

/** Why an IP was chosen, for the teaching log (step 2). */
export interface IPDecision {
  ip: string;
  family: 'IPv4' | 'IPv6';
  cidr: string;
  how: 'requested' | 'random';
  band: 'static' | 'dynamic';
  /** The networking.k8s.io ServiceCIDR the range belongs to. */
  serviceCIDR?: string;
}



/**
 * The allocations of one Service write, built up as upstream's alloc.go decides them, but
 * committed differently: every IP and port becomes a key claimed (or released) in the same etcd
 * transaction as the Service. Until then they are only reservations in this process's memory.
 */
export class ServiceAllocation implements SideEffects {
  readonly claims: Claim[] = [];
  readonly releases: string[] = [];
  readonly guards: Guard[] = [];
  /** Writes of other kinds that go with this one (mirrored EndpointSlices). */
  readonly puts: { key: string; value: Buffer }[] = [];
  readonly decisions: IPDecision[] = [];
  private readonly ips: ReservedIP[] = [];
  private readonly ports: number[] = [];
  private readonly releasedIPs: IP[] = [];
  private readonly releasedPorts: number[] = [];
  /** A dry run's node ports: upstream's dry-run PortAllocationOperation only remembers them. */
  private readonly dryRunPorts: number[] = [];

  constructor(
    private readonly svc: Service,
    private readonly allocators: ServiceAllocators,
    private readonly dryRun: boolean,
    private readonly onCommit?: (allocation: ServiceAllocation, objectKey: string, revision: number) => void,
  ) {}

  settle(committed: boolean): void {
    for (const ip of this.ips) this.allocators.ips.settle(ip, committed);
    for (const port of this.ports) this.allocators.ports.settle(port, committed);
    if (committed) {
      // Free at once, not when the watch reports the deletion: a create right after may want them.
      for (const ip of this.releasedIPs) this.allocators.ips.markReleased(ip);
      for (const port of this.releasedPorts) this.allocators.ports.markReleased(port);
    }
    this.ips.length = 0;
    this.ports.length = 0;
  }

  committed(objectKey: string, revision: number): void {
    this.onCommit?.(this, objectKey, revision);
  }

  /** allocClusterIPs: one IP per family in spec.ipFamilies, requested or random. */
  allocateClusterIPs(): void {
    const spec = this.svc.spec;
    if (spec.type === 'ExternalName' || spec.clusterIPs?.[0] === 'None') return;
    const families = spec.ipFamilies ?? [];
    const requested = [...(spec.clusterIPs ?? [])];
    families.forEach((family, i) => {
      requested[i] = this.allocateIP(family, requested[i] ?? '', spec.clusterIPs ?? []);
    });
    spec.clusterIPs = requested;
    spec.clusterIP = requested[0];
  }

  /** Upgrade to dual-stack: only the secondary family gets an IP. */
  allocateSecondaryIP(): void {
    const spec = this.svc.spec;
    const clusterIPs = [...(spec.clusterIPs ?? [])];
    if (clusterIPs.length < 2) clusterIPs.push('');
    spec.clusterIPs = clusterIPs;
    clusterIPs[1] = this.allocateIP(spec.ipFamilies![1]!, clusterIPs[1]!, clusterIPs);
  }

  releaseIPs(ips: readonly string[]): void {
    for (const text of ips) {
      const ip = parseIP(text);
      if (!ip) continue;
      this.releasedIPs.push(ip);
      this.releases.push(this.allocators.ips.keyFor(formatIP(ip)));
    }
  }

  /** initNodePorts: ports with the same port number share one nodePort, as upstream. */
  allocateNodePorts(): void {
    if (!hasNodePorts(this.svc)) return;
    const byServicePort = new Map<number, number>();
    const ports = this.svc.spec.ports ?? [];
    ports.forEach((sp, i) => {
      if (!sp.nodePort && !allocatesNodePorts(this.svc)) return;
      const shared = byServicePort.get(sp.port);
      if (shared === undefined) {
        const requested = sp.nodePort || ports.slice(i).find((p) => p.port === sp.port && p.nodePort)?.nodePort || 0;
        sp.nodePort = requested ? this.claimPort(requested, i) : this.claimNextPort('failed to allocate a nodePort');
        byServicePort.set(sp.port, sp.nodePort);
      } else if (!sp.nodePort) {
        sp.nodePort = shared;
      } else if (sp.nodePort !== shared) {
        this.claimPort(sp.nodePort, i);
      }
    });
  }

  /** updateNodePorts: claim the new ones, release the old ones no longer used. */
  updateNodePorts(old: Service): void {
    const oldPorts = collectNodePorts(old);
    const claimed = new Set<number>();
    (this.svc.spec.ports ?? []).forEach((sp, i) => {
      if (!sp.nodePort && !allocatesNodePorts(this.svc)) return;
      if (sp.nodePort) {
        if (!oldPorts.includes(sp.nodePort) && !claimed.has(sp.nodePort)) {
          this.claimPort(sp.nodePort, i);
          claimed.add(sp.nodePort);
        }
      } else {
        sp.nodePort = this.claimNextPort('failed to allocate a nodePort');
      }
    });
    const newPorts = collectNodePorts(this.svc);
    this.releasePorts(oldPorts.filter((p) => !newPorts.includes(p)));
  }

  releasePorts(ports: readonly number[]): void {
    for (const port of ports) {
      this.releasedPorts.push(port);
      this.releases.push(this.allocators.ports.keyFor(port));
    }
  }

  allocateHealthCheckNodePort(): void {
    const requested = this.svc.spec.healthCheckNodePort ?? 0;
    if (requested) {
      this.reservePort(requested, (err) => internalError(`failed to allocate requested HealthCheck NodePort ${requested}: ${err.message}`));
    } else {
      this.svc.spec.healthCheckNodePort = this.claimNextPort('failed to allocate a HealthCheck NodePort 0');
    }
  }

  private allocateIP(family: string, requested: string, shown: readonly string[]): string {
    const ips = this.allocators.ips;
    const fam = familyOfName(family);
    if (requested === '') {
      if (this.dryRun) {
        const cidr = ips.cidrFor(fam);
        if (!cidr) throw internalError('failed to allocate a serviceIP: range is full');
        return formatIP({ family: fam, value: cidr.cidr.network });
      }
      const reserved = this.reserve(() => ips.reserveNext(fam), (err) => internalError(`failed to allocate a serviceIP: ${err.message}`));
      this.claimIP(reserved, 'random', () => 'retry');
      return reserved.text;
    }
    if (!parseIP(requested)) throw internalError(`failed to parse service IP ${JSON.stringify(requested)}`);
    const invalidIP = (message: string) =>
      invalidObject('', 'Service', this.svc.metadata.name ?? '', [
        invalid('spec.clusterIPs', goStringSlice(shown), `failed to allocate IP ${requested}: ${message}`),
      ]);
    if (this.dryRun) {
      const ip = parseIP(requested)!;
      if (!ips.inRange(ip)) throw invalidIP('the provided network does not match the current range');
      return requested;
    }
    const reserved = this.reserve(() => ips.reserve(requested), (err) => invalidIP(err.message));
    this.claimIP(reserved, 'requested', () => {
      ips.markStored(reserved.ip);
      return invalidIP('provided IP is already allocated');
    });
    return requested;
  }

  private reserve<T>(pick: () => T, fail: (err: AllocationError) => Error): T {
    try {
      return pick();
    } catch (err) {
      if (err instanceof AllocationError) throw fail(err);
      throw err;
    }
  }

  private claimIP(reserved: ReservedIP, how: 'requested' | 'random', onTaken: () => 'retry' | Error): void {
    this.ips.push(reserved);
    const family = reserved.cidr.familyName;
    this.decisions.push({
      ip: reserved.text,
      family,
      cidr: reserved.cidr.text,
      how,
      band: reserved.staticBand ? 'static' : 'dynamic',
      serviceCIDR: reserved.source?.name,
    });
    // Better than upstream: no IP is handed out from a ServiceCIDR that is being deleted, since
    // marking it deleted changes its key and this transaction requires the key as it was read.
    const source = reserved.source;
    if (source && !this.guards.some((g) => g.key === source.key)) {
      this.guards.push({ key: source.key, modRevision: source.modRevision, onChanged: (current) => this.allocators.ips.refreshSource(source.key, current) });
    }
    const key = this.allocators.ips.keyFor(reserved.text);
    const ipAddress = newIPAddress(reserved.text, this.svc);
    this.claims.push({
      key,
      value: Buffer.from(JSON.stringify(ipAddress)),
      onTaken: () => {
        if (how === 'random') this.allocators.ips.markStored(reserved.ip);
        return onTaken();
      },
    });
  }

  private claimPort(port: number, index: number): number {
    const fail = (err: AllocationError) =>
      invalidObject('', 'Service', this.svc.metadata.name ?? '', [invalid(`spec.ports[${index}].nodePort`, String(port), err.message)]);
    this.reservePort(port, fail);
    return port;
  }

  private claimNextPort(what: string): number {
    if (this.dryRun) {
      // Upstream's dry-run AllocateNext: no search of the pool (racy, and not worth it), one past
      // the highest port this operation holds, starting at 32769 (its guess 32768, plus one).
      const port = (this.dryRunPorts.length ? Math.max(...this.dryRunPorts) : 32768) + 1;
      this.dryRunPorts.push(port);
      return port;
    }
    let port = 0;
    try {
      port = this.allocators.ports.reserveNext();
    } catch (err) {
      if (err instanceof AllocationError) throw internalError(`${what}: ${err.message}`);
      throw err;
    }
    this.addPortClaim(port, () => {
      this.allocators.ports.markStored(port);
      return 'retry';
    });
    return port;
  }

  private reservePort(port: number, fail: (err: AllocationError) => Error): void {
    if (this.dryRun) {
      // The dry-run Allocate: taken ports are refused, the range is not checked.
      if (this.allocators.ports.has(port) || this.dryRunPorts.includes(port)) throw fail(new AllocationError('allocated', ERR_ALLOCATED_PORT));
      this.dryRunPorts.push(port);
      return;
    }
    try {
      this.allocators.ports.reserve(port);
    } catch (err) {
      if (err instanceof AllocationError) throw fail(err);
      throw err;
    }
    this.addPortClaim(port, () => {
      this.allocators.ports.markStored(port);
      return fail(new AllocationError('allocated', 'provided port is already allocated'));
    });
  }

  private addPortClaim(port: number, onTaken: () => 'retry' | Error): void {
    this.ports.push(port);
    const value = Buffer.from(JSON.stringify(newNodePortAllocation(port, this.svc)));
    this.claims.push({ key: this.allocators.ports.keyFor(port), value, onTaken });
  }
}

/** The distinct nodePorts a Service holds. */
export function collectNodePorts(svc: Service): number[] {
  const ports = new Set<number>();
  for (const p of svc.spec.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
  return [...ports];
}
