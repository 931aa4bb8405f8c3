import type { ServiceCIDRObject } from '../../shared/api/networking.js';
import type { KeyValue } from '../../shared/etcd/range.js';
import type { ReflectorHandler, WatchEvent } from '../../shared/etcd/reflector.js';
import { formatIP, parseCIDR, parseIP, type Family, type IP } from '../../shared/net/ip.js';
import { BandedPool, RESERVED, STORED } from './banded-pool.js';
import { AllocationError, ERR_ALLOCATED_IP, ERR_FULL, ERR_MISMATCHED_NETWORK } from './allocation-error.js';
import { ServiceCIDR } from './service-cidr.js';

/** One CIDR's addresses: a pool per distinct CIDR, shared by every ServiceCIDR that lists it. */
interface Range {
  cidr: ServiceCIDR;
  pool: BandedPool;
}

/** Told of every allocation attempt: `static` for a requested IP, `dynamic` for a picked one. */
type AllocationObserver = (cidr: string, scope: 'static' | 'dynamic', ok: boolean) => void;

/** A networking.k8s.io ServiceCIDR as the allocator knows it from its key. */
interface ServiceCIDRSource {
  name: string;
  key: string;
  /** Its key's mod revision when last seen: the create transaction requires it unchanged. */
  modRevision: number;
  cidrs: ServiceCIDR[];
  /** Ready (or without the condition, as upstream counts it) and not being deleted. */
  usable: boolean;
}

export interface ReservedIP {
  ip: IP;
  text: string;
  cidr: ServiceCIDR;
  /** The ServiceCIDR it came from; undefined for the flag ranges used before any exists. */
  source?: ServiceCIDRSource;
  /** True when it came from the static (lower) band. */
  staticBand: boolean;
}

const ipKey = (ip: IP) => `${ip.family}/${ip.value}`;

/**
 * Which clusterIPs are taken, kept in memory from a watch of the IPAddress keys, plus the IPs
 * that requests of this process hold while their transaction is in flight; and which ranges
 * they may come from, from a watch of the ServiceCIDR keys, as upstream's MetaAllocator: every
 * usable ServiceCIDR of a family offers its CIDR, each with its own KEP-3070 bands.
 *
 * It never decides alone: the create-if-absent compare in the etcd transaction does, and the
 * same transaction requires the ServiceCIDR it allocated from to be unchanged. It only makes the
 * first guess right almost always, without reading etcd per request.
 */
export class ClusterIPAllocator implements ReflectorHandler {
  private readonly ranges = new Map<string, Range>();
  private readonly sources = new Map<string, ServiceCIDRSource>();
  /** Every IP etcd holds an IPAddress for, and every IP reserved here, by ipKey. */
  private readonly stored = new Map<string, IP>();
  private readonly reserved = new Map<string, IP>();
  /** Until the first ServiceCIDR is seen, the flag ranges serve (and the default is created from them). */
  private readonly flagRanges: ServiceCIDR[];
  /** The handler of the ServiceCIDR keys' watch. */
  readonly serviceCIDRs: ReflectorHandler;
  /** Counts allocations for kube_apiserver_clusterip_allocator_allocation{,_errors}_total. */
  observer?: AllocationObserver;

  constructor(
    flagRanges: readonly ServiceCIDR[],
    /** The IPAddress key prefix, `<root>/ipaddresses/`. */
    private readonly keyPrefix: string,
    private readonly random: () => number = Math.random,
    /** The ServiceCIDR key prefix, `<root>/servicecidrs/`. */
    private readonly cidrPrefix = keyPrefix.replace(/ipaddresses\/$/, 'servicecidrs/'),
  ) {
    this.flagRanges = [...flagRanges];
    for (const cidr of flagRanges) this.rangeFor(cidr);
    this.serviceCIDRs = {
      replace: (items) => {
        this.sources.clear();
        for (const kv of items) this.putSource(kv);
        this.dropUnusedRanges();
      },
      apply: (events) => {
        for (const ev of events) {
          if (ev.type === 'put') this.putSource(ev.kv);
          else this.sources.delete(ev.key.slice(this.cidrPrefix.length));
        }
        this.dropUnusedRanges();
      },
    };
  }

  /** The ServiceCIDRs known, by name. */
  get known(): ServiceCIDRSource[] {
    return [...this.sources.values()];
  }

