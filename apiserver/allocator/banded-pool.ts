/** Why a slot is taken: seen in etcd, or held by a request of this process that is in flight. */
export const STORED = 1;
export const RESERVED = 2;

/**
 * A pool of `size` numbered slots with a static band [0, bandSize) at the bottom, as upstream's
 * allocators split ranges (KEP-3070 for clusterIPs, KEP-3668 for nodePorts): random picks come
 * from the upper band first, so users can choose static values from the lower band with little
 * risk of a collision.
 *
 * Only taken slots are stored, so memory follows the number allocated, not the size of the
 * range; and a pick walks at most past the taken slots of one band, never the whole range.
 */
export class BandedPool {
  /** Taken slots, each with the STORED and RESERVED bits that hold it. */
  private readonly taken = new Map<bigint, number>();
  private takenLower = 0n;

  constructor(
    readonly size: bigint,
    readonly bandSize: bigint,
    private readonly random: () => number = Math.random,
  ) {}

  get count(): number {
    return this.taken.size;
  }

  isTaken(slot: bigint): boolean {
    return this.taken.has(slot);
  }

  /** Adds a holder to a slot. Returns false if the slot is out of the pool. */
  hold(slot: bigint, holder: number): boolean {
    if (slot < 0n || slot >= this.size) return false;
    const bits = this.taken.get(slot);
    if (bits === undefined && slot < this.bandSize) this.takenLower++;
    this.taken.set(slot, (bits ?? 0) | holder);
    return true;
  }

  /** Removes a holder; the slot is free once it has none. */
  drop(slot: bigint, holder: number): void {
    const bits = this.taken.get(slot);
    if (bits === undefined) return;
    const rest = bits & ~holder;
    if (rest !== 0) {
      this.taken.set(slot, rest);
      return;
    }
    this.taken.delete(slot);
    if (slot < this.bandSize) this.takenLower--;
  }

  /** Drops one kind of holder from every slot, e.g. before a fresh list from etcd. */
  dropAll(holder: number): void {
    for (const slot of [...this.taken.keys()]) this.drop(slot, holder);
  }

  /** Picks a free slot, upper band first, each band scanned from a random start; undefined if full. */
  pickFree(): bigint | undefined {
    const takenUpper = BigInt(this.taken.size) - this.takenLower;
    return this.scan(this.bandSize, this.size, takenUpper) ?? this.scan(0n, this.bandSize, this.takenLower);
  }

  private scan(lo: bigint, hi: bigint, takenInBand: bigint): bigint | undefined {
    const width = hi - lo;
    if (width <= 0n || takenInBand >= width) return undefined;
    let slot = lo + randomBelow(width, this.random);
    // A free slot exists, so this stops within takenInBand + 1 steps.
    while (this.taken.has(slot)) {
      slot = slot + 1n === hi ? lo : slot + 1n;
    }
    return slot;
  }
}

function randomBelow(n: bigint, random: () => number): bigint {
  if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return BigInt(Math.floor(random() * Number(n)));
  // Pools wider than 2^53: combine two draws.
  const hi = BigInt(Math.floor(random() * 2 ** 32));
  const lo = BigInt(Math.floor(random() * 2 ** 32));
  return ((hi << 32n) | lo) % n;
}
