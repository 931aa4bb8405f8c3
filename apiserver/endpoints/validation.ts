import { invalid, notSupported, required, type FieldError } from '../errors/field.js';
import { goQuote } from '../errors/go-format.js';
import type { EndpointAddress, EndpointPort, Endpoints } from '../../shared/api/core.js';
import { validateDNS1123Label } from '../validation/dns.js';
import { validateIPForLegacyField, validateNonSpecialIP } from '../validation/ip.js';
import { nameIsDNSSubdomain } from '../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.js';
import { isValidPortNum } from '../validation/ports.js';
import { validateQualifiedName } from '../validation/qualified-name.js';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

/** ValidateEndpoints (create and update alike). */
export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, { namespaced: true, nameValidator: nameIsDNSSubdomain });
  (ep.subsets ?? []).forEach((subset, i) => {
    const path = `subsets[${i}]`;
    const addresses = subset.addresses ?? [];
    const notReady = subset.notReadyAddresses ?? [];
    // Ports may be empty (headless Services), addresses may not.
    if (addresses.length === 0 && notReady.length === 0) errs.push(required(path, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => errs.push(...validateEndpointAddress(a, `${path}.addresses[${j}]`)));
    notReady.forEach((a, j) => errs.push(...validateEndpointAddress(a, `${path}.notReadyAddresses[${j}]`)));
    const ports = subset.ports ?? [];
    ports.forEach((p, j) => errs.push(...validateEndpointPort(p, ports.length > 1, `${path}.ports[${j}]`)));
  });
  return errs;
}

/** ValidateEndpointsUpdate: metadata update rules, then ValidateEndpoints. */
export function validateEndpointsUpdate(ep: Endpoints, old: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpoints(ep)];
}

/**
 * Upstream checks the IP twice (syntax, then the special ranges), so an unparsable IP is
 * reported twice with slightly different wording.
 */
function validateEndpointAddress(address: EndpointAddress, path: string): FieldError[] {
  const ip = address.ip ?? '';
  const errs = validateIPForLegacyField(ip, `${path}.ip`);
  if (address.hostname) errs.push(...validateDNS1123Label(address.hostname, `${path}.hostname`));
  if (address.nodeName != null) {
    for (const msg of nameIsDNSSubdomain(address.nodeName, false)) errs.push(invalid(`${path}.nodeName`, goQuote(address.nodeName), msg));
  }
  errs.push(...validateNonSpecialIP(ip, `${path}.ip`));
  return errs;
}

function validateEndpointPort(port: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = port.name ?? '';
  if (requireName && !name) errs.push(required(`${path}.name`));
  else if (name) errs.push(...validateDNS1123Label(name, `${path}.name`));
  const portNumber = port.port ?? 0;
  for (const msg of isValidPortNum(portNumber)) errs.push(invalid(`${path}.port`, String(portNumber), msg));
  const protocol = port.protocol ?? '';
  if (!protocol) errs.push(required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(`${path}.protocol`, goQuote(protocol), PROTOCOLS));
  if (port.appProtocol != null) errs.push(...validateQualifiedName(port.appProtocol, `${path}.appProtocol`));
  return errs;
}
