import { invalid, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import { byteLength, inclusiveRangeError, maxLenError } from './messages.js';

/** validation.IsValidPortNum: 1..65535. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/** validation.IsValidPortName: an IANA_SVC_NAME, as a targetPort string refers to a container port name. */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** core's ValidatePortNumOrName for an intstr.IntOrString (a missing value is Go's int 0). */
export function validatePortNumOrName(port: number | string | undefined | null, path: string): FieldError[] {
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(path, goQuote(port), msg));
  const n = port ?? 0;
  return isValidPortNum(n).map((msg) => invalid(path, String(n), msg));
}
