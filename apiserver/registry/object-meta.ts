import { randomInt } from 'node:crypto';

/** The messages of apimachinery's path.IsValidPathSegmentName: a name must be usable in a URL and a key. */
export function validatePathSegment(name: string): string[] {
  if (name === '.') return ["may not be '.'"];
  if (name === '..') return ["may not be '..'"];
  const problems: string[] = [];
  if (name.includes('/')) problems.push("may not contain '/'");
  if (name.includes('%')) problems.push("may not contain '%'");
  return problems;
}

/** metav1.Time as the apiserver writes it: RFC 3339, whole seconds, UTC. */
export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// The alphabet of k8s.io/apimachinery/pkg/util/rand: no vowels, no easily confused characters.
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** metadata.generateName: the prefix plus five random characters, within 63 characters. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${prefix.slice(0, 63 - 5)}${suffix}`;
}
