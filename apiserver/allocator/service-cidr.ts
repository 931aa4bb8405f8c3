import { cidrBounds, cidrSize } from '../../shared/net/cidr.js';
import {
  familyBits,
  familyName,
  formatCIDR,
  parseCIDR,
  type CIDR,
  type Family,
  type IP,
} from '../../shared/net/ip.js';

/**
 * One `--service-cluster-ip-range` CIDR and the addresses it hands out, as upstream's
 * IPAddress-based allocator (1.33) sees it: the network address is never used, nor the
 * broadcast address for IPv4; the IPv6 all-ones address is.
 */
export class ServiceCIDR {
  readonly family: Family;
  readonly text: string;
  /** First usable address. */
  readonly first: bigint;
  /** Last usable address. */
  readonly last: bigint;
  /** Number of usable addresses. */
  readonly size: bigint;
  /** Size of the static band at the bottom of the range (KEP-3070). */
  readonly bandSize: bigint;

  constructor(readonly cidr: CIDR) {
    this.family = cidr.family;
    this.text = formatCIDR(cidr);
    const { start, end, size } = cidrBounds(cidr);
    this.first = start + 1n;
    this.last = cidr.family === 4 ? end - 1n : end;
    this.size = max0(this.last - this.first + 1n);
    this.bandSize = staticBandSize(size);
  }

  get familyName(): 'IPv4' | 'IPv6' {
    return familyName(this.family);
  }

  /** The slot of a usable address, or undefined if the address is not usable in this CIDR. */
  slotOf(ip: IP): bigint | undefined {
    if (ip.family !== this.family) return undefined;
    const slot = ip.value - this.first;
    return slot >= 0n && slot < this.size ? slot : undefined;
  }

  ipAt(slot: bigint): IP {
    return { family: this.family, value: this.first + slot };
  }
}

function max0(n: bigint): bigint {
  return n < 0n ? 0n : n;
}

/** min(max(16, size/16), 256), or 0 for ranges of 16 addresses or fewer. */
export function staticBandSize(total: bigint): bigint {
  if (total <= 16n) return 0n;
  const band = total / 16n;
  return band < 16n ? 16n : band > 256n ? 256n : band;
}

/** The largest range kube-apiserver accepts while the legacy bitmap is kept in sync: 20 host bits. */
const MAX_HOST_BITS = 20;

/**
 * Parses `--service-cluster-ip-range` with kube-apiserver's rules and messages: one or two
 * CIDRs, at most one per family, none larger than 2^20 addresses, the primary at least 8.
 * Throws with every problem found, as kube-apiserver reports them together.
 */
export function parseServiceClusterIPRange(flag: string): ServiceCIDR[] {
  const parts = flag === '' ? [] : flag.split(',');
  const errors: string[] = [];
  if (parts.length > 2) errors.push('--service-cluster-ip-range must not contain more than two entries');
  const cidrs: ServiceCIDR[] = [];
  parts.slice(0, 2).forEach((part, i) => {
    const cidr = parseCIDR(part.trim());
    if (!cidr) {
      errors.push(i === 0 ? 'service-cluster-ip-range[0] is not a valid cidr' : 'service-cluster-ip-range[1] is not an ip net');
      return;
    }
    const bits = familyBits(cidr.family);
    if (i === 0 && minBig(cidrSize(cidr), 1n << 16n) < 8n) {
      errors.push('error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses');
    }
    if (bits - cidr.prefix > MAX_HOST_BITS) {
      const flagName = i === 0 ? '--service-cluster-ip-range' : '--service-cluster-ip-range[1]';
      errors.push(`specified ${flagName} is too large; for ${bits}-bit addresses, the mask must be >= ${bits - MAX_HOST_BITS}`);
    }
    cidrs.push(new ServiceCIDR(cidr));
  });
  if (parts.length === 0) errors.push('--service-cluster-ip-range must contain at least one valid cidr');
  if (cidrs.length === 2 && cidrs[0]!.family === cidrs[1]!.family) {
    errors.push('--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family');
  }
  if (errors.length > 0) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  return cidrs;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
