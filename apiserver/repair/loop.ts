import type { Etcd3 } from 'etcd3';
import type { Service } from '../../shared/api/core.js';
import type { IPAddress } from '../../shared/api/networking.js';
import { listPrefix, type KeyValue } from '../../shared/etcd/range.js';
import { decodeObject, encodeObject } from '../../shared/storage/codec.js';
import { objectKey, resourcePrefix } from '../../shared/storage/keys.js';
import type { ServiceCIDR } from '../allocator/service-cidr.js';
import { WriteTxn } from '../registry/txn.js';
import { newIPAddress } from '../services/allocation-records.js';
import type { EventRecorder } from '../events/recorder.js';
import { RepairQueue } from './queue.js';
import { planRepair, type RepairAction, type RepairEvent, type StoredIPAddress } from './plan.js';

interface RepairOptions {
  intervalMs: number;
  /** How old an orphaned IPAddress must be before it is deleted (upstream: 60s). */
  graceMs: number;
  log: (line: string) => void;
  /** Where the repair events go (reportingController ipallocator-repair-controller). */
  recorder?: EventRecorder;
}

/**
 * The clusterIP repair loop (`--repair-interval`). With allocation and write in one transaction
 * nothing should ever need repair; this is for etcd edited by hand. Each action is guarded by the
 * revisions it was planned from, so it never undoes a write that happened meanwhile.
 */
export class IPRepairLoop {
  private queue: RepairQueue | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly root: string,
    /** Every configured ServiceCIDR's ranges, as they are now. */
    private readonly cidrs: () => readonly ServiceCIDR[],
    private readonly options: RepairOptions,
  ) {}

  /** Passes on the timer and on every change of a Service or an IPAddress. */
  async start(): Promise<void> {
    this.queue = new RepairQueue(this.client, [resourcePrefix(this.root, 'services'), resourcePrefix(this.root, 'ipaddresses')], () => this.runOnce(), { intervalMs: this.options.intervalMs, log: this.options.log, name: 'repair' });
    await this.queue.start();
  }

  stop(): void {
    this.queue?.stop();
  }

  /** One pass: read Services and IPAddresses at one revision, plan, apply. */
  async runOnce(): Promise<void> {
    const svcPrefix = resourcePrefix(this.root, 'services');
    const ipPrefix = resourcePrefix(this.root, 'ipaddresses');
    const [services, ips] = await this.snapshot(svcPrefix, ipPrefix);
    const ipAddresses = new Map<string, StoredIPAddress>();
    for (const { key, obj, modRevision } of ips) ipAddresses.set(key.slice(ipPrefix.length), { obj, modRevision });
    const { events, actions } = planRepair(services, ipAddresses, this.cidrs(), Date.now(), this.options.graceMs);
    for (const ev of events) this.options.log(`repair: Warning ${ev.reason} ${ev.object}: ${ev.message}`);
    await this.record(events);
    for (const action of actions) await this.apply(action);
  }

  /** Each planned event as upstream's Eventf records it, on the Service or the IPAddress it names. */
  private async record(events: readonly RepairEvent[]): Promise<void> {
    for (const ev of events) {
      const action = ev.involved.kind === 'IPAddress' ? 'IPAddressAllocation' : 'ClusterIPAllocation';
      await this.options.recorder?.record({ regarding: ev.involved, type: 'Warning', reason: ev.reason, action, note: ev.message });
    }
  }

  private async snapshot(svcPrefix: string, ipPrefix: string): Promise<[Service[], { key: string; obj: IPAddress; modRevision: number }[]]> {
    // Both prefixes paged at the revision of the first page, so they are read as of one moment.
    const decode = <T extends Service | IPAddress>(out: { key: string; obj: T; modRevision: number }[]) => (kvs: KeyValue[]) => {
      for (const kv of kvs) {
        try {
          out.push({ key: kv.key, obj: decodeObject<T>(kv.value, kv.modRevision), modRevision: kv.modRevision });
        } catch {
          // not an object: neither a Service nor an IPAddress to repair
        }
      }
    };
    const services: { key: string; obj: Service; modRevision: number }[] = [];
    const ips: { key: string; obj: IPAddress; modRevision: number }[] = [];
    const revision = await listPrefix(this.client, svcPrefix, decode(services));
    await listPrefix(this.client, ipPrefix, decode(ips), { revision });
    return [services.map((s) => s.obj), ips];
  }

  private async apply(action: RepairAction): Promise<void> {
    const ipKey = objectKey(this.root, 'ipaddresses', undefined, action.ip);
    const txn = new WriteTxn();
    if (action.kind === 'delete') {
      txn.requireRevision(ipKey, action.modRevision).delete(ipKey);
      if (action.parent) {
        // The Service must still be as planned: gone (a leak), or unchanged (a wrong reference).
        txn.requireRevision(objectKey(this.root, 'services', action.parent.namespace, action.parent.name), action.parent.modRevision);
      }
    } else {
      const svc = action.service;
      txn.requireRevision(ipKey, action.kind === 'create' ? 0 : action.modRevision);
      txn.requireRevision(objectKey(this.root, 'services', svc.metadata.namespace, svc.metadata.name!), Number(svc.metadata.resourceVersion));
      txn.put(ipKey, encodeObject(newIPAddress(action.ip, svc)));
    }
    const outcome = await txn.commit(this.client.kv);
    if (!outcome.succeeded) this.options.log(`repair: ${action.kind} of IPAddress ${action.ip} skipped: it changed meanwhile`);
  }
}
