import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** upstream's ExponentialBuckets(0.001, 2, 15): 1 ms to about 16 s. */
const SYNC_BUCKETS = Array.from({ length: 15 }, (_, i) => 0.001 * 2 ** i);

/** upstream's network programming buckets: 0.25 s, 0.5 s, 1 to 59 s, 60 to 115 s by 5, 120 to 300 s by 30. */
const PROGRAMMING_BUCKETS = [
  0.25,
  0.5,
  ...Array.from({ length: 59 }, (_, i) => i + 1),
  ...Array.from({ length: 12 }, (_, i) => 60 + 5 * i),
  ...Array.from({ length: 7 }, (_, i) => 120 + 30 * i),
];

/**
 * kube-proxy's metrics (pkg/proxy/metrics, v1.33, iptables mode) that proxy-sim can honestly
 * report, with upstream's names, buckets and the ip_family label of dual-stack proxiers.
 * Each proxy-sim has a registry of its own, so tests can run several in one process.
 */
export class ProxyMetrics {
  readonly registry = new Registry();

  readonly syncDuration = this.histogram('kubeproxy_sync_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds', SYNC_BUCKETS);
  readonly fullSyncDuration = this.histogram('kubeproxy_sync_full_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for full resyncs', SYNC_BUCKETS);
  readonly partialSyncDuration = this.histogram('kubeproxy_sync_partial_proxy_rules_duration_seconds', 'SyncProxyRules latency in seconds for partial resyncs', SYNC_BUCKETS);
  readonly networkProgramming = this.histogram('kubeproxy_network_programming_duration_seconds', 'In Cluster Network Programming Latency in seconds', PROGRAMMING_BUCKETS);

  readonly restoreFailures = new Counter({
    name: 'kubeproxy_sync_proxy_rules_iptables_restore_failures_total',
    help: 'Cumulative proxy iptables restore failures',
    labelNames: ['ip_family'],
    registers: [this.registry],
  });

  readonly partialRestoreFailures = new Counter({
    name: 'kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total',
    help: 'Cumulative proxy iptables partial restore failures',
    labelNames: ['ip_family'],
    registers: [this.registry],
  });

  readonly lastSync = new Gauge({
    name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
    help: 'The last time proxy rules were successfully synced',
    labelNames: ['ip_family'],
    registers: [this.registry],
  });

  readonly lastQueued = new Gauge({
    name: 'kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds',
    help: 'The last time a sync of proxy rules was queued',
    labelNames: ['ip_family'],
    registers: [this.registry],
  });

  readonly healthz = new Counter({ name: 'kubeproxy_proxy_healthz_total', help: 'Cumulative proxy healthz HTTP status', labelNames: ['code'], registers: [this.registry] });
  readonly livez = new Counter({ name: 'kubeproxy_proxy_livez_total', help: 'Cumulative proxy livez HTTP status', labelNames: ['code'], registers: [this.registry] });

  private histogram(name: string, help: string, buckets: number[]): Histogram<'ip_family'> {
    return new Histogram({ name, help, buckets, labelNames: ['ip_family'], registers: [this.registry] });
  }
}
