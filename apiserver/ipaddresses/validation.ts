import type { IPAddress, ParentReference } from '../../shared/api/networking.js';
import { canonicalIP, parseIP } from '../../shared/net/ip.js';
import { invalid, required, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import { validatePathSegment } from '../registry/object-meta.js';
import { isDNS1123Subdomain } from '../validation/dns.js';
import type { NameValidator } from '../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.js';

/**
 * ValidateIPAddressName: the name is the IP itself, in canonical form, so one IP has one object.
 * The messages are Go's netip.ParseAddr errors and upstream's own; own parsing (not ip-address)
 * because the leading-zero rule and the texts are Go's.
 */
const ipAddressName: NameValidator = (name) => {
  if (!parseIP(name, false)) {
    const why = parseIP(name, true) ? 'IPv4 field has octet with leading zero' : 'unable to parse IP';
    return [`ParseAddr(${goQuote(name)}): ${why}`];
  }
  return canonicalIP(name, false) === name ? [] : ['must be a canonical format IP address'];
};

export function validateIPAddress(ip: IPAddress): FieldError[] {
  const errs = validateObjectMeta(ip.metadata, { namespaced: false, nameValidator: ipAddressName });
  return [...errs, ...validateParentRef(ip.spec?.parentRef)];
}

function validateParentRef(ref: ParentReference | undefined | null): FieldError[] {
  if (!ref) return [required('spec.parentRef')];
  const path = 'spec.parentRef';
  const errs: FieldError[] = [];
  // The core group of Services is "", so group cannot be required.
  if (ref.group) for (const msg of isDNS1123Subdomain(ref.group)) errs.push(invalid(`${path}.group`, goQuote(ref.group), msg));
  const segment = (field: 'resource' | 'name' | 'namespace', value: string | undefined, needed: boolean) => {
    if (!value) {
      if (needed) errs.push(required(`${path}.${field}`));
      return;
    }
    for (const msg of validatePathSegment(value)) errs.push(invalid(`${path}.${field}`, goQuote(value), msg));
  };
  segment('resource', ref.resource, true);
  segment('name', ref.name, true);
  segment('namespace', ref.namespace, false);
  return errs;
}

export function validateIPAddressUpdate(ip: IPAddress, old: IPAddress): FieldError[] {
  const errs = validateObjectMetaUpdate(ip.metadata, old.metadata);
  const now = ip.spec?.parentRef;
  const was = old.spec?.parentRef;
  if (!sameRef(now, was)) errs.push(invalid('spec.parentRef', goParentRef(now), 'field is immutable'));
  return errs;
}

const sameRef = (a: ParentReference | undefined, b: ParentReference | undefined) =>
  (a === undefined) === (b === undefined) && (a?.group ?? '') === (b?.group ?? '') && (a?.resource ?? '') === (b?.resource ?? '') && (a?.namespace ?? '') === (b?.namespace ?? '') && (a?.name ?? '') === (b?.name ?? '');

/** How Go's field error prints the internal *ParentReference (%#v of the struct, or null). */
function goParentRef(ref: ParentReference | undefined): string {
  if (!ref) return 'null';
  const q = (s: string | undefined) => goQuote(s ?? '');
  return `networking.ParentReference{Group:${q(ref.group)}, Resource:${q(ref.resource)}, Namespace:${q(ref.namespace)}, Name:${q(ref.name)}}`;
}
