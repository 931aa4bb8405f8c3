/**
 * The continue token of a paged list, in upstream's wire format (k8s.io/apiserver/pkg/storage
 * continue.go), so a token means the same to this server as to kube-apiserver: base64url
 * without padding of `{"v":"meta.k8s.io/v1","rv":<revision>,"start":"<next key below the list's
 * prefix>"}`. An rv of -1 continues at the newest revision (the inconsistent continue).
 * Hand-written because the messages are upstream's, which clients and tests compare.
 */

const VERSION = 'meta.k8s.io/v1';

export class ContinueError extends Error {}

export function encodeContinue(key: string, keyPrefix: string, revision: number): string {
  if (!key.startsWith(keyPrefix) || key === keyPrefix) {
    throw new Error(`unable to encode next field: the key and key prefix do not match ${keyPrefix} ${key}`);
  }
  const token = { v: VERSION, rv: revision, start: key.slice(keyPrefix.length) };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The key to continue from (under `keyPrefix`) and the revision; throws ContinueError with upstream's text. */
export function decodeContinue(value: string, keyPrefix: string): { key: string; revision: number } {
  const data = decodeRawURLBase64(value);
  let token: unknown;
  try {
    token = JSON.parse(data.toString('utf8'));
  } catch (err) {
    throw new ContinueError(`continue key is not valid: ${(err as Error).message}`);
  }
  if (typeof token !== 'object' || token === null || Array.isArray(token)) {
    throw new ContinueError('continue key is not valid: json: cannot unmarshal into Go value of type storage.continueToken');
  }
  // Go's decoder fills the fields it knows and leaves the others at their zero values.
  const t = token as Record<string, unknown>;
  const version = Object.hasOwn(t, 'v') ? t['v'] : '';
  const rv = Object.hasOwn(t, 'rv') ? t['rv'] : 0;
  const start = Object.hasOwn(t, 'start') ? t['start'] : '';
  if (typeof version !== 'string') throw new ContinueError(typeError('v', version, 'string'));
  if (typeof rv !== 'number' || !Number.isSafeInteger(rv)) throw new ContinueError(typeError('rv', rv, 'int64'));
  if (typeof start !== 'string') throw new ContinueError(typeError('start', start, 'string'));
  if (version !== VERSION) throw new ContinueError(`continue key is not valid: server does not recognize this encoded version ${version}`);
  if (rv === 0) throw new ContinueError('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (start.length === 0) throw new ContinueError('continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  // A start key that is not already clean could climb above the list's prefix ("../"): refused.
  const key = start.startsWith('/') ? start : `/${start}`;
  if (cleanPath(key) !== key) throw new ContinueError(`continue key is not valid: ${start}`);
  return { key: keyPrefix + key.slice(1), revision: rv };
}

function typeError(field: string, value: unknown, goType: string): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;
  const shown = kind === 'number' ? `number ${String(value)}` : kind;
  return `continue key is not valid: json: cannot unmarshal ${shown} into Go struct field continueToken.${field} of type ${goType}`;
}

/** Go's base64.RawURLEncoding: the URL alphabet, no padding, the first bad byte named. */
function decodeRawURLBase64(value: string): Buffer {
  const bad = value.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) throw new ContinueError(`continue key is not valid: illegal base64 data at input byte ${bad}`);
  if (value.length % 4 === 1) throw new ContinueError(`continue key is not valid: illegal base64 data at input byte ${value.length - 1}`);
  return Buffer.from(value, 'base64url');
}

/** Go's path.Clean for a rooted path: no empty, `.` or `..` elements, no trailing slash. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}
