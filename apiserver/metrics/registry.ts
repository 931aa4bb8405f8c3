import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EtcdTimer, EtcdTiming } from '../registry/store.js';
import type { ResourceInfo } from '../registry/strategy.js';

/**
 * upstream's latency buckets for apiserver_request_duration_seconds and
 * etcd_request_duration_seconds (k8s.io/apiserver endpoints and storage metrics).
 */
const REQUEST_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

/** Powers of two up to etcd's --max-txn-ops default (128): how many writes share a round trip. */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128];

const REQUEST_LABELS = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;

/** What an /metrics scrape reads at that moment rather than counts as it happens. */
interface Sampled {
  /** Stored objects per resource, labelled as upstream's GroupResource string (`services`, `endpointslices.discovery.k8s.io`). */
  storageObjects(): Iterable<[resource: string, count: number]>;
  /** Allocated and available clusterIPs per service CIDR. */
  clusterIPs(): Iterable<{ cidr: string; allocated: number; available: number }>;
}

/**
 * The metrics of one apiserver, in a registry of its own: tests run several apiservers in one
 * process, and each must count only its own requests. Names, labels and buckets are upstream's
 * (kube-apiserver v1.33) except for the group-commit histogram, which upstream has no
 * counterpart for.
 */
export class ApiServerMetrics implements EtcdTiming {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
    labelNames: [...REQUEST_LABELS, 'code'],
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    labelNames: REQUEST_LABELS,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });

  readonly longRunning = new Gauge({
    name: 'apiserver_longrunning_requests',
    help: 'Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
    labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
    registers: [this.registry],
  });

  readonly etcdRequestDuration = new Histogram({
    name: 'etcd_request_duration_seconds',
    help: 'Etcd request latency in seconds for each operation and object type.',
    labelNames: ['operation', 'type'],
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });

  readonly allocations = new Counter({
    name: 'kube_apiserver_clusterip_allocator_allocation_total',
    help: 'Number of Cluster IPs allocations',
    labelNames: ['cidr', 'scope'],
    registers: [this.registry],
  });

  readonly allocationErrors = new Counter({
    name: 'kube_apiserver_clusterip_allocator_allocation_errors_total',
    help: 'Number of errors trying to allocate Cluster IPs',
    labelNames: ['cidr', 'scope'],
    registers: [this.registry],
  });

  readonly txnBatchSize = new Histogram({
    name: 'clusterip_lab_apiserver_txn_batch_size',
    help: 'Transactions sent to etcd together in one request by the group commit.',
    buckets: BATCH_BUCKETS,
    registers: [this.registry],
  });

  constructor(sampled: Sampled) {
    new Gauge({
      name: 'apiserver_storage_objects',
      help: 'Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
      labelNames: ['resource'],
      registers: [this.registry],
      collect() {
        for (const [resource, count] of sampled.storageObjects()) this.set({ resource }, count);
      },
    });
    new Gauge({
      name: 'kube_apiserver_clusterip_allocator_allocated_ips',
      help: 'Gauge measuring the number of allocated IPs for Services',
      labelNames: ['cidr'],
      registers: [this.registry],
      collect() {
        for (const { cidr, allocated } of sampled.clusterIPs()) this.set({ cidr }, allocated);
      },
    });
    new Gauge({
      name: 'kube_apiserver_clusterip_allocator_available_ips',
      help: 'Gauge measuring the number of available IPs for Services',
      labelNames: ['cidr'],
      registers: [this.registry],
      collect() {
        for (const { cidr, available } of sampled.clusterIPs()) this.set({ cidr }, available);
      },
    });
  }

  /** Times the etcd calls of one resource, as upstream's RecordEtcdRequest does. */
  timer(info: ResourceInfo): EtcdTimer {
    const type = groupResource(info.group, info.resource);
    return async (operation, call) => {
      const end = this.etcdRequestDuration.startTimer({ operation, type });
      try {
        return await call();
      } finally {
        end();
      }
    };
  }
}


/** The GroupResource string upstream labels storage metrics with: `services`, `endpointslices.discovery.k8s.io`. */
export function groupResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}
