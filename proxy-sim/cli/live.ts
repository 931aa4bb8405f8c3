import { renameSync, writeFileSync } from 'node:fs';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import { connectEtcd } from '../../shared/etcd/client.js';
import { familyName, type Family } from '../../shared/net/ip.js';
import { buildProxierConfig, type NodeSettings } from '../render/node-config.js';
import { Proxier, type SyncResult } from '../sync/proxier.js';
import { BoundedFrequencyRunner, type RunReason } from '../sync/runner.js';
import { EtcdSource } from '../watch/source.js';
import type { BindAddress } from '../metrics/bind-address.js';
import { Telemetry } from '../metrics/telemetry.js';

export type OutputMode = 'changes' | 'full' | 'none';

export interface LiveOptions {
  node: NodeSettings;
  /** One proxier per family, as upstream's meta proxier runs them on a dual-stack node. */
  families: Family[];
  etcdServers: string[];
  etcdPrefix: string;
  minSyncPeriodMs: number;
  syncPeriodMs: number;
  output: OutputMode;
  outputFile?: string;
  /** Longest wait between reconnect attempts to etcd. */
  maxBackoffMs?: number;
  /** --metrics-bind-address; undefined serves no /metrics. */
  metricsBindAddress?: BindAddress;
  /** --healthz-bind-address; undefined serves no /healthz. */
  healthzBindAddress?: BindAddress;
  /** A kernel to apply each sync to (the lab node of --netns); a throw fails the sync. */
  kernel?: SyncKernel;
}

export interface SyncKernel {
  endpointSlice(key: string, slice: EndpointSlice | undefined): void;
  restore(family: Family, text: string, full: boolean): void;
}

export interface LiveIO {
  /** Sync output (stdout). */
  out(text: string): void;
  /** Warnings and errors (stderr), one line each. */
  err(line: string): void;
}

export interface LiveHandle {
  /** The proxiers, for tests. */
  readonly proxiers: readonly Proxier[];
  /** Metrics and health of the syncs, and their servers' addresses. */
  readonly telemetry: Telemetry;
  stop(): Promise<void>;
}

const MAX_TRIGGERS_SHOWN = 10;

/** `ADDED default/a, MODIFIED default/b` — long lists are cut, with a count of the rest. */
export function describeTriggers(triggers: readonly string[]): string {
  if (triggers.length === 0) return 'no changes';
  if (triggers.length <= MAX_TRIGGERS_SHOWN) return triggers.join(', ');
  return `${triggers.slice(0, MAX_TRIGGERS_SHOWN).join(', ')} and ${triggers.length - MAX_TRIGGERS_SHOWN} more`;
}

export function syncHeader(result: SyncResult, family: Family | undefined, revision: number): string {
  const kind = `${result.full ? 'full' : 'partial'}${family ? `, ${familyName(family)}` : ''}`;
  return `# sync ${result.number} (${kind}): ${describeTriggers(result.triggers)} (etcd revision ${revision})\n`;
}

/** Replaces `path` in one rename, so a reader never sees half a rule set. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Live mode: watch etcd, keep one proxier per IP family in sync, print each sync. A sync
 * "restores" by writing --output-file; if that fails the sync failed, and, as upstream does,
 * the proxier retries after a sync period with a full sync.
 */
export async function startLive(opts: LiveOptions, io: LiveIO): Promise<LiveHandle> {
  const dual = opts.families.length > 1;
  const client = connectEtcd(opts.etcdServers);
  const telemetry = new Telemetry({ metrics: opts.metricsBindAddress, healthz: opts.healthzBindAddress, syncPeriodMs: opts.syncPeriodMs, log: io.err });
  const units = opts.families.map((family) => {
    const proxier = new Proxier({ config: buildProxierConfig(opts.node, family), syncPeriodMs: opts.syncPeriodMs });
    const outputFile = opts.outputFile && dual ? `${opts.outputFile}.${familyName(family).toLowerCase()}` : opts.outputFile;
    const runner: BoundedFrequencyRunner = new BoundedFrequencyRunner((reason) => syncOnce(reason), {
      minIntervalMs: opts.minSyncPeriodMs,
      maxIntervalMs: opts.syncPeriodMs,
    });
    const syncOnce = (reason: RunReason) => {
      const revision = source.revision;
      let result: SyncResult;
      let whole: string | undefined;
      let full = true;
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        result = proxier.sync((text, isFull) => {
          full = isFull;
          opts.kernel?.restore(family, text, isFull);
          if (outputFile) writeAtomically(outputFile, (whole = proxier.fullRuleset()));
        }, reason === 'periodic');
        telemetry.synced(family, result.full, seconds(), true, result.triggerTimes);
      } catch (err) {
        telemetry.synced(family, full, seconds(), false);
        io.err(
          `error: ${familyName(family)} sync failed: ${err instanceof Error ? err.message : String(err)}; ` +
            `retrying with a full sync in ${opts.syncPeriodMs}ms`,
        );
        runner.retryAfter(opts.syncPeriodMs);
        return;
      }
      if (opts.output === 'none') return;
      const text = opts.output === 'full' ? (whole ?? proxier.fullRuleset()) : result.text;
      io.out(syncHeader(result, dual ? family : undefined, revision) + text);
    };
    return { family, proxier, runner };
  });

  // kube-proxy does not sync until both informers have listed.
  let listed = false;
  const source = new EtcdSource(
    client,
    opts.etcdPrefix,
    {
      service: (name, svc) => units.forEach((u) => u.proxier.onService(name, svc)),
      endpointSlice: (key, slice, revision) => {
        opts.kernel?.endpointSlice(key, slice);
        units.forEach((u) => u.proxier.onEndpointSlice(key, slice, revision));
      },
      relisted: (resource) => units.forEach((u) => u.proxier.requestFullSync(`re-list of ${resource} after a cancelled watch`)),
      changed: () => {
        if (!listed) return;
        for (const u of units) {
          if (!u.proxier.syncDue) continue;
          telemetry.queued(u.family);
          u.runner.run();
        }
      },
    },
    { log: io.err, maxBackoffMs: opts.maxBackoffMs },
  );

  try {
    await source.start();
  } catch (err) {
    source.stop();
    client.close();
    await telemetry.close();
    throw err;
  }
  listed = true;
  for (const u of units) {
    u.runner.run();
    u.runner.start();
  }

  return {
    proxiers: units.map((u) => u.proxier),
    telemetry,
    stop: async () => {
      for (const u of units) u.runner.stop();
      source.stop();
      client.close();
      await telemetry.close();
    },
  };
}
