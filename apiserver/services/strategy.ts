import type { Service } from '../../shared/api/core.js';
import { invalidObject } from '../errors/status.js';
import type { Guard, ResourceInfo, SideEffects, Strategy, WriteContext } from '../registry/strategy.js';
import { ServiceAllocation, collectNodePorts, type ServiceAllocators } from './allocation.js';
import { hasNodePorts, isHeadless, needsHealthCheck } from '../../shared/api/service.js';
import { setServiceDefaults } from './defaults.js';
import { initIPFamilyFields, isMatchingPreferDualStackClusterIPFields, type ServiceIPConfig } from './ip-families.js';
import { defaultOnRead, normalizeClusterIPs, patchAllocatedValues, prepareForCreate, prepareForUpdate } from './normalize.js';
import { describeCommit, describeDecisions, describeDeletion } from './narration.js';
import { validateService, validateServiceUpdate } from './validation.js';
import { validateObjectMetaUpdate } from '../validation/object-meta.js';

export const SERVICE_INFO: ResourceInfo = {
  group: '',
  version: 'v1',
  kind: 'Service',
  listKind: 'ServiceList',
  resource: 'services',
  storage: 'services',
  namespaced: true,
};

/** Keys that go with a Service's deletion but belong to other kinds (its Endpoints and their mirrors). */
type DependentsOf = (namespace: string, name: string) => Promise<{ releases: string[]; guards: Guard[] }>;

/**
 * The mirrored EndpointSlices a Service write changes (only when its selector comes or goes, or
 * it is created without one); undefined, at once, when it changes none.
 */
type MirrorsOf = (svc: Service, old: Service | undefined) => Promise<{ puts: { key: string; value: Buffer }[]; releases: string[]; guards: Guard[] } | undefined> | undefined;

interface ServiceStrategyOptions {
  allocators: ServiceAllocators;
  ipConfig: ServiceIPConfig;
  dependents: DependentsOf;
  mirrors: MirrorsOf;
  log: (line: string) => void;
}

/** The Service's rules: defaults, validation and the allocation hooks, as registry/core/service. */
export class ServiceStrategy implements Strategy<Service> {
  readonly info = SERVICE_INFO;
  readonly allowCreateOnUpdate = true;

  constructor(private readonly options: ServiceStrategyOptions) {}

  defaults(svc: Service): void {
    setServiceDefaults(svc);
  }

  beginCreate(svc: Service, ctx: WriteContext): SideEffects | Promise<SideEffects> {
    normalizeClusterIPs(svc, undefined);
    this.initFamilies(svc, undefined);
    const allocation = this.newAllocation(svc, ctx, true);
    try {
      allocation.allocateClusterIPs();
      allocation.allocateNodePorts();
      if (needsHealthCheck(svc)) allocation.allocateHealthCheckNodePort();
    } catch (err) {
      allocation.settle(false);
      throw err;
    }
    return ctx.dryRun ? allocation : this.withMirrors(allocation, svc, undefined);
  }

  prepareForCreate(svc: Service): void {
    prepareForCreate(svc);
  }

  validate(svc: Service) {
    return validateService(svc);
  }

  beginUpdate(svc: Service, old: Service, ctx: WriteContext): SideEffects | Promise<SideEffects> {
    patchAllocatedValues(svc, old);
    normalizeClusterIPs(svc, old);
    this.initFamilies(svc, old);
    const allocation = this.newAllocation(svc, ctx, false);
    try {
      this.updateClusterIPs(svc, old, allocation);
      this.updateNodePorts(svc, old, allocation);
    } catch (err) {
      allocation.settle(false);
      throw err;
    }
    return ctx.dryRun ? allocation : this.withMirrors(allocation, svc, old);
  }

  /** Adds the mirror writes to the allocation's transaction; synchronous when there are none. */
  private withMirrors(allocation: ServiceAllocation, svc: Service, old: Service | undefined): SideEffects | Promise<SideEffects> {
    const pending = this.options.mirrors(svc, old);
    if (!pending) return allocation;
    return pending.then(
      (effects) => {
        if (effects) {
          allocation.puts.push(...effects.puts);
          allocation.releases.push(...effects.releases);
          allocation.guards.push(...effects.guards);
        }
        return allocation;
      },
      (err: unknown) => {
        allocation.settle(false);
        throw err;
      },
    );
  }

  prepareForUpdate(svc: Service, old: Service): void {
    prepareForUpdate(svc, old);
  }

