import { familyName, type Family } from '../../shared/net/ip.js';
import type { BindAddress } from './bind-address.js';
import { ProxierHealth } from './health.js';
import { ProxyMetrics } from './metrics.js';
import { serveOn, type Served } from './serve.js';

interface TelemetryOptions {
  /** --metrics-bind-address; undefined disables /metrics. */
  metrics?: BindAddress;
  /** --healthz-bind-address; undefined disables /healthz and /livez. */
  healthz?: BindAddress;
  /** --iptables-sync-period: kube-proxy's health timeout is twice it. */
  syncPeriodMs: number;
  log: (line: string) => void;
}

/** What the proxiers of live mode report about their syncs, and the servers that show it. */
export class Telemetry {
  readonly metrics = new ProxyMetrics();
  readonly health: ProxierHealth;
  private readonly servers: { metrics?: Served; healthz?: Served } = {};

  constructor(options: TelemetryOptions) {
    this.health = new ProxierHealth(2 * options.syncPeriodMs);
    if (options.metrics) {
      const registry = this.metrics.registry;
      this.servers.metrics = serveOn('metrics', options.metrics, (req, res) => {
        if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
          return;
        }
        registry.metrics().then(
          (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
          (err: Error) => res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${err.message}\n`),
        );
      }, options.log);
    }
    if (options.healthz) this.servers.healthz = serveOn('healthz', options.healthz, this.health.handler(this.metrics), options.log);
  }

  /** Bound addresses (`host:port`), once listening. */
  get metricsAddress(): string | undefined {
    return this.servers.metrics?.address();
  }

  get healthzAddress(): string | undefined {
    return this.servers.healthz?.address();
  }

  /** A change for this family's proxier waits for a sync (upstream: Proxier.Sync). */
  queued(family: Family): void {
    const ip_family = familyName(family);
    this.health.queuedUpdate(ip_family);
    this.metrics.lastQueued.set({ ip_family }, Date.now() / 1000);
  }

  /** One sync ran, `seconds` long; `ok` if its restore worked. */
  synced(family: Family, full: boolean, seconds: number, ok: boolean, triggerTimes: readonly number[] = []): void {
    const ip_family = familyName(family);
    const m = this.metrics;
    // As upstream's deferred observation: failed syncs are timed too.
    m.syncDuration.observe({ ip_family }, seconds);
    (full ? m.fullSyncDuration : m.partialSyncDuration).observe({ ip_family }, seconds);
    if (!ok) {
      m.restoreFailures.inc({ ip_family });
      if (!full) m.partialRestoreFailures.inc({ ip_family });
      return;
    }
    const now = Date.now();
    m.lastSync.set({ ip_family }, now / 1000);
    for (const t of triggerTimes) m.networkProgramming.observe({ ip_family }, Math.max(0, now - t) / 1000);
    this.health.updated(ip_family);
  }

  async close(): Promise<void> {
    await Promise.all([this.servers.metrics?.close(), this.servers.healthz?.close()]);
  }
}
