/**
 * Renders values the way Go's fmt does in apimachinery's field errors, because clients and
 * users match on that text: `"x"` for strings, `[]string{"a", "b"}` for slices, `null` for nil.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\x07': out += '\\a'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      case '\v': out += '\\v'; break;
      default:
        if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
        else if (code >= 0x80 && code < 0xa0) out += `\\u${code.toString(16).padStart(4, '0')}`;
        else out += ch;
    }
  }
  return out + '"';
}

/** A Go []string: `[]string{"a", "b"}`, or `[]string(nil)` for a missing or empty slice. */
export function goStringSlice(values: readonly string[] | undefined | null): string {
  if (!values || values.length === 0) return values ? '[]string{}' : '[]string(nil)';
  return `[]string{${values.map(goQuote).join(', ')}}`;
}

/** A Go value that may be a nil pointer. */
export function goOptionalString(value: string | undefined | null): string {
  return value === undefined || value === null ? 'null' : goQuote(value);
}

/** A Go slice of a named string type, e.g. `[]core.IPFamily{"IPv4"}`, as `%#v` prints it. */
export function goTypedSlice(typeName: string, values: readonly string[] | undefined | null): string {
  if (!values) return `[]${typeName}(nil)`;
  return `[]${typeName}{${values.map(goQuote).join(', ')}}`;
}

/**
 * A metav1.Time as its String() method prints it (`2006-01-02 15:04:05 +0000 UTC`), in UTC as the
 * apiserver runs. An unparsable or missing value prints as Go's zero time.
 */
export function goTime(value: string | undefined | null): string {
  const ms = value ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) return '0001-01-01 00:00:00 +0000 UTC';
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = d.getUTCMilliseconds() ? `.${pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '')}` : '';
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`
  );
}

/**
 * A decoded JSON value as Go's `%v`/`%+v` prints a map[string]interface{}: `map[a:1 b:[x y]]`
 * with sorted keys, strings bare, `<nil>` for null. Integers are int64 (sigs.k8s.io/json keeps
 * them so); other numbers are float64.
 */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${goValue(x)}`).join(' ')}]`;
  }
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}

function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  // strconv's shortest 'g': exponent form below 1e-4 and from 1e+06, with two exponent digits.
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(n);
}
