import type { Etcd3 } from 'etcd3';
import { storageError } from '../registry/etcd-errors.js';

/** Defaults of upstream's etcd3 lease manager (NewDefaultLeaseManagerConfig). */
/** --event-ttl's default: one hour. */
export const DEFAULT_EVENT_TTL_SECONDS = 3600;
const REUSE_SECONDS_MAX = 60;
const REUSE_PERCENT = 0.05;
const MAX_OBJECTS_PER_LEASE = 1000;

/**
 * Hands out etcd leases for objects with a TTL, sharing one lease between the writes of a short
 * window as upstream's leaseManager does: a lease is granted for ttl plus a reuse margin (5% of
 * the TTL, at most 60s) and reused while it still outlives a new object's TTL but not by more
 * than that margin, for up to 1000 objects. An object thus lives between ttl and ttl + margin.
 */
export class LeaseManager {
  private current: { id: string; expiresAt: number } | undefined;
  private attached = 0;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async lease(): Promise<string> {
    // Concurrent writes wait for the one grant in flight rather than each granting its own.
    while (this.pending) await this.pending.catch(() => undefined);
    const now = this.now();
    const reuse = Math.min(Math.trunc(REUSE_PERCENT * this.ttlSeconds), REUSE_SECONDS_MAX);
    const prev = this.current;
    this.attached++;
    if (prev && now + this.ttlSeconds * 1000 < prev.expiresAt && now + (this.ttlSeconds + reuse) * 1000 > prev.expiresAt && this.attached <= MAX_OBJECTS_PER_LEASE) {
      return prev.id;
    }
    const ttl = this.ttlSeconds + reuse;
    this.pending = this.grant(ttl);
    try {
      const id = await this.pending;
      this.current = { id, expiresAt: now + ttl * 1000 };
      this.attached = 1;
      return id;
    } finally {
      this.pending = undefined;
    }
  }

  private async grant(ttl: number): Promise<string> {
    try {
      const res = await this.client.leaseClient.leaseGrant({ TTL: ttl, ID: 0 });
      return String(res.ID);
    } catch (err) {
      throw storageError(err);
    }
  }
}