  validateUpdate(svc: Service, old: Service) {
    return validateServiceUpdate(svc, old);
  }

  async deleteEffects(svc: Service): Promise<SideEffects> {
    const allocation = new ServiceAllocation(svc, this.options.allocators, false, (a, key, revision) =>
      this.options.log(describeDeletion(svc, key, a.releases, revision)),
    );
    if (svc.spec.type !== 'ExternalName' && !isHeadless(svc)) allocation.releaseIPs(svc.spec.clusterIPs ?? []);
    allocation.releasePorts(collectNodePorts(svc));
    if (needsHealthCheck(svc) && svc.spec.healthCheckNodePort) allocation.releasePorts([svc.spec.healthCheckNodePort]);
    const dependents = await this.options.dependents(svc.metadata.namespace!, svc.metadata.name!);
    allocation.releases.push(...dependents.releases);
    allocation.guards.push(...dependents.guards);
    return allocation;
  }

  decorate(svc: Service): void {
    defaultOnRead(svc, this.options.ipConfig);
  }

  private initFamilies(svc: Service, old: Service | undefined): void {
    const errors = initIPFamilyFields(svc, old, this.options.ipConfig);
    if (errors.length) throw invalidObject('', 'Service', svc.metadata.name ?? '', errors);
  }

  /** updateClusterIPs in alloc.go: the four cases of a type or family change. */
  private updateClusterIPs(svc: Service, old: Service, allocation: ServiceAllocation): void {
    if (isMatchingPreferDualStackClusterIPFields(svc, old)) return;
    if (old.spec.type === 'ExternalName' && svc.spec.type !== 'ExternalName') {
      allocation.allocateClusterIPs();
      return;
    }
    if (isHeadless(old)) return;
    if (old.spec.type !== 'ExternalName' && svc.spec.type === 'ExternalName') {
      allocation.releaseIPs(old.spec.clusterIPs ?? []);
      return;
    }
    const before = old.spec.ipFamilies?.length ?? 0;
    const after = svc.spec.ipFamilies?.length ?? 0;
    if (before === 1 && after === 2) allocation.allocateSecondaryIP();
    else if (before === 2 && after === 1) allocation.releaseIPs(old.spec.clusterIPs?.slice(1, 2) ?? []);
  }

  private updateNodePorts(svc: Service, old: Service, allocation: ServiceAllocation): void {
    if (hasNodePorts(old) && !hasNodePorts(svc)) allocation.releasePorts(collectNodePorts(old));
    if (hasNodePorts(svc)) allocation.updateNodePorts(old);
    const neededHC = needsHealthCheck(old);
    const needsHC = needsHealthCheck(svc);
    if (!neededHC && needsHC) allocation.allocateHealthCheckNodePort();
    else if (neededHC && !needsHC && old.spec.healthCheckNodePort) allocation.releasePorts([old.spec.healthCheckNodePort]);
  }

  /**
   * The allocation of one write. Steps 2 and 3 of the teaching log are printed when its
   * transaction commits, so a refused write never claims an IP it did not get.
   */
  private newAllocation(svc: Service, ctx: WriteContext, create: boolean): ServiceAllocation {
    return new ServiceAllocation(svc, this.options.allocators, ctx.dryRun, (allocation, key, revision) => {
      if (create || allocation.decisions.length) {
        const decided = describeDecisions(svc, allocation.decisions, this.options.allocators.ips);
        if (decided) this.options.log(decided);
      }
      this.options.log(describeCommit(allocation, key, revision));
    });
  }
}

/**
 * The status subresource: only status changes (a load balancer's ingress, say), so nothing is
 * allocated or released, as upstream's serviceStatusStrategy.
 */
export class ServiceStatusStrategy implements Strategy<Service> {
  readonly info = SERVICE_INFO;
  readonly allowCreateOnUpdate = false;

  constructor(private readonly ipConfig: ServiceIPConfig) {}

  prepareForCreate(): void {}

  validate() {
    return [];
  }

  prepareForUpdate(svc: Service, old: Service): void {
    svc.spec = old.spec;
    svc.metadata = { ...old.metadata, resourceVersion: svc.metadata.resourceVersion, managedFields: svc.metadata.managedFields ?? old.metadata.managedFields };
  }

  validateUpdate(svc: Service, old: Service) {
    return validateObjectMetaUpdate(svc.metadata, old.metadata);
  }

  decorate(svc: Service): void {
    defaultOnRead(svc, this.ipConfig);
  }
}
