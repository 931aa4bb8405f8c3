import { duplicate, invalid, notSupported, required, tooMany, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import type { Endpoint, EndpointSlice, EndpointSlicePort } from '../../shared/api/discovery.js';
import { validateDNS1123Label, validateFullyQualifiedDomainName } from '../validation/dns.js';
import { ipFamilyOf } from '../../shared/net/ip.js';
import { validateIPForLegacyField, validateNonSpecialIP } from '../validation/ip.js';
import { isValidLabelValue } from '../validation/labels.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { validateObjectMeta } from '../validation/object-meta.js';
import { validateQualifiedName } from '../validation/qualified-name.js';
import { semanticEqual } from '../validation/semantic-equal.js';

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_ENDPOINTS = 1000;
const MAX_ZONE_HINTS = 8;

/**
 * ValidateEndpointSlice. On update (`old` given) unchanged endpoints are not re-validated, so
 * that objects stored under older IP rules can still be relabelled; that is also why upstream
 * checks ports before endpoints.
 */
function validate(slice: EndpointSlice, old: EndpointSlice | undefined): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  const addressType = slice.addressType ?? '';
  if (!addressType) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(addressType)) errs.push(notSupported('addressType', goQuote(addressType), ADDRESS_TYPES));
  errs.push(...validatePorts(slice.ports ?? []));
  if (!old || !semanticEqual(old.endpoints, slice.endpoints)) errs.push(...validateEndpoints(slice.endpoints ?? [], addressType));
  return errs;
}

/** ValidateEndpointSliceCreate. */
export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  return validate(slice, undefined);
}

/** ValidateEndpointSliceUpdate: the same rules, and addressType may not change. */
export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  const errs = validate(slice, old);
  if ((slice.addressType ?? '') !== (old.addressType ?? '')) errs.push(invalid('addressType', goQuote(slice.addressType ?? ''), 'field is immutable'));
  return errs;
}

function validateEndpoints(endpoints: Endpoint[], addressType: string): FieldError[] {
  if (endpoints.length > MAX_ENDPOINTS) return [tooMany('endpoints', endpoints.length, MAX_ENDPOINTS)];
  const errs: FieldError[] = [];
  endpoints.forEach((ep, i) => {
    const path = `endpoints[${i}]`;
    const addressPath = `${path}.addresses`;
    const addresses = ep.addresses ?? [];
    if (addresses.length === 0) errs.push(required(addressPath, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errs.push(tooMany(addressPath, addresses.length, MAX_ADDRESSES));
    addresses.forEach((address, j) => {
      // Unknown address types fall through unvalidated, as upstream.
      if (addressType === 'IPv4' || addressType === 'IPv6') errs.push(...validateIPAddress(address, addressType, addressPath, j));
      else if (addressType === 'FQDN') errs.push(...validateFullyQualifiedDomainName(address, `${addressPath}[${j}]`));
    });
    if (ep.nodeName != null) {
      for (const msg of nameIsDNSSubdomain(ep.nodeName, false)) errs.push(invalid(`${path}.nodeName`, goQuote(ep.nodeName), msg));
    }
    if (ep.hostname != null) errs.push(...validateDNS1123Label(ep.hostname, `${path}.hostname`));
    if (ep.hints != null) errs.push(...validateZoneHints(ep.hints.forZones ?? [], `${path}.hints.forZones`));
  });
  return errs;
}

/**
 * Syntax first; only a well-formed IP gets the family and special-range checks, so a bad IP is
 * reported once. The family error's path has no index, as upstream's.
 */
function validateIPAddress(address: string, family: 'IPv4' | 'IPv6', addressPath: string, index: number): FieldError[] {
  const path = `${addressPath}[${index}]`;
  const syntaxErrs = validateIPForLegacyField(address, path);
  if (syntaxErrs.length > 0) return syntaxErrs;
  const errs: FieldError[] = [];
  if (ipFamilyOf(address) !== family) errs.push(invalid(addressPath, goQuote(address), `must be an ${family} address`));
  errs.push(...validateNonSpecialIP(address, path));
  return errs;
}

function validateZoneHints(zones: { name: string }[], path: string): FieldError[] {
  if (zones.length > MAX_ZONE_HINTS) return [tooMany(path, zones.length, MAX_ZONE_HINTS)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  zones.forEach((zone, i) => {
    const name = zone.name ?? '';
    const namePath = `${path}[${i}].name`;
    if (seen.has(name)) errs.push(duplicate(namePath, goQuote(name)));
    else seen.add(name);
    for (const msg of isValidLabelValue(name)) errs.push(invalid(namePath, goQuote(name), msg));
  });
  return errs;
}

/** Port numbers are not range-checked for EndpointSlices; a repeated name, even "", is a duplicate. */
function validatePorts(ports: EndpointSlicePort[]): FieldError[] {
  if (ports.length > MAX_PORTS) return [tooMany('ports', ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const path = `ports[${i}]`;
    const name = port.name ?? '';
    if (name) errs.push(...validateDNS1123Label(name, `${path}.name`));
    if (names.has(name)) errs.push(duplicate(`${path}.name`, goQuote(name)));
    else names.add(name);
    if (port.protocol == null) errs.push(required(`${path}.protocol`));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(`${path}.protocol`, goQuote(port.protocol), PROTOCOLS));
    if (port.appProtocol != null) errs.push(...validateQualifiedName(port.appProtocol, `${path}.appProtocol`));
  });
  return errs;
}
