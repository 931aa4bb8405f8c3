import type { Campaign, Etcd3 } from 'etcd3';
import {
  IP_ALLOCATOR_MANAGER,
  IP_MANAGED_BY_LABEL,
  SERVICE_CIDR_FINALIZER,
  SERVICE_CIDR_READY,
  type Condition,
  type IPAddress,
  type ServiceCIDRObject,
} from '../../shared/api/networking.js';
import { cidrContains, cidrCovers } from '../../shared/net/cidr.js';
import { parseCIDR, parseIP, type CIDR } from '../../shared/net/ip.js';
import { resourcePrefix } from '../../shared/storage/keys.js';
import { StatusError } from '../errors/status.js';
import { nowTimestamp } from '../registry/object-meta.js';
import type { Store } from '../registry/store.js';

const READY_MESSAGE = 'Kubernetes Service CIDR is ready';
const TERMINATING_REASON = 'Terminating';
const TERMINATING_MESSAGE = 'There are still IPAddresses referencing the ServiceCIDR, please remove them or create a new ServiceCIDR';

interface ServiceCIDRControllerOptions {
  intervalMs: number;
  /** This replica's name in the election. */
  identity: string;
  log: (line: string) => void;
}

/**
 * The service-cidr-controller, which upstream runs in kube-controller-manager, here inside the
 * apiserver: of all replicas, only the one elected through etcd (etcd3's Election, on a lease)
 * acts. It puts the finalizer on every ServiceCIDR and marks it Ready; a ServiceCIDR being
 * deleted keeps its finalizer, and goes Ready=False (Terminating), while some IPAddress inside it
 * has no other ServiceCIDR to fall back on.
 */
export class ServiceCIDRController {
  private campaign?: Campaign;
  private leading = false;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running?: Promise<void>;
  private passes = 0;
  private election?: ReturnType<ReturnType<Etcd3['namespace']>['election']>;

  constructor(
    private readonly client: Etcd3,
    private readonly root: string,
    private readonly stores: { main: Store<ServiceCIDRObject>; status: Store<ServiceCIDRObject> },
    private readonly options: ServiceCIDRControllerOptions,
  ) {}

