import IPCIDR from 'ip-cidr';
import { formatCIDR, type CIDR, type IP } from './ip.js';

/*
 * CIDR arithmetic (bounds, sizes, containment) through ip-cidr and its ip-address. Parsing and
 * printing stay in ip.ts, because upstream's texts and leniency are Go's (ParseIPSloppy's
 * leading zeros, RFC 5952 output, IPv4-mapped IPv6 counted as IPv4), which ip-address does not
 * follow; so a CIDR reaches ip-cidr already parsed and printed canonically.
 */

const cache = new Map<string, IPCIDR>();

function ipcidr(cidr: CIDR): IPCIDR {
  const text = formatCIDR(cidr);
  let c = cache.get(text);
  if (!c) {
    c = new IPCIDR(text);
    if (cache.size > 4096) cache.clear();
    cache.set(text, c);
  }
  return c;
}

/** The first (network) and last address of a CIDR, and the number of addresses. */
export function cidrBounds(cidr: CIDR): { start: bigint; end: bigint; size: bigint } {
  const c = ipcidr(cidr);
  return { start: c.start<bigint>({ type: 'bigInteger' }), end: c.end<bigint>({ type: 'bigInteger' }), size: c.size as bigint };
}

/** The number of addresses in the CIDR, 2^(host bits). */
export function cidrSize(cidr: CIDR): bigint {
  return cidrBounds(cidr).size;
}

/** Whether the CIDR contains the address (of its own family). */
export function cidrContains(cidr: CIDR, ip: IP): boolean {
  return ip.family === cidr.family && ipcidr(cidr).contains(ip.value);
}

/** Whether `outer` contains every address of `inner`. */
export function cidrCovers(outer: CIDR, inner: CIDR): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  const { start, end } = cidrBounds(inner);
  return cidrContains(outer, { family: inner.family, value: start }) && cidrContains(outer, { family: inner.family, value: end });
}
