import type { Etcd3 } from 'etcd3';
import type { Service } from '../../shared/api/core.js';
import { decodeObject, encodeObject } from '../../shared/storage/codec.js';
import { objectKey, resourcePrefix } from '../../shared/storage/keys.js';
import type { PortRange } from '../allocator/node-ports.js';
import type { EventRecorder } from '../events/recorder.js';
import { WriteTxn } from '../registry/txn.js';
import { newNodePortAllocation } from '../services/allocation-records.js';
import { planNodePortRepair, type NodePortAction, type StoredNodePort } from './node-port-plan.js';
import { RepairQueue } from './queue.js';

/**
 * The nodePort repair loop beside the clusterIP one: the same timer, passes on every change of a
 * Service or a nodePort key, upstream's event reasons (reportingController
 * portallocator-repair-controller). Each write is guarded by the revisions it was planned from.
 */
export class NodePortRepairLoop {
  private queue: RepairQueue | undefined;
  /** Ports nobody uses, with the passes left before they are freed. */
  private readonly leaks = new Map<number, number>();

  constructor(
    private readonly client: Etcd3,
    private readonly root: string,
    private readonly range: PortRange,
    private readonly options: { intervalMs: number; log: (line: string) => void; recorder?: EventRecorder },
  ) {}

  async start(): Promise<void> {
    this.queue = new RepairQueue(this.client, [resourcePrefix(this.root, 'services'), resourcePrefix(this.root, 'servicenodeports')], () => this.runOnce(), { ...this.options, name: 'nodeport repair' });
    await this.queue.start();
  }

  stop(): void {
    this.queue?.stop();
  }

  async runOnce(): Promise<void> {
    const svcPrefix = resourcePrefix(this.root, 'services');
    const portPrefix = resourcePrefix(this.root, 'servicenodeports');
    // Both ranges in one transaction, so they are read at the same revision.
    const res = await this.client.kv.txn({
      compare: [],
      success: [svcPrefix, portPrefix].map((p) => ({ request_range: { key: Buffer.from(p), range_end: prefixEnd(p) } })),
      failure: [],
    });
    const services: Service[] = [];
    for (const kv of res.responses[0]?.response_range?.kvs ?? []) {
      try {
        services.push(decodeObject<Service>(kv.value, Number(kv.mod_revision)));
      } catch {
        // not a Service: nothing to repair from it
      }
    }
    const stored = new Map<number, StoredNodePort>();
    for (const kv of res.responses[1]?.response_range?.kvs ?? []) {
      const port = Number(kv.key.toString().slice(portPrefix.length));
      if (Number.isInteger(port)) stored.set(port, { modRevision: Number(kv.mod_revision) });
    }
    const { events, actions } = planNodePortRepair(services, stored, this.range, this.leaks);
    for (const ev of events) {
      const svc = ev.service;
      this.options.log(`nodeport repair: Warning ${ev.reason} ${svc.metadata.namespace}/${svc.metadata.name}: ${ev.message}`);
      await this.options.recorder?.record({
        regarding: { kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name, uid: svc.metadata.uid, apiVersion: 'v1', resourceVersion: svc.metadata.resourceVersion },
        type: 'Warning',
        reason: ev.reason,
        action: 'PortAllocation',
        note: ev.message,
      });
    }
    for (const action of actions) await this.apply(action);
  }

  private async apply(action: NodePortAction): Promise<void> {
    const key = objectKey(this.root, 'servicenodeports', undefined, String(action.port));
    const txn = new WriteTxn();
    if (action.kind === 'delete') {
      this.options.log(`nodeport repair: the node port ${action.port} appears to have leaked: cleaning up`);
      txn.requireRevision(key, action.modRevision).delete(key);
    } else {
      const svc = action.service;
      txn.requireRevision(key, 0);
      txn.requireRevision(objectKey(this.root, 'services', svc.metadata.namespace, svc.metadata.name!), Number(svc.metadata.resourceVersion));
      txn.put(key, encodeObject(newNodePortAllocation(action.port, svc)));
    }
    const outcome = await txn.commit(this.client.kv);
    if (!outcome.succeeded) this.options.log(`nodeport repair: ${action.kind} of node port ${action.port} skipped: it changed meanwhile`);
  }
}

function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix);
  end[end.length - 1]! += 1;
  return end;
}
