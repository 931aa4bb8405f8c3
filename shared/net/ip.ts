/**
 * IP parsing and formatting with Go's semantics, because Kubernetes' messages and kube-proxy's
 * rules print addresses the way Go does: leading zeros accepted where k8s parses "sloppily",
 * IPv6 in RFC 5952 form, and an IPv4-mapped IPv6 address counted as IPv4.
 */
import type { IPFamily } from '../api/core.js';

export type Family = 4 | 6;

export interface IP {
  family: Family;
  /** The address as an integer: 32 bits for IPv4, 128 for IPv6. */
  value: bigint;
}

export interface CIDR {
  family: Family;
  /** The network address (host bits cleared). */
  network: bigint;
  prefix: number;
}

export const familyBits = (family: Family): number => (family === 4 ? 32 : 128);
/** The two spellings of a family: the API's name, and the number the IP math works in. */
export const familyName = (family: Family): IPFamily => (family === 4 ? 'IPv4' : 'IPv6');
export const familyOfName = (name: IPFamily | string | undefined): Family => (name === 'IPv6' ? 6 : 4);



function parseV4(s: string, sloppy: boolean): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part)) return undefined;
    if (!sloppy && part.length > 1 && part[0] === '0') return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseV6(s: string): bigint | undefined {
  let head = s;
  let tailV4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tailV4 = parseV4(s.slice(lastColon + 1), false);
    if (tailV4 === undefined) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/**
 * Parses an IP address. `sloppy` accepts IPv4 parts with leading zeros (read as decimal), as
 * k8s.io/utils/net.ParseIPSloppy does; strict parsing rejects them, as Go's net.ParseIP does.
 */
export function parseIP(s: string, sloppy = true): IP | undefined {
  if (s.includes(':')) {
    const value = parseV6(s);
    if (value === undefined) return undefined;
    if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
    return { family: 6, value };
  }
  const value = parseV4(s, sloppy);
  return value === undefined ? undefined : { family: 4, value };
}

export function formatIP(ip: IP): string {
  if (ip.family === 4) {
    const v = Number(ip.value);
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run of two or more zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Canonical text of an IP string, or undefined when it does not parse. */
export function canonicalIP(s: string, sloppy = true): string | undefined {
  const ip = parseIP(s, sloppy);
  return ip ? formatIP(ip) : undefined;
}

/**
 * The API's name for the family of an IP string (sloppy parse; IPv4-mapped counts as IPv4), or
 * undefined when it does not parse. The numeric Family stays inside the IP math.
 */
export function ipFamilyOf(s: string): IPFamily | undefined {
  const ip = parseIP(s);
  return ip && familyName(ip.family);
}

/** Parses `addr/prefix`; the host bits are cleared, as Go's net.ParseCIDR returns the network. */
export function parseCIDR(s: string, sloppy = true): CIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash), sloppy);
  const prefixText = s.slice(slash + 1);
  if (!ip || !/^[0-9]{1,3}$/.test(prefixText)) return undefined;
  // An IPv4-mapped address with a prefix is an IPv6 CIDR in Go; keep it simple and refuse it.
  if (ip.family === 4 && s.slice(0, slash).includes(':')) return undefined;
  const prefix = Number(prefixText);
  const bits = familyBits(ip.family);
  if (prefix > bits) return undefined;
  return { family: ip.family, network: ip.value & prefixMask(ip.family, prefix), prefix };
}

export function prefixMask(family: Family, prefix: number): bigint {
  const bits = BigInt(familyBits(family));
  const host = bits - BigInt(prefix);
  return ((1n << bits) - 1n) ^ ((1n << host) - 1n);
}

export function formatCIDR(cidr: CIDR): string {
  return `${formatIP({ family: cidr.family, value: cidr.network })}/${cidr.prefix}`;
}

// Arithmetic on CIDRs lives in cidr.ts (ip-cidr); these stay importable from here.
export { cidrContains, cidrSize } from './cidr.js';