  start(): void {
    this.elect();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.campaign?.resign().catch(() => undefined);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Resolves once this replica, elected, has made its first pass (so the finalizers and Ready
   * conditions of start-up are written before the apiserver reports itself started), or once
   * another replica is seen leading, or after `timeoutMs`.
   */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.stopped) {
      if (this.leading && this.passes > 0) return;
      const leader = await this.election?.leader().catch(() => undefined);
      if (leader !== undefined && leader !== this.options.identity) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private elect(): void {
    if (this.stopped) return;
    const election = this.client.namespace(`${this.root}/`).election('service-cidr-controller', 10);
    this.election = election;
    const campaign = election.campaign(this.options.identity);
    this.campaign = campaign;
    campaign.on('elected', () => {
      this.leading = true;
      this.options.log(`servicecidr-controller: ${this.options.identity} is the leader`);
      void this.tick();
    });
    // A lost lease ends the campaign: stop acting at once, then stand again.
    campaign.on('error', (err: Error) => {
      this.leading = false;
      this.options.log(`servicecidr-controller: campaign failed (${err.message}); standing again`);
      setTimeout(() => this.elect(), 1000).unref();
    });
  }

  private async tick(): Promise<void> {
    if (!this.leading || this.stopped || this.running) return;
    this.running = this.syncAll()
      .catch((err: unknown) => this.options.log(`servicecidr-controller: sync failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.running = undefined;
        this.passes++;
      });
    await this.running;
  }

  /** One pass over every ServiceCIDR, read from etcd (not a cache), as the decisions guard deletions. */
  async syncAll(): Promise<void> {
    const { items } = await this.stores.main.list();
    for (const sc of items) {
      if (!this.leading) return;
      await this.sync(sc, items).catch((err: unknown) => {
        if (!(err instanceof StatusError && (err.code === 404 || err.code === 409))) throw err;
      });
    }
  }

  private async sync(sc: ServiceCIDRObject, all: readonly ServiceCIDRObject[]): Promise<void> {
    const name = sc.metadata.name!;
    const finalizers = sc.metadata.finalizers ?? [];
    if (sc.metadata.deletionTimestamp) {
      if (!finalizers.includes(SERVICE_CIDR_FINALIZER)) return;
      if (await this.canDelete(sc, all)) {
        await this.stores.main.update(undefined, name, (cur) => {
          cur!.metadata.finalizers = (cur!.metadata.finalizers ?? []).filter((f) => f !== SERVICE_CIDR_FINALIZER);
          return cur!;
        });
        this.options.log(`servicecidr-controller: ServiceCIDR ${name} holds no IPAddress that only it covers: finalizer removed`);
        return;
      }
      if (readyCondition(sc)?.reason !== TERMINATING_REASON) {
        await this.setReady(name, { status: 'False', reason: TERMINATING_REASON, message: TERMINATING_MESSAGE });
        this.options.log(`servicecidr-controller: ServiceCIDR ${name} is Terminating: ${TERMINATING_MESSAGE}`);
      }
      return;
    }
    if (!finalizers.includes(SERVICE_CIDR_FINALIZER)) {
      await this.stores.main.update(undefined, name, (cur) => {
        cur!.metadata.finalizers = [...(cur!.metadata.finalizers ?? []), SERVICE_CIDR_FINALIZER];
        return cur!;
      });
    }
    if (readyCondition(sc)?.status !== 'True') {
      await this.setReady(name, { status: 'True', reason: '', message: READY_MESSAGE });
      this.options.log(`servicecidr-controller: ServiceCIDR ${name} (${(sc.spec?.cidrs ?? []).join(',')}) is Ready`);
    }
  }

  private async setReady(name: string, c: Pick<Condition, 'status' | 'reason' | 'message'>): Promise<void> {
    await this.stores.status.update(undefined, name, (cur) => {
      const others = (cur!.status?.conditions ?? []).filter((x) => x.type !== SERVICE_CIDR_READY);
      cur!.status = { conditions: [...others, { type: SERVICE_CIDR_READY, status: c.status, lastTransitionTime: nowTimestamp(), reason: c.reason, message: c.message }] };
      return cur!;
    });
  }

  /**
   * canDeleteCIDR: yes if another ServiceCIDR, not being deleted, contains each of its CIDRs;
   * otherwise only if no allocator-managed IPAddress inside it lacks such another ServiceCIDR.
   */
  private async canDelete(sc: ServiceCIDRObject, all: readonly ServiceCIDRObject[]): Promise<boolean> {
    const others = all.filter((o) => o.metadata.name !== sc.metadata.name && !o.metadata.deletionTimestamp).flatMap((o) => cidrsOf(o));
    const mine = cidrsOf(sc);
    const covered = (c: CIDR) => others.some((o) => cidrCovers(o, c));
    if (mine.every(covered)) return true;
    const kvs = await this.client.getAll().prefix(resourcePrefix(this.root, 'ipaddresses')).strings();
    for (const value of Object.values(kvs)) {
      let ip: IPAddress;
      try {
        ip = JSON.parse(value) as IPAddress;
      } catch {
        continue;
      }
      if (ip.metadata?.labels?.[IP_MANAGED_BY_LABEL] !== IP_ALLOCATOR_MANAGER) continue;
      const addr = parseIP(ip.metadata.name ?? '', false);
      if (!addr || !mine.some((c) => cidrContains(c, addr))) continue;
      if (!others.some((o) => cidrContains(o, addr))) return false;
    }
    return true;
  }
}

const readyCondition = (sc: ServiceCIDRObject) => sc.status?.conditions?.find((c) => c.type === SERVICE_CIDR_READY);

function cidrsOf(sc: ServiceCIDRObject): CIDR[] {
  return (sc.spec?.cidrs ?? []).map((c) => parseCIDR(c)).filter((c): c is CIDR => !!c);
}