  /** Every range any ServiceCIDR (usable or not) or the flags name: the repair loop's "configured" CIDRs. */
  get allRanges(): ServiceCIDR[] {
    return [...this.ranges.values()].map((r) => r.cidr);
  }

  rangeOf(text: string): ServiceCIDR | undefined {
    return this.ranges.get(text)?.cidr;
  }

  /** The first usable range of the family, for dry runs (which answer with its network address). */
  cidrFor(family: Family): ServiceCIDR | undefined {
    return this.candidates(family)[0]?.cidr;
  }

  /** Whether a usable range contains the IP. */
  inRange(ip: IP): boolean {
    return this.candidates(ip.family).some((c) => c.cidr.slotOf(ip) !== undefined);
  }

  replace(items: KeyValue[]): void {
    this.stored.clear();
    for (const range of this.ranges.values()) range.pool.dropAll(STORED);
    for (const kv of items) this.setStored(kv.key, true);
  }

  apply(events: WatchEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'put') this.setStored(ev.kv.key, true);
      else this.setStored(ev.key, false);
    }
  }

  /** Holds a requested IP, or throws upstream's error for it: the first usable range containing it wins. */
  reserve(text: string): ReservedIP {
    const ip = parseIP(text);
    const candidates = ip ? this.candidates(ip.family) : [];
    const choice = ip && candidates.find((c) => c.cidr.slotOf(ip) !== undefined);
    if (!ip || !choice) {
      if (candidates[0]) this.observer?.(candidates[0].cidr.text, 'static', false);
      throw new AllocationError('not-in-range', ERR_MISMATCHED_NETWORK);
    }
    if (this.isTakenIP(ip)) {
      this.observer?.(choice.cidr.text, 'static', false);
      throw new AllocationError('allocated', ERR_ALLOCATED_IP);
    }
    this.observer?.(choice.cidr.text, 'static', true);
    return this.hold(ip, choice);
  }

  /**
   * Holds a free IP of the family. The usable ranges are tried in random order, as upstream's
   * map iteration does; in each, random from the upper band first.
   */
  reserveNext(family: Family): ReservedIP {
    const candidates = this.candidates(family);
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
    }
    for (const choice of candidates) {
      const slot = this.ranges.get(choice.cidr.text)!.pool.pickFree();
      if (slot !== undefined) {
        this.observer?.(choice.cidr.text, 'dynamic', true);
        return this.hold(choice.cidr.ipAt(slot), choice);
      }
      this.observer?.(choice.cidr.text, 'dynamic', false);
    }
    throw new AllocationError('full', ERR_FULL);
  }

  /**
   * Ends a reservation. When its transaction committed, the IP stays taken until the watch
   * reports its deletion; otherwise it is free again, unless etcd says someone else holds it.
   */
  settle(reserved: ReservedIP, committed: boolean): void {
    const key = ipKey(reserved.ip);
    this.reserved.delete(key);
    if (committed) this.stored.set(key, reserved.ip);
    for (const range of this.rangesContaining(reserved.ip)) {
      const slot = range.cidr.slotOf(reserved.ip)!;
      if (committed) range.pool.hold(slot, STORED);
      range.pool.drop(slot, RESERVED);
    }
  }

  /** Records that etcd holds this IP, e.g. when a transaction lost a race for it. */
  markStored(ip: IP): void {
    this.setStoredIP(ip, true);
  }

  /** Records that a committed transaction of this process deleted the IP's key. */
  markReleased(ip: IP): void {
    this.setStoredIP(ip, false);
  }

  /**
   * A transaction found a ServiceCIDR's key changed (being deleted, say): take its current value
   * at once, so the retry does not wait for the watch to tell.
   */
  refreshSource(key: string, current: { modRevision: number; value: Buffer } | undefined): void {
    const name = key.slice(this.cidrPrefix.length);
    if (!current) this.sources.delete(name);
    else if ((this.sources.get(name)?.modRevision ?? 0) < current.modRevision) this.putSource({ key, value: current.value, createRevision: 0, modRevision: current.modRevision });
    this.dropUnusedRanges();
  }

  /** Taken (stored or in-flight) and free addresses of each CIDR. */
  usage(): { cidr: string; allocated: number; available: number }[] {
    return [...this.ranges.values()].map(({ cidr, pool }) => ({ cidr: cidr.text, allocated: pool.count, available: Number(cidr.size - BigInt(pool.count)) }));
  }

  isTaken(text: string): boolean {
    const ip = parseIP(text);
    return !!ip && this.isTakenIP(ip);
  }

  keyFor(text: string): string {
    return `${this.keyPrefix}${text}`;
  }

  private isTakenIP(ip: IP): boolean {
    const key = ipKey(ip);
    return this.stored.has(key) || this.reserved.has(key);
  }

  private hold(ip: IP, choice: { cidr: ServiceCIDR; source?: ServiceCIDRSource }): ReservedIP {
    this.reserved.set(ipKey(ip), ip);
    for (const range of this.rangesContaining(ip)) range.pool.hold(range.cidr.slotOf(ip)!, RESERVED);
    return { ip, text: formatIP(ip), cidr: choice.cidr, source: choice.source, staticBand: choice.cidr.slotOf(ip)! < choice.cidr.bandSize };
  }

  /** The usable ranges of a family with the ServiceCIDR offering each, ServiceCIDRs by name. */
  private candidates(family: Family): { cidr: ServiceCIDR; source?: ServiceCIDRSource }[] {
    if (this.sources.size === 0) return this.flagRanges.filter((c) => c.family === family).map((cidr) => ({ cidr }));
    const out: { cidr: ServiceCIDR; source: ServiceCIDRSource }[] = [];
    const seen = new Set<string>();
    for (const source of [...this.sources.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (!source.usable) continue;
      for (const cidr of source.cidrs) {
        if (cidr.family !== family || seen.has(cidr.text)) continue;
        seen.add(cidr.text);
        out.push({ cidr: this.ranges.get(cidr.text)!.cidr, source });
      }
    }
    return out;
  }

  private putSource(kv: KeyValue): void {
    const name = kv.key.slice(this.cidrPrefix.length);
    let obj: ServiceCIDRObject;
    try {
      obj = JSON.parse(kv.value.toString('utf8')) as ServiceCIDRObject;
    } catch {
      return;
    }
    const cidrs: ServiceCIDR[] = [];
    for (const text of obj.spec?.cidrs ?? []) {
      const parsed = parseCIDR(text);
      if (parsed) cidrs.push(this.rangeFor(new ServiceCIDR(parsed)).cidr);
    }
    const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
    const usable = !obj.metadata?.deletionTimestamp && ready?.status !== 'False';
    this.sources.set(name, { name, key: kv.key, modRevision: kv.modRevision, cidrs, usable });
  }

  /** The range of a CIDR, made on first sight and filled with the IPs already taken. */
  private rangeFor(cidr: ServiceCIDR): Range {
    let range = this.ranges.get(cidr.text);
    if (range) return range;
    range = { cidr, pool: new BandedPool(cidr.size, cidr.bandSize, this.random) };
    for (const ip of this.stored.values()) {
      const slot = cidr.slotOf(ip);
      if (slot !== undefined) range.pool.hold(slot, STORED);
    }
    for (const ip of this.reserved.values()) {
      const slot = cidr.slotOf(ip);
      if (slot !== undefined) range.pool.hold(slot, RESERVED);
    }
    this.ranges.set(cidr.text, range);
    return range;
  }

  private dropUnusedRanges(): void {
    const used = new Set<string>(this.sources.size === 0 ? this.flagRanges.map((c) => c.text) : []);
    for (const source of this.sources.values()) for (const cidr of source.cidrs) used.add(cidr.text);
    for (const text of [...this.ranges.keys()]) if (!used.has(text)) this.ranges.delete(text);
  }

  private rangesContaining(ip: IP): Range[] {
    return [...this.ranges.values()].filter((r) => r.cidr.slotOf(ip) !== undefined);
  }

  private setStored(key: string, stored: boolean): void {
    if (!key.startsWith(this.keyPrefix)) return;
    const ip = parseIP(key.slice(this.keyPrefix.length), false);
    if (ip) this.setStoredIP(ip, stored);
  }

  private setStoredIP(ip: IP, stored: boolean): void {
    if (stored) this.stored.set(ipKey(ip), ip);
    else this.stored.delete(ipKey(ip));
    for (const range of this.rangesContaining(ip)) {
      const slot = range.cidr.slotOf(ip)!;
      if (stored) range.pool.hold(slot, STORED);
      else range.pool.drop(slot, STORED);
    }
  }
}
