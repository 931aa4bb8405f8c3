import type { Etcd3 } from 'etcd3';
import { storageError } from './etcd-errors.js';

/** Upstream's cap on how long one lease is shared by the keys written with the same TTL. */
const MAX_REUSE_SECONDS = 60;
const REUSE_FRACTION = 0.05;

/**
 * Leases for keys with a TTL (Events, `--event-ttl`), as the apiserver's leaseManager: instead of
 * one lease per key, a lease is granted for the TTL plus a reuse window and handed to every key
 * written while it still has at least the TTL to live, so each key lives between TTL and
 * TTL + window.
 */
export class LeaseManager {
  private current?: { id: string; ttl: number; expiresAt: number };
  private granting?: Promise<string>;

  constructor(private readonly client: Etcd3) {}

  async get(ttlSeconds: number): Promise<string> {
    const now = Date.now();
    const cur = this.current;
    if (cur && cur.ttl === ttlSeconds && cur.expiresAt - now >= ttlSeconds * 1000) return cur.id;
    this.granting ??= this.grant(ttlSeconds).finally(() => {
      this.granting = undefined;
    });
    return this.granting;
  }

  private async grant(ttlSeconds: number): Promise<string> {
    const reuse = Math.min(MAX_REUSE_SECONDS, Math.floor(ttlSeconds * REUSE_FRACTION));
    const started = Date.now();
    let id: string;
    try {
      id = (await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds + reuse })).ID;
    } catch (err) {
      throw storageError(err);
    }
    this.current = { id, ttl: ttlSeconds, expiresAt: started + (ttlSeconds + reuse) * 1000 };
    return id;
  }
}
