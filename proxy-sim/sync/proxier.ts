import type { Service } from '../../shared/api/core.js';
import type { EndpointSlice } from '../../shared/api/discovery.js';
import type { EndpointInfo } from '../model/endpoints.js';
import { compareServiceNames } from '../model/order.js';
import type { ServicePortInfo } from '../model/service-port.js';
import type { ProxierConfig } from '../render/config.js';
import { assembleRestore, type RulesetEntry } from '../render/ruleset.js';
import { renderServicePort, type ServicePortRules } from '../render/service-rules.js';
import { isLargeCluster } from '../render/snapshot.js';
import { ChangeTrackers } from './changes.js';

export interface ProxierOptions {
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
}

/** Handed the restore input; throwing means the restore failed and nothing was applied. */
export type Restore = (text: string, full: boolean) => void;

interface RenderCacheEntry {
  sp: ServicePortInfo;
  endpoints: readonly EndpointInfo[];
  large: boolean;
  rules: ServicePortRules;
}

const NO_ENDPOINTS: readonly EndpointInfo[] = [];
const NO_CHAINS: ReadonlySet<string> = new Set();

/**
 * One kube-proxy iptables proxier (one IP family) and the simulated kernel state it writes
 * to: upstream's syncProxyRules with KEP-3453 partial syncs. A full sync writes every chain;
 * a partial sync rewrites the top-level chains and only the chains of Services that changed;
 * either deletes the per-service chains nothing uses any more.
 *
 * Rendered rules are cached per service port and reused while the port, its endpoints and
 * large-cluster mode stay the same, so a partial sync costs little more than the top-level
 * chains it must rewrite.
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

  /** Services with ports, in name order. */
  private readonly order: string[] = [];
  private readonly renderCache = new Map<string, RenderCacheEntry>();
  /** The per-service chains each Service had at the last sync. */
  private readonly chainsOf = new Map<string, ReadonlySet<string>>();
  /** Service chains present in the simulated nat table (what iptables-save would list). */
  private readonly kernel = new Set<string>();
  /** Unused chains still in the kernel because large-cluster mode postponed their cleanup. */
  private pendingStale = new Set<string>();
  private lastEntries: RulesetEntry[] = [];

  constructor(options: ProxierOptions) {
    this.config = options.config;
    this.syncPeriodMs = options.syncPeriodMs;
    this.now = options.now ?? Date.now;
    this.trackers = new ChangeTrackers(options.config.family, options.config.nodeName);
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
    return [...this.kernel].sort();
  }

  /** The restore input a full sync would write now: the whole rule set, without deletions. */
  fullRuleset(): string {
    return assembleRestore(
      this.config,
      this.lastEntries.map((e) => ({ rules: e.rules, synced: true })),
      [],
    );
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

    const oldPorts = new Map<string, readonly ServicePortInfo[]>();
    const { updated, triggers: changes } = this.checkout(oldPorts);
    triggers.push(...changes);

    let total = 0;
    for (const name of this.order) {
      const eps = this.trackers.endpoints.get(name);
      if (!eps) continue;
      for (const sp of this.trackers.ports.get(name)!) total += eps.get(sp.key)?.length ?? 0;
    }
    const large = isLargeCluster(total);

    const entries: RulesetEntry[] = [];
    const newChains = new Map<string, Set<string>>();
    for (const name of this.order) {
      const eps = this.trackers.endpoints.get(name);
      const synced = full || updated.has(name);
      const chains = synced ? new Set<string>() : undefined;
      for (const sp of this.trackers.ports.get(name)!) {
        const rules = this.rulesFor(sp, eps?.get(sp.key) ?? NO_ENDPOINTS, large);
        entries.push({ rules, synced });
        if (chains) for (const c of rules.chains) chains.add(c);
      }
      if (chains) newChains.set(name, chains);
    }
    for (const [name, ports] of oldPorts) {
      const still = new Set((this.trackers.ports.get(name) ?? []).map((p) => p.key));
      for (const p of ports) if (!still.has(p.key)) this.renderCache.delete(p.key);
    }

    const stale = this.staleChains(full, updated, newChains, large, now);
    const text = assembleRestore(this.config, entries, stale);
    this.lastEntries = entries;
    this.syncs++;

    try {
      restore(text, full);
    } catch (err) {
      this.requestFullSync('retry after failed sync');
      throw err;
    }

    for (const chains of newChains.values()) for (const c of chains) this.kernel.add(c);
    for (const c of stale) this.kernel.delete(c);
    if (full) this.lastFullSync = now;
    this.needFullSync = false;
    this.fullSyncReasons = [];
    return { number: this.syncs, full, triggers, text, deletedChains: stale };
  }

  private checkout(oldPorts: Map<string, readonly ServicePortInfo[]>): { updated: Set<string>; triggers: string[] } {
    for (const name of this.trackers.pendingServiceNames()) oldPorts.set(name, this.trackers.ports.get(name) ?? []);
    const result = this.trackers.checkout();
    for (const [name, before] of oldPorts) {
      const has = this.trackers.ports.has(name);
      if (before.length > 0 && !has) this.order.splice(this.position(name), 1);
      else if (before.length === 0 && has) this.order.splice(this.position(name), 0, name);
    }
    return result;
  }

  /** Binary search in `order`: the index of `name`, or where it would go. */
  private position(name: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareServiceNames(this.order[mid]!, name) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private rulesFor(sp: ServicePortInfo, endpoints: readonly EndpointInfo[], large: boolean): ServicePortRules {
    const hit = this.renderCache.get(sp.key);
    if (hit && hit.sp === sp && hit.endpoints === endpoints && hit.large === large) return hit.rules;
    const rules = renderServicePort(sp, endpoints, this.config, large);
    this.renderCache.set(sp.key, { sp, endpoints, large, rules });
    return rules;
  }

  /**
   * Chains in the kernel that no Service uses any more. Upstream diffs iptables-save against
   * every active chain; the result is the same here, but a partial sync only looks at the
   * Services that changed, since each chain name belongs to exactly one service port. In
   * large-cluster mode cleanup waits until a sync period has passed since the last one.
   */
  private staleChains(
    full: boolean,
    updated: ReadonlySet<string>,
    newChains: ReadonlyMap<string, ReadonlySet<string>>,
    large: boolean,
    now: number,
  ): string[] {
    const candidates = new Set<string>();
    if (full) {
      this.chainsOf.clear();
      const active = new Set<string>();
      for (const [name, chains] of newChains) {
        this.chainsOf.set(name, chains);
        for (const c of chains) active.add(c);
      }
      for (const c of this.kernel) if (!active.has(c)) candidates.add(c);
    } else {
      for (const c of this.pendingStale) candidates.add(c);
      for (const name of updated) {
        const before = this.chainsOf.get(name) ?? NO_CHAINS;
        const after = newChains.get(name) ?? NO_CHAINS;
        for (const c of before) if (!after.has(c)) candidates.add(c);
        for (const c of after) candidates.delete(c);
        if (after.size > 0) this.chainsOf.set(name, after);
        else this.chainsOf.delete(name);
      }
      for (const c of candidates) if (!this.kernel.has(c)) candidates.delete(c);
    }
    if (large && now - this.lastCleanup <= this.syncPeriodMs) {
      this.pendingStale = candidates;
      return [];
    }
    this.lastCleanup = now;
    this.pendingStale = new Set();
    return [...candidates].sort();
  }
}
