import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from './dns.js';

/**
 * apimachinery's ValidateNameFunc: `prefix` is true for metadata.generateName, whose value gets a
 * random suffix appended, so a trailing dash is allowed.
 */
export type NameValidator = (name: string, prefix: boolean) => string[];

// Upstream's maskTrailingDash drops the last TWO characters before appending "a"; kept as is.
const maskTrailingDash = (name: string): string => (name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name);

/** NameIsDNSSubdomain: Endpoints, EndpointSlices, Nodes and most kinds. */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

/** NameIsDNSLabel: Namespaces (and metadata.namespace of every namespaced object). */
export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

/** NameIsDNS1035Label: Services. */
export const nameIsDNS1035Label: NameValidator = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);
