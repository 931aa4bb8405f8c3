import type { KeyValue, ReflectorHandler, WatchEvent } from '../../shared/etcd/reflector.js';
import { formatIP, parseIP, type Family, type IP } from '../../shared/net/ip.js';
import { BandedPool, RESERVED, STORED } from './banded-pool.js';
import { AllocationError, ERR_ALLOCATED_IP, ERR_FULL, ERR_MISMATCHED_NETWORK } from './allocation-error.js';
import type { ServiceCIDR } from './service-cidr.js';

interface FamilyRange {
  cidr: ServiceCIDR;
  pool: BandedPool;
}

/** Told of every allocation attempt: `static` for a requested IP, `dynamic` for a picked one. */
export type AllocationObserver = (cidr: string, scope: 'static' | 'dynamic', ok: boolean) => void;

export interface ReservedIP {
  ip: IP;
  text: string;
  cidr: ServiceCIDR;
  /** True when it came from the static (lower) band. */
  staticBand: boolean;
}

/**
 * Which clusterIPs are taken, kept in memory from a watch of the IPAddress keys, plus the IPs
 * that requests of this process hold while their transaction is in flight.
 *
 * It never decides alone: the create-if-absent compare in the etcd transaction does. It only
 * makes the first guess right almost always, without reading etcd per request.
 */
export class ClusterIPAllocator implements ReflectorHandler {
  private readonly ranges = new Map<Family, FamilyRange>();
  /** Counts allocations for kube_apiserver_clusterip_allocator_allocation{,_errors}_total. */
  observer?: AllocationObserver;

  constructor(
    readonly cidrs: readonly ServiceCIDR[],
    /** The IPAddress key prefix, `<root>/ipaddresses/`. */
    private readonly keyPrefix: string,
    random?: () => number,
  ) {
    for (const cidr of cidrs) {
      this.ranges.set(cidr.family, { cidr, pool: new BandedPool(cidr.size, cidr.bandSize, random) });
    }
  }

  cidrFor(family: Family): ServiceCIDR | undefined {
    return this.ranges.get(family)?.cidr;
  }

  replace(items: KeyValue[]): void {
    for (const { pool } of this.ranges.values()) pool.dropAll(STORED);
    for (const kv of items) this.setStored(kv.key, true);
  }

  apply(events: WatchEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'put') this.setStored(ev.kv.key, true);
      else this.setStored(ev.key, false);
    }
  }

  /** Holds a requested IP, or throws upstream's error for it. */
  reserve(text: string): ReservedIP {
    const ip = parseIP(text);
    const range = ip && this.ranges.get(ip.family);
    const slot = ip && range ? range.cidr.slotOf(ip) : undefined;
    if (!ip || !range || slot === undefined) {
      if (range) this.observer?.(range.cidr.text, 'static', false);
      throw new AllocationError('not-in-range', ERR_MISMATCHED_NETWORK);
    }
    if (range.pool.isTaken(slot)) {
      this.observer?.(range.cidr.text, 'static', false);
      throw new AllocationError('allocated', ERR_ALLOCATED_IP);
    }
    range.pool.hold(slot, RESERVED);
    this.observer?.(range.cidr.text, 'static', true);
    return { ip, text: formatIP(ip), cidr: range.cidr, staticBand: slot < range.cidr.bandSize };
  }

  /** Holds a free IP of the family, picked as upstream picks: random, upper band first. */
  reserveNext(family: Family): ReservedIP {
    const range = this.ranges.get(family);
    const slot = range?.pool.pickFree();
    if (!range || slot === undefined) {
      if (range) this.observer?.(range.cidr.text, 'dynamic', false);
      throw new AllocationError('full', ERR_FULL);
    }
    range.pool.hold(slot, RESERVED);
    this.observer?.(range.cidr.text, 'dynamic', true);
    const ip = range.cidr.ipAt(slot);
    return { ip, text: formatIP(ip), cidr: range.cidr, staticBand: slot < range.cidr.bandSize };
  }

  /**
   * Ends a reservation. When its transaction committed, the IP stays taken until the watch
   * reports its deletion; otherwise it is free again, unless etcd says someone else holds it.
   */
  settle(reserved: ReservedIP, committed: boolean): void {
    const range = this.ranges.get(reserved.ip.family);
    const slot = range?.cidr.slotOf(reserved.ip);
    if (!range || slot === undefined) return;
    if (committed) range.pool.hold(slot, STORED);
    range.pool.drop(slot, RESERVED);
  }

  /** Records that etcd holds this IP, e.g. when a transaction lost a race for it. */
  markStored(ip: IP): void {
    this.setStoredIP(ip, true);
  }

  /** Records that a committed transaction of this process deleted the IP's key. */
  markReleased(ip: IP): void {
    this.setStoredIP(ip, false);
  }

  /** Taken (stored or in-flight) and free addresses of each CIDR. */
  usage(): { cidr: string; allocated: number; available: number }[] {
    return [...this.ranges.values()].map(({ cidr, pool }) => ({ cidr: cidr.text, allocated: pool.count, available: Number(cidr.size - BigInt(pool.count)) }));
  }

  isTaken(text: string): boolean {
    const ip = parseIP(text);
    const range = ip && this.ranges.get(ip.family);
    const slot = ip && range ? range.cidr.slotOf(ip) : undefined;
    return slot !== undefined && range!.pool.isTaken(slot);
  }

  keyFor(text: string): string {
    return `${this.keyPrefix}${text}`;
  }

  private setStored(key: string, stored: boolean): void {
    if (!key.startsWith(this.keyPrefix)) return;
    const ip = parseIP(key.slice(this.keyPrefix.length), false);
    if (ip) this.setStoredIP(ip, stored);
  }

  private setStoredIP(ip: IP, stored: boolean): void {
    const range = this.ranges.get(ip.family);
    const slot = range?.cidr.slotOf(ip);
    if (!range || slot === undefined) return;
    if (stored) range.pool.hold(slot, STORED);
    else range.pool.drop(slot, STORED);
  }
}
