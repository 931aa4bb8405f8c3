import { goValue } from '../errors/go-format.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Every JSON object the apiserver builds from a request has no prototype: a key such as
 * `__proto__`, `constructor` or `toString` is an own property like any other, can never reach
 * Object.prototype, and is never found where it was not put. Code that copies or merges keys
 * writes them into objects from `newObject` and looks them up with `has`/`own`.
 */
export function newObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

/** Own-property test: what `k in o` means for a JSON object. */
export const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** An own property, or undefined: never one inherited from a prototype. */
export function own<V>(o: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return o !== undefined && has(o, key) ? o[key] : undefined;
}

/** Go's encoding/json (and sigs.k8s.io/json) refuses to nest deeper than this. */
const MAX_NESTING_DEPTH = 10000;

/** A JSON syntax error, worded as Go's encoding/json words it. */
export class JSONSyntaxError extends Error {
  override name = 'JSONSyntaxError';
}

/**
 * Parses JSON as Go's decoder does, without recursion: the same grammar, the same error text
 * (`invalid character 'a' looking for beginning of object key string`), the same depth limit, and
 * a later duplicate key overwrites an earlier one. Objects come back without a prototype.
 * Own code rather than JSON.parse: Go's messages and depth limit are what clients see upstream.
 */
export function parseJSON(text: string): JsonValue {
  return new Parser(text).parse();
}

type Frame = { obj: JsonObject; key: string } | { arr: JsonValue[] };

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): JsonValue {
    const stack: Frame[] = [];
    let result: JsonValue | undefined;
    // Each turn reads one value, or closes containers, until the top-level value is complete.
    for (;;) {
      this.ws();
      let value: JsonValue;
      const c = this.s[this.i];
      if (c === '{' || c === '[') {
        if (stack.length >= MAX_NESTING_DEPTH) throw this.fail('exceeded max depth');
        this.i++;
        this.ws();
        if (c === '{') {
          const obj = newObject();
          if (this.s[this.i] === '}') {
            this.i++;
            value = obj;
          } else {
            stack.push({ obj, key: this.key() });
            continue;
          }
        } else {
          const arr: JsonValue[] = [];
          if (this.s[this.i] === ']') {
            this.i++;
            value = arr;
          } else {
            stack.push({ arr });
            continue;
          }
        }
      } else {
        value = this.scalar();
      }
      // Hand the value to its container; close every container that ends here.
      for (;;) {
        const top = stack[stack.length - 1];
        if (!top) {
          result = value;
          break;
        }
        this.ws();
        const next = this.s[this.i];
        if ('arr' in top) {
          top.arr.push(value);
          if (next === ',') {
            this.i++;
            break;
          }
          if (next !== ']') throw this.fail('after array element');
          this.i++;
          stack.pop();
          value = top.arr;
        } else {
          top.obj[top.key] = value;
          if (next === ',') {
            this.i++;
            this.ws();
            top.key = this.key();
            break;
          }
          if (next !== '}') throw this.fail('after object key:value pair');
          this.i++;
          stack.pop();
          value = top.obj;
        }
      }
      if (result !== undefined) break;
    }
    this.ws();
    if (this.i < this.s.length) throw this.fail('after top-level value');
    return result;
  }

  /** A key and its colon; the value follows. */
  private key(): string {
    if (this.s[this.i] !== '"') throw this.fail('looking for beginning of object key string');
    const key = this.string();
    this.ws();
    if (this.s[this.i] !== ':') throw this.fail('after object key');
    this.i++;
    return key;
  }

  private scalar(): JsonValue {
    const c = this.s[this.i];
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    throw this.fail('looking for beginning of value');
  }

  private literal<T extends JsonValue>(word: string, value: T): T {
    for (let k = 1; k < word.length; k++) {
      if (this.s[this.i + k] !== word[k]) {
        this.i += k;
        throw this.fail(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
      }
    }
    this.i += word.length;
    return value;
  }

  private number(): number {
    const start = this.i;
    const digit = () => {
      const c = this.s[this.i];
      return c !== undefined && c >= '0' && c <= '9';
    };
    if (this.s[this.i] === '-') {
      this.i++;
      if (!digit()) throw this.fail('in numeric literal');
    }
    if (this.s[this.i] === '0') this.i++;
    else while (digit()) this.i++;
    if (this.s[this.i] === '.') {
      this.i++;
      if (!digit()) throw this.fail('after decimal point in numeric literal');
      while (digit()) this.i++;
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      if (!digit()) throw this.fail('in exponent of numeric literal');
      while (digit()) this.i++;
    }
    return Number(this.s.slice(start, this.i));
  }

  private string(): string {
    this.i++;
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= this.s.length) throw this.fail('');
      const code = this.s.charCodeAt(this.i);
      if (code === 0x22) {
        out += this.s.slice(run, this.i);
        this.i++;
        return out;
      }
      if (code < 0x20) throw this.fail('in string literal');
      if (code !== 0x5c) {
        this.i++;
        continue;
      }
      out += this.s.slice(run, this.i);
      this.i++;
      const e = this.s[this.i];
      const simple = e === undefined ? undefined : ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.i++;
      } else if (e === 'u') {
        this.i++;
        for (let k = 0; k < 4; k++) {
          if (!/[0-9a-fA-F]/.test(this.s[this.i + k] ?? '')) {
            this.i += k;
            throw this.fail('in \\u hexadecimal character escape');
          }
        }
        out += String.fromCharCode(parseInt(this.s.slice(this.i, this.i + 4), 16));
        this.i += 4;
      } else {
        throw this.fail('in string escape code');
      }
      run = this.i;
    }
  }

  private ws(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return;
      this.i++;
    }
  }

  /** Go's SyntaxError text for the character at the cursor, or the end of the input. */
  private fail(context: string): JSONSyntaxError {
    if (this.i >= this.s.length) return new JSONSyntaxError('unexpected end of JSON input');
    return new JSONSyntaxError(`invalid character ${quoteChar(goByte(this.s, this.i))} ${context}`);
  }
}

