/**
 * The message builders of k8s.io/apimachinery/pkg/util/validation. Clients and users match on
 * this text, so it is reproduced exactly (including the double space RegexError leaves before
 * "or" when it lists several examples).
 */
export const maxLenError = (length: number): string => `must be no more than ${length} characters`;

export const emptyError = (): string => 'must be non-empty';

export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** Go's len() of a string: its UTF-8 byte count. */
export const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');
