import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { EndpointInfo } from '../model/endpoints.js';
import type { ProxierConfig } from '../render/config.js';
import { assembleRestore, type RulesetSections } from '../render/ruleset.js';
import { renderServicePort, type ServicePortRules } from '../render/service-rules.js';
import { isLargeCluster } from '../render/snapshot.js';
import { ChangeTrackers } from './changes.js';
import { ServiceTable, type ServiceState } from './service-table.js';

interface ProxierOptions {
  config: ProxierConfig;
  /** --iptables-sync-period: periodic full syncs, and stale-chain cleanup in large clusters. */
  syncPeriodMs: number;
  now?: () => number;
}

export interface SyncResult {
  /** Counts syncs of this proxier, from 1. */
  number: number;
  full: boolean;
  /** Why: full-sync reasons first, then the changes picked up. */
  triggers: string[];
  /** The iptables-restore input of this sync. */
  text: string;
  /** Chains flushed and deleted with -X. */
  deletedChains: string[];
  /** Last-change trigger times (ms) of the slice changes this sync applied. */
  triggerTimes: number[];
}

/** Handed the restore input; throwing means the restore failed and nothing was applied. */
type Restore = (text: string, full: boolean) => void;

const NO_ENDPOINTS: readonly EndpointInfo[] = [];

/**
 * One kube-proxy iptables proxier (one IP family) and the simulated kernel state it writes
 * to: upstream's syncProxyRules with KEP-3453 partial syncs. A full sync writes every chain;
 * a partial sync rewrites the top-level chains and only the chains of Services that changed;
 * either deletes the per-service chains nothing uses any more.
 *
 * Rendered rules are kept in a ServiceTable, so a sync mostly concatenates text it already
 * has, and a partial sync renders only the Services it writes.
 */
export class Proxier {
  readonly config: ProxierConfig;
  private readonly trackers: ChangeTrackers;
  private readonly syncPeriodMs: number;
  private readonly now: () => number;

  private syncs = 0;
  private needFullSync = true;
  private fullSyncReasons: string[] = ['initial sync'];
  private lastFullSync = 0;
  private lastCleanup = 0;

  private readonly table: ServiceTable;
  private totalEndpoints = 0;
  /** Large-cluster mode as of the last sync. */
  private large = false;
  /**
   * The simulated nat table (what iptables-save would list), as the per-service chains each
   * Service had when last written, plus chains nothing uses that are still there because
   * large-cluster mode postponed their deletion.
   */
  private readonly kernel = new Map<string, readonly string[]>();
  private leftovers = new Set<string>();

  constructor(options: ProxierOptions) {
    this.config = options.config;
    this.syncPeriodMs = options.syncPeriodMs;
    this.now = options.now ?? Date.now;
    this.trackers = new ChangeTrackers(options.config.family, options.config.nodeName, this.now);
    this.table = new ServiceTable((state, large) => {
      const eps = this.trackers.endpoints.get(state.name);
      return state.ports.map((sp) => renderServicePort(sp, eps?.get(sp.key) ?? NO_ENDPOINTS, this.config, large));
    });
  }

  /** Whether changes, or a requested full sync, wait for a sync. */
  get syncDue(): boolean {
    return this.trackers.pending || this.needFullSync;
  }

  onService(name: string, svc: Service | undefined): boolean {
    return this.trackers.service(name, svc);
  }

  onEndpointSlice(key: string, slice: EndpointSlice | undefined, revision: number): boolean {
    return this.trackers.slice(key, slice, revision);
  }

  /** Makes the next sync a full one (upstream: node changes, canary loss, failed syncs). */
  requestFullSync(reason: string): void {
    this.needFullSync = true;
    if (!this.fullSyncReasons.includes(reason)) this.fullSyncReasons.push(reason);
  }

  /** Service chains the simulated kernel holds, for tests comparing with a real one. */
  kernelChains(): string[] {
    return [...new Set([...this.leftovers, ...[...this.kernel.values()].flat()])].sort();
  }

  /**
   * What a full sync would write now, without deletions: the whole rule set. What `--output
   * full` prints and `--output-file` keeps.
   */
  fullRuleset(): string {
    return assembleRestore(this.config, { filter: this.table.filter(), ...this.table.full(this.large) }, []);
  }

