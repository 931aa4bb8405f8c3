import { hash } from 'node:crypto';

/**
 * kube-proxy's per-service chain names. iptables caps chain names at 28 characters, so upstream
 * names them by a hash: the first 16 characters of base32(sha256(input)), input being the
 * service-port string, the lower-case protocol and, for KUBE-SEP, the endpoint string, all
 * concatenated without separators.
 */
export const SVC_PREFIX = 'KUBE-SVC-';
export const SVL_PREFIX = 'KUBE-SVL-';
export const EXT_PREFIX = 'KUBE-EXT-';
export const FW_PREFIX = 'KUBE-FW-';
const SEP_PREFIX = 'KUBE-SEP-';

const SERVICE_CHAIN_PREFIXES = [SVC_PREFIX, SVL_PREFIX, SEP_PREFIX, FW_PREFIX, EXT_PREFIX];

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** base32.StdEncoding of the first 10 bytes: exactly the 16 characters upstream keeps. */
function base32Head(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < 10; i += 5) {
    // 5 bytes = 40 bits = 8 characters; split so every step stays within 32-bit arithmetic.
    const hi = (bytes[i]! << 12) | (bytes[i + 1]! << 4) | (bytes[i + 2]! >> 4);
    const lo = ((bytes[i + 2]! & 0x0f) << 16) | (bytes[i + 3]! << 8) | bytes[i + 4]!;
    out +=
      ALPHABET[(hi >> 15) & 31]! +
      ALPHABET[(hi >> 10) & 31]! +
      ALPHABET[(hi >> 5) & 31]! +
      ALPHABET[hi & 31]! +
      ALPHABET[(lo >> 15) & 31]! +
      ALPHABET[(lo >> 10) & 31]! +
      ALPHABET[(lo >> 5) & 31]! +
      ALPHABET[lo & 31]!;
  }
  return out;
}

function hash16(input: string): string {
  // The one-shot crypto.hash is about twice as fast as createHash for inputs this short.
  return base32Head(hash('sha256', input, 'buffer'));
}

/** The hash shared by the SVC, SVL, EXT and FW chains of one service port. */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return hash16(servicePortName + protocol);
}

export function endpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return SEP_PREFIX + hash16(servicePortName + protocol + endpoint);
}

/** Chains that stale-chain cleanup may delete: only per-service ones. */
export function isServiceChainName(chain: string): boolean {
  return SERVICE_CHAIN_PREFIXES.some((p) => chain.startsWith(p));
}
