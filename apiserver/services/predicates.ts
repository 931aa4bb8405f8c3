/*
 * Go's comparisons, as the registry's helpers make them. The Service predicates live in
 * shared/api/service.ts, with proxy-sim's.
 */

export const otherFamily = (family: 'IPv4' | 'IPv6'): 'IPv4' | 'IPv6' => (family === 'IPv4' ? 'IPv6' : 'IPv4');

/** Go's len(a) == len(b) && a[i] == b[i]: nil and empty compare equal. */
export function sameList(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** reflect.DeepEqual on slices: like sameList, but nil and empty differ. */
export function deepEqualList(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  if (a == null || b == null) return a == null && b == null;
  return sameList(a, b);
}
