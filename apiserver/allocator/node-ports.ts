import type { KeyValue } from '../../shared/etcd/range.js';
import type { ReflectorHandler, WatchEvent } from '../../shared/etcd/reflector.js';
import { BandedPool, RESERVED, STORED } from './banded-pool.js';
import { AllocationError, ERR_ALLOCATED_PORT, ERR_FULL } from './allocation-error.js';

/** `--service-node-port-range`: `30000-32767`, or `30000+2767` as upstream's PortRange also reads. */
export class PortRange {
  constructor(
    readonly base: number,
    readonly size: number,
  ) {}

  static parse(text: string): PortRange {
    const m = /^\s*(\d+)\s*([-+])\s*(\d+)\s*$/.exec(text) ?? /^\s*(\d+)\s*$/.exec(text);
    if (!m) throw new Error(`unable to parse port range: ${text}`);
    const low = Number(m[1]);
    const size = m[2] === '+' ? Number(m[3]) + 1 : m[2] === '-' ? Number(m[3]) - low + 1 : 1;
    if (low < 1 || low > 65535 || size < 1 || low + size - 1 > 65535) {
      throw new Error(`"${text}" is not a valid port range`);
    }
    return new PortRange(low, size);
  }

  contains(port: number): boolean {
    return port >= this.base && port < this.base + this.size;
  }

  toString(): string {
    return `${this.base}-${this.base + this.size - 1}`;
  }
}

/** min(max(16, size/32), 128), or 0 for ranges of 16 ports or fewer (KEP-3668). */
export function nodePortBandSize(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.floor(size / 32)), 128);
}

/** NodePorts in use, from a watch of the node-port keys, plus this process's in-flight ones. */
export class NodePortAllocator implements ReflectorHandler {
  private readonly pool: BandedPool;

  constructor(
    readonly range: PortRange,
    private readonly keyPrefix: string,
    random?: () => number,
  ) {
    this.pool = new BandedPool(BigInt(range.size), BigInt(nodePortBandSize(range.size)), random);
  }

  replace(items: KeyValue[]): void {
    this.pool.dropAll(STORED);
    for (const kv of items) this.setStored(kv.key, true);
  }

  apply(events: WatchEvent[]): void {
    for (const ev of events) this.setStored(ev.type === 'put' ? ev.kv.key : ev.key, ev.type === 'put');
  }

  reserve(port: number): void {
    if (!this.range.contains(port)) {
      throw new AllocationError(
        'not-in-range',
        `provided port is not in the valid range. The range of valid ports is ${this.range.toString()}`,
      );
    }
    const slot = BigInt(port - this.range.base);
    if (this.pool.isTaken(slot)) throw new AllocationError('allocated', ERR_ALLOCATED_PORT);
    this.pool.hold(slot, RESERVED);
  }

  /** Whether the port is stored or reserved (Has of upstream's allocator); false outside the range. */
  has(port: number): boolean {
    return this.range.contains(port) && this.pool.isTaken(BigInt(port - this.range.base));
  }

  reserveNext(): number {
    const slot = this.pool.pickFree();
    if (slot === undefined) throw new AllocationError('full', ERR_FULL);
    this.pool.hold(slot, RESERVED);
    return this.range.base + Number(slot);
  }

  settle(port: number, committed: boolean): void {
    const slot = BigInt(port - this.range.base);
    if (committed) this.pool.hold(slot, STORED);
    this.pool.drop(slot, RESERVED);
  }

  markStored(port: number): void {
    if (this.range.contains(port)) this.pool.hold(BigInt(port - this.range.base), STORED);
  }

  /** Records that a committed transaction of this process deleted the port's key. */
  markReleased(port: number): void {
    if (this.range.contains(port)) this.pool.drop(BigInt(port - this.range.base), STORED);
  }

  keyFor(port: number): string {
    return `${this.keyPrefix}${port}`;
  }

  private setStored(key: string, stored: boolean): void {
    if (!key.startsWith(this.keyPrefix)) return;
    const port = Number(key.slice(this.keyPrefix.length));
    if (!Number.isInteger(port) || !this.range.contains(port)) return;
    const slot = BigInt(port - this.range.base);
    if (stored) this.pool.hold(slot, STORED);
    else this.pool.drop(slot, STORED);
  }
}
