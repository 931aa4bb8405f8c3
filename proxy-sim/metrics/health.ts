import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyMetrics } from './metrics.js';

/** A moment as Go's time.Now() holds it: wall clock, plus the monotonic reading since start. */
export interface GoTime {
  wallMs: number;
  /** Seconds since the process started; absent for the zero time. */
  monotonic?: number;
}

/** Go's zero time.Time, which a proxier that never synced reports. */
const ZERO: GoTime = { wallMs: new Date('0001-01-01T00:00:00Z').getTime() };

/**
 * Go's Time.String() in UTC, e.g. `2025-04-01 10:40:14.386 +0000 UTC m=+1187.785155612`: the
 * body of kube-proxy's /healthz prints times with %q, which uses it. Written by hand because no
 * library produces Go's layout; the fraction drops trailing zeros as Go's .999999999 does.
 */
export function goTimeString(t: GoTime): string {
  const d = new Date(t.wallMs);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const ms = d.getUTCMilliseconds();
  const fraction = ms ? `.${pad(ms, 3)}`.replace(/0+$/, '') : '';
  const wall = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction} +0000 UTC`;
  if (t.monotonic === undefined) return wall;
  return `${wall} m=${t.monotonic < 0 ? '-' : '+'}${Math.abs(t.monotonic).toFixed(9)}`;
}

interface Clock {
  now(): GoTime;
}

const realClock: Clock = { now: () => ({ wallMs: Date.now(), monotonic: performance.now() / 1000 }) };

/**
 * kube-proxy's ProxierHealthServer (pkg/proxy/healthcheck/proxier_health.go, v1.33): healthy
 * unless a proxier has had an update queued for longer than healthTimeout without a sync that
 * applied it. proxy-sim watches no Node, so the node is always eligible.
 */
export class ProxierHealth {
  private readonly lastUpdated = new Map<string, GoTime>();
  private readonly oldestPendingQueued = new Map<string, GoTime>();
  private readonly nodeEligible = true;

  constructor(
    /** kube-proxy passes 2 × --iptables-sync-period. */
    private readonly healthTimeoutMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  /** A sync of this family applied every change queued so far. */
  updated(family: string): void {
    this.oldestPendingQueued.delete(family);
    this.lastUpdated.set(family, this.clock.now());
  }

  /** A change for this family waits for a sync; only the oldest pending one counts. */
  queuedUpdate(family: string): void {
    if (!this.oldestPendingQueued.has(family)) this.oldestPendingQueued.set(family, this.clock.now());
  }

  /** As upstream: only families that synced at least once are judged. */
  health(): { healthy: boolean; lastUpdated: GoTime } {
    const now = this.clock.now();
    let lastUpdated = ZERO;
    for (const [family, updated] of this.lastUpdated) {
      if (updated.wallMs > lastUpdated.wallMs) lastUpdated = updated;
      const queued = this.oldestPendingQueued.get(family);
      if (queued === undefined || now.wallMs - queued.wallMs < this.healthTimeoutMs) continue;
      return { healthy: false, lastUpdated: updated };
    }
    return { healthy: true, lastUpdated };
  }

  /** /healthz and /livez; /livez ignores the node. */
  handler(metrics: ProxyMetrics): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const livez = path === '/livez';
      if (!livez && path !== '/healthz') {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
        res.end('404 page not found\n');
        return;
      }
      const { healthy: proxyHealthy, lastUpdated } = this.health();
      const current = this.clock.now();
      const healthy = livez ? proxyHealthy : proxyHealthy && this.nodeEligible;
      (livez ? metrics.livez : metrics.healthz).inc({ code: healthy ? '200' : '503' });
      // As upstream, a healthy answer reports "now" as lastUpdated, as older releases did.
      const shown = healthy ? current : lastUpdated;
      const times = `{"lastUpdated": ${JSON.stringify(goTimeString(shown))},"currentTime": ${JSON.stringify(goTimeString(current))}`;
      res.writeHead(healthy ? 200 : 503, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
      res.end(livez ? `${times}}` : `${times}, "nodeEligible": ${this.nodeEligible}}`);
    };
  }
}
