/**
 * The `Warning:` header for a request's warnings, as apimachinery's NewWarningHeader writes each
 * (`299 - "text"`, only `"` and `\` escaped). The text is request data (an unknown field may be
 * named in any script), and Go writes it as UTF-8 bytes; Node takes header strings as Latin-1, so
 * the UTF-8 bytes go in one character each. Control bytes, which Node refuses, become spaces, as
 * Go's server does with CR and LF.
 */
export function warningHeader(warnings: readonly string[]): string {
  const value = warnings.map((w) => `299 - "${w.replace(/["\\]/g, '\\$&')}"`).join(', ');
  // eslint-disable-next-line no-control-regex
  return Buffer.from(value, 'utf8').toString('latin1').replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ');
}
