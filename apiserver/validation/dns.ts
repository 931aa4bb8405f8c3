import { invalid, required, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import { byteLength, maxLenError, regexError } from './messages.js';

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';

const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);

const dns1123LabelMsg = regexError(
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  dns1123LabelFmt,
  'my-name',
  '123-abc',
);
const dns1123SubdomainMsg = regexError(
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  dns1123SubdomainFmt,
  'example.com',
);
const dns1035LabelMsg = regexError(
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  dns1035LabelFmt,
  'my-name',
  'abc-123',
);

/** validation.IsDNS1123Label: port names, namespace names, hostnames. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1123LabelRe.test(value)) {
    // A valid subdomain that is not a valid label (length was checked above) must contain dots.
    errs.push(dns1123SubdomainRe.test(value) ? 'must not contain dots' : dns1123LabelMsg);
  }
  return errs;
}

/** validation.IsDNS1123Subdomain: most object names, externalName. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 253) errs.push(maxLenError(253));
  if (!dns1123SubdomainRe.test(value)) errs.push(dns1123SubdomainMsg);
  return errs;
}

/** validation.IsDNS1035Label: Service names. */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLenError(63));
  if (!dns1035LabelRe.test(value)) errs.push(dns1035LabelMsg);
  return errs;
}

/** field.Invalid for each IsDNS1123Label message, as core's ValidateDNS1123Label. */
export function validateDNS1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((msg) => invalid(path, goQuote(value), msg));
}

/** field.Invalid for each IsDNS1123Subdomain message, as core's ValidateDNS1123Subdomain. */
export function validateDNS1123Subdomain(value: string, path: string): FieldError[] {
  return isDNS1123Subdomain(value).map((msg) => invalid(path, goQuote(value), msg));
}

/**
 * validation.IsFullyQualifiedDomainName (EndpointSlice FQDN addresses): a trailing dot is allowed,
 * at least two labels, and only the first problem found is reported.
 */
export function validateFullyQualifiedDomainName(value: string, path: string): FieldError[] {
  if (value.length === 0) return [required(path)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const subdomainErrs = isDNS1123Subdomain(name);
  if (subdomainErrs.length > 0) return [invalid(path, goQuote(name), subdomainErrs.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [invalid(path, goQuote(name), 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const labelErrs = isDNS1123Label(label);
    if (labelErrs.length > 0) return [invalid(path, goQuote(label), labelErrs.join(','))];
  }
  return [];
}
