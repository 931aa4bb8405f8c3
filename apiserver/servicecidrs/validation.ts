import type { ServiceCIDRObject } from '../../shared/api/networking.js';
import { parseCIDR } from '../../shared/net/ip.js';
import { invalid, required, type FieldError } from '../errors/field.js';
import { goQuote, goStringSlice } from '../errors/go-format.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.js';

const PATH = 'spec.cidrs';
const IMMUTABLE = 'field is immutable';

/** ValidateServiceCIDR: a DNS subdomain name and 1 or 2 valid CIDRs, at most one per family. */
export function validateServiceCIDR(sc: ServiceCIDRObject): FieldError[] {
  return [...validateObjectMeta(sc.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain }), ...validateSpec(sc.spec?.cidrs ?? [])];
}

function validateSpec(cidrs: readonly string[]): FieldError[] {
  if (cidrs.length === 0) return [required(PATH, 'at least one CIDR required')];
  if (cidrs.length > 2) return [invalid(PATH, `networking.ServiceCIDRSpec{CIDRs:${goStringSlice(cidrs)}}`, 'may only hold up to 2 values')];
  const errs: FieldError[] = [];
  cidrs.forEach((cidr, i) => {
    // IsValidCIDR parses sloppily (ParseCIDRSloppy), so host bits and leading zeros pass.
    if (!parseCIDR(cidr, true)) errs.push(invalid(`${PATH}[${i}]`, goQuote(cidr), 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  const families = cidrs.map((c) => parseCIDR(c, true)?.family);
  if (cidrs.length === 2 && families[0] !== undefined && families[0] === families[1]) {
    errs.push(invalid(PATH, goStringSlice(cidrs), 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64'));
  }
  return errs;
}

/**
 * ValidateServiceCIDRUpdate: the CIDRs may not change, except that a single-stack ServiceCIDR
 * may gain a CIDR of the other family (upstream's fix for kubernetes#131261).
 */
export function validateServiceCIDRUpdate(sc: ServiceCIDRObject, old: ServiceCIDRObject): FieldError[] {
  const errs = validateObjectMetaUpdate(sc.metadata, old.metadata);
  const now = sc.spec?.cidrs ?? [];
  const was = old.spec?.cidrs ?? [];
  if (now.length === was.length) {
    was.forEach((cidr, i) => {
      if (cidr !== now[i]) errs.push(invalid(`${PATH}[${i}]`, goQuote(now[i]!), IMMUTABLE));
    });
  } else if (was.length === 1 && now.length === 2) {
    if (now[0] !== was[0]) errs.push(invalid(`${PATH}[0]`, goQuote(now[0]!), IMMUTABLE));
    errs.push(...validateSpec(now));
  } else {
    errs.push(invalid(PATH, goStringSlice(now), IMMUTABLE));
  }
  return errs;
}