  /**
   * Runs one sync and hands its restore input to `restore`. If `restore` throws, the kernel
   * state is unchanged, the next sync is a full one (the pending changes were already
   * consumed, as upstream's are) and the error propagates.
   */
  sync(restore: Restore, periodic = false): SyncResult {
    const now = this.now();
    const periodicDue = periodic || (this.syncs > 0 && now - this.lastFullSync >= this.syncPeriodMs);
    const full = this.needFullSync || periodicDue;
    const triggers = this.needFullSync ? [...this.fullSyncReasons] : periodicDue ? ['periodic full sync'] : [];

    const { updated, triggers: changes, triggerTimes } = this.trackers.checkout();
    for (const t of changes) triggers.push(t);

    // New ports and endpoint counts of the updated Services.
    for (const name of updated) {
      const old = this.table.get(name);
      if (old) this.totalEndpoints -= old.endpointCount;
      const ports = this.trackers.ports.get(name);
      if (!ports) {
        this.table.remove(name);
        continue;
      }
      const state = this.table.add(name);
      const eps = this.trackers.endpoints.get(name);
      state.ports = ports;
      state.endpointCount = 0;
      for (const sp of ports) state.endpointCount += eps?.get(sp.key)?.length ?? 0;
      this.totalEndpoints += state.endpointCount;
      this.table.touch(state);
    }
    this.large = isLargeCluster(this.totalEndpoints);

    let sections: RulesetSections;
    if (full) {
      const { chainLines, natRules } = this.table.full(this.large);
      sections = { filter: this.table.filter(), chainLines, natRules };
    } else {
      const synced = new Map<string, ServicePortRules[]>();
      for (const state of this.statesOf(updated)) synced.set(state.name, this.table.update(state, this.large));
      sections = { filter: this.table.filter(), chainLines: this.table.chainLines(synced), natRules: this.table.natRules(synced) };
    }
    const written = full ? this.table.all() : this.statesOf(updated);
    const gone = full ? [...this.kernel.keys()].filter((n) => !this.table.get(n)) : [...updated].filter((n) => !this.table.get(n));
    const { stale, leftovers } = this.staleChains(written, gone, now);
    const text = assembleRestore(this.config, sections, stale);
    this.syncs++;

    try {
      restore(text, full);
    } catch (err) {
      this.requestFullSync('retry after failed sync');
      throw err;
    }

    for (const state of written) this.kernel.set(state.name, state.chains);
    for (const name of gone) this.kernel.delete(name);
    this.leftovers = leftovers;
    if (full) this.lastFullSync = now;
    this.needFullSync = false;
    this.fullSyncReasons = [];
    return { number: this.syncs, full, triggers, text, deletedChains: stale, triggerTimes };
  }

  private statesOf(names: Iterable<string>): ServiceState[] {
    const out: ServiceState[] = [];
    for (const n of names) {
      const s = this.table.get(n);
      if (s) out.push(s);
    }
    return out;
  }

  /**
   * Chains in the kernel that no Service uses any more, as upstream finds them by diffing
   * iptables-save against every chain in use. Each chain name belongs to one service port,
   * so only the Services written in this sync (`written`) or gone since they were last
   * written (`gone`) can leave chains behind; a Service whose chain list is the very one the
   * kernel has is skipped. In large-cluster mode deletion waits until a sync period has
   * passed since the last one; the chains wait as `leftovers`.
   */
  private staleChains(written: readonly ServiceState[], gone: readonly string[], now: number): { stale: string[]; leftovers: Set<string> } {
    const candidates = new Set(this.leftovers);
    const changed: ServiceState[] = [];
    for (const state of written) {
      const old = this.kernel.get(state.name);
      if (old === state.chains) continue;
      changed.push(state);
      if (old) for (const c of old) candidates.add(c);
    }
    for (const name of gone) for (const c of this.kernel.get(name) ?? []) candidates.add(c);
    // Drops chains still in use, including one that came back while its deletion waited.
    if (candidates.size > 0) for (const state of changed) for (const c of state.chains) candidates.delete(c);
    if (this.large && now - this.lastCleanup <= this.syncPeriodMs) return { stale: [], leftovers: candidates };
    // As upstream, the time of the cleanup is recorded whether or not the restore works.
    this.lastCleanup = now;
    return { stale: [...candidates].sort(), leftovers: new Set() };
  }
}
