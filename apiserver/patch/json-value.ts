export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Why a patch failed, with the HTTP status upstream's patch handler gives it:
 * 400 for a malformed patch, 413 for too many operations, 422 for one that cannot apply, 500 for the strategic-merge
 * errors upstream does not classify.
 */
export class PatchError extends Error {
  override name = 'PatchError';
  constructor(
    readonly code: 400 | 413 | 422 | 500,
    message: string,
  ) {
    super(message);
  }
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function clone<T extends JsonValue>(v: T): T {
  return structuredClone(v);
}

export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The Go type of a decoded JSON value, as reflect.TypeOf names it; patch code compares these. */
export function goType(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  switch (typeof v) {
    case 'object':
      return 'map[string]interface {}';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
      // kjson.UnmarshalCaseSensitivePreserveInts keeps integers as int64.
      return Number.isInteger(v) ? 'int64' : 'float64';
  }
}

/** A value as Go's %v prints decoded JSON: `map[a:1 b:[x y]]`, keys sorted. */
export function goFormat(v: JsonValue | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isObject(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goFormat(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}