const ESCAPES: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
});

/** Go's scanner reports bytes: the first byte of a non-ASCII character, as a Latin-1 rune. */
function goByte(s: string, i: number): string {
  const code = s.codePointAt(i)!;
  if (code < 0x80) return s[i]!;
  return String.fromCharCode(Buffer.from(String.fromCodePoint(code), 'utf8')[0]!);
}

/** encoding/json's quoteChar: `'x'`, with strconv.Quote's escapes. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const code = c.charCodeAt(0);
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
  if (named[code]) return `'${named[code]}'`;
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  if (code >= 0x80 && code < 0xa0) return `'\\u${code.toString(16).padStart(4, '0')}'`;
  if (code === 0xad) return `'\\u00ad'`;
  return `'${c}'`;
}

/**
 * Why a patch failed, with the HTTP status upstream's patch handler gives it:
 * 400 for a malformed patch, 413 for too many operations, 422 for one that cannot apply, 500 for the strategic-merge
 * errors upstream does not classify.
 */
export class PatchError extends Error {
  override name = 'PatchError';
  constructor(
    readonly code: 400 | 413 | 422,
    message: string,
  ) {
    super(message);
  }
}

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A deep copy made of prototype-less objects, without recursion (a request may nest 10,000
 * deep). Also turns anything JSON-shaped (YAML output, a stored object) into a safe value.
 */
export function clone<T extends JsonValue>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  const root: JsonValue = Array.isArray(v) ? [] : newObject();
  const work: [JsonValue, JsonValue][] = [[v, root]];
  for (let item = work.pop(); item; item = work.pop()) {
    const [from, to] = item as [JsonObject | JsonValue[], JsonObject | JsonValue[]];
    for (const key of Object.keys(from)) {
      const x = (from as JsonObject)[key]!;
      let copy: JsonValue = x;
      if (typeof x === 'object' && x !== null) {
        copy = Array.isArray(x) ? [] : newObject();
        work.push([x, copy]);
      }
      if (Array.isArray(to)) to.push(copy);
      else to[key] = copy;
    }
  }
  return root as T;
}

/** Structural equality of two JSON values, without recursion. */
export function deepEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  const work: [JsonValue | undefined, JsonValue | undefined][] = [[a, b]];
  for (let item = work.pop(); item; item = work.pop()) {
    const [x, y] = item;
    if (x === y) continue;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      x.forEach((v, i) => work.push([v, y[i]]));
    } else if (isObject(x)) {
      if (!isObject(y)) return false;
      const kx = Object.keys(x);
      if (kx.length !== Object.keys(y).length || !kx.every((k) => has(y, k))) return false;
      for (const k of kx) work.push([x[k], y[k]]);
    } else {
      return false;
    }
  }
  return true;
}

/**
 * JSON text of a value, as JSON.stringify writes it (keys in insertion order), without
 * recursion: JSON.stringify overflows the stack a few thousand levels down.
 */
export function stringify(v: JsonValue): string {
  return render(v, {
    scalar: (x) => JSON.stringify(x),
    array: ['[', ',', ']'],
    object: ['{', ',', '}'],
    entry: (k) => `${JSON.stringify(k)}:`,
  });
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
  if (v === undefined) return '<nil>';
  return render(v, {
    scalar: (x) => goValue(x),
    array: ['[', ' ', ']'],
    object: ['map[', ' ', ']'],
    entry: (k) => `${k}:`,
    sortKeys: true,
  });
}

interface Style {
  scalar: (v: null | boolean | number | string) => string;
  array: [string, string, string];
  object: [string, string, string];
  entry: (key: string) => string;
  sortKeys?: boolean;
}

/** Writes a value with an explicit stack of pending text and values. */
function render(v: JsonValue, style: Style): string {
  let out = '';
  const work: (JsonValue | { text: string })[] = [v];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.getPrototypeOf(item) === TEXT) {
      out += (item as { text: string }).text;
      continue;
    }
    const x = item as JsonValue;
    if (typeof x !== 'object' || x === null) {
      out += style.scalar(x);
      continue;
    }
    const [open, sep, close] = Array.isArray(x) ? style.array : style.object;
    const parts: (JsonValue | { text: string })[] = [];
    if (Array.isArray(x)) {
      x.forEach((y, i) => {
        if (i) parts.push(text(sep));
        parts.push(y);
      });
    } else {
      const keys = Object.keys(x);
      if (style.sortKeys) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      keys.forEach((k, i) => {
        parts.push(text((i ? sep : '') + style.entry(k)));
        parts.push(x[k]!);
      });
    }
    out += open;
    work.push(text(close));
    for (let i = parts.length - 1; i >= 0; i--) work.push(parts[i]!);
  }
  return out;
}

const TEXT = Object.freeze(Object.create(null) as object);
const text = (t: string): { text: string } => Object.assign(Object.create(TEXT) as { text: string }, { text: t });
