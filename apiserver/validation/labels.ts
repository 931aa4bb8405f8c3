import { invalid, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import { byteLength, maxLenError, regexError } from './messages.js';
import { isQualifiedName, qualifiedNameFmt } from './qualified-name.js';

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueRe = new RegExp(`^${labelValueFmt}$`);
const labelValueMsg = regexError(
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  labelValueFmt,
  'MyValue',
  'my_value',
  '12345',
);

/** validation.IsValidLabelValue. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!labelValueRe.test(value)) errs.push(labelValueMsg);
  return errs;
}

/** metav1 validation.ValidateLabelName: a label key is a qualified name. */
function validateLabelName(key: string, path: string): FieldError[] {
  return isQualifiedName(key).map((msg) => invalid(path, goQuote(key), msg));
}

/**
 * metav1 validation.ValidateLabels, used for metadata.labels, a Service's spec.selector and an
 * endpoint's topology. Errors carry the map's path, not the key's. Go walks the map in random
 * order; we walk it in the object's key order so that results are reproducible.
 */
export function validateLabels(labels: Record<string, string> | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  for (const [key, value] of Object.entries(labels)) {
    errs.push(...validateLabelName(key, path));
    for (const msg of isValidLabelValue(String(value))) errs.push(invalid(path, goQuote(String(value)), msg));
  }
  return errs;
}
