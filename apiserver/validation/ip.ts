import { invalid, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import { parseCIDR, parseIP, type IP, ipFamilyOf } from '../../shared/net/ip.js';

/*
 * IP and CIDR checks for the "legacy" fields (clusterIPs, externalIPs, endpoint addresses,
 * loadBalancerSourceRanges). In 1.33 the StrictIPCIDRValidation gate is off by default, so these
 * only require a sloppy parse: leading zeros and IPv4-mapped IPv6 are accepted.
 */

/** validation.IsValidIPForLegacyField with strict validation off. */
export function validateIPForLegacyField(value: string, path: string): FieldError[] {
  if (parseIP(value, true)) return [];
  return [invalid(path, goQuote(value), 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

/** validation.IsValidCIDRForLegacyField with strict validation off. */
export function validateCIDRForLegacyField(value: string, path: string): FieldError[] {
  if (parseCIDR(value, true)) return [];
  return [invalid(path, goQuote(value), 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

// net.IP's classification methods. An IPv4-mapped IPv6 address is parsed as IPv4, as To4() does.
const isUnspecified = (ip: IP): boolean => ip.value === 0n;
const isLoopback = (ip: IP): boolean => (ip.family === 4 ? ip.value >> 24n === 127n : ip.value === 1n);
const isLinkLocalUnicast = (ip: IP): boolean =>
  ip.family === 4 ? ip.value >> 16n === 0xa9fen : ip.value >> 118n === 0x3fan; // 169.254/16, fe80::/10
const isLinkLocalMulticast = (ip: IP): boolean =>
  // 224.0.0.0/24; for IPv6 Go checks ff02::/16 ignoring the flag bits (ffX2::).
  ip.family === 4 ? ip.value >> 8n === 0xe00000n : ip.value >> 120n === 0xffn && ((ip.value >> 112n) & 0x0fn) === 2n;

/**
 * core's ValidateNonSpecialIP (a.k.a. ValidateEndpointIP): endpoint addresses and external IPs
 * may not be unspecified, loopback or link-local.
 */
export function validateNonSpecialIP(value: string, path: string): FieldError[] {
  const ip = parseIP(value, true);
  const quoted = goQuote(value);
  if (!ip) return [invalid(path, quoted, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  if (isUnspecified(ip)) errs.push(invalid(path, quoted, `may not be unspecified (${value})`));
  if (isLoopback(ip)) errs.push(invalid(path, quoted, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (isLinkLocalUnicast(ip)) errs.push(invalid(path, quoted, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (isLinkLocalMulticast(ip)) {
    errs.push(invalid(path, quoted, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

/** netutils.IsIPv6String. */
export const isIPv6String = (value: string): boolean => ipFamilyOf(value) === 'IPv6';
