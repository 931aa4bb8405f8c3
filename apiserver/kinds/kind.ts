import type { KubeObject } from '../../shared/api/meta.js';
import type { ServiceAllocators } from '../services/allocation.js';
import type { ServiceIPConfig } from '../services/ip-families.js';
import type { Mirroring } from '../endpoints/mirroring.js';
import type { LeaseManager } from '../events/leases.js';
import type { WriteNarrator } from '../http/resource-handler.js';
import type { ServedKind } from '../openapi/schemas.js';
import type { ResourceInfo, Strategy } from '../registry/strategy.js';
import type { SelectableFields } from '../selectors/field-selector.js';
import type { Printer } from '../tables/printers.js';

/** What discovery says about a kind beyond its names and scope (as upstream v1.33 lists it). */
interface DiscoveryFacts {
  singular: string;
  verbs: readonly string[];
  shortNames?: readonly string[];
  categories?: readonly string[];
  storageVersionHash?: string;
  /** Subresources served, with their verbs (the response kind is the resource's own). */
  subresources?: readonly { name: string; verbs: readonly string[] }[];
}

/** The process-wide parts a kind's strategies are built from. */
export interface KindDeps {
  allocators: ServiceAllocators;
  ipConfig: ServiceIPConfig;
  mirroring: Mirroring;
  /** The --event-ttl leases both Event API versions share. */
  eventLeases: LeaseManager;
  log: (line: string) => void;
}

/** A kind's strategies, built once per apiserver. */
interface KindStrategies<T extends KubeObject> {
  strategy: Strategy<T>;
  /** The status subresource's strategy, if the kind has one. */
  status?: Strategy<T>;
  /** The teaching log's voice for this kind's writes, if it narrates. */
  narrator?: WriteNarrator;
}

/**
 * Everything the apiserver needs to serve one kind: adding a kind is writing one of these and
 * listing it in registry.ts. The server, discovery, OpenAPI, tables and watch caches read it.
 */
export interface Kind<T extends KubeObject = KubeObject> {
  info: ResourceInfo;
  /** The kind's OpenAPI component (openapi/schemas.ts), for decoding, patching and documents. */
  schema: ServedKind;
  discovery: DiscoveryFacts;
  fields: SelectableFields;
  printer: Printer<T>;
  /** Services and Namespaces answer a DELETE with the object; other kinds with a Status. */
  returnDeletedObject: boolean;
  /** A `Warning:` header on every request, e.g. the deprecation of v1 Endpoints. */
  warning?: string;
  strategies(deps: KindDeps): KindStrategies<T>;
}

/** Keeps a kind's object type while listing it among others. */
export const defineKind = <T extends KubeObject>(kind: Kind<T>): Kind<T> => kind;

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
export const STATUS_SUBRESOURCE = { name: 'status', verbs: ['get', 'patch', 'update'] } as const;
