/**
 * Strategic-merge metadata per kind: the `patchStrategy` / `patchMergeKey` struct tags of the
 * Go types (kubernetes/api v1.33). Only fields with a tag, or that lead to one, are listed:
 * maps always merge, and lists without a strategy are replaced whole (atomic), which is what
 * the Go code does for every untagged field.
 */
export interface PatchSchema {
  name: string;
  fields: Readonly<Record<string, FieldPatchMeta>>;
}

interface FieldPatchMeta {
  /** The patchStrategy tag split on ",": merge, replace, retainKeys. */
  strategies?: readonly string[];
  /** patchMergeKey, for lists of objects with the merge strategy. */
  mergeKey?: string;
  /** The struct (or list element struct) below this field. */
  schema?: PatchSchema;
}

/** A struct whose fields all take the default behaviour. */
export const OPAQUE: PatchSchema = { name: 'Object', fields: {} };

const schema = (name: string, fields: Record<string, FieldPatchMeta> = {}): PatchSchema => ({ name, fields });
const mergeList = (mergeKey: string, item: PatchSchema): FieldPatchMeta => ({ strategies: ['merge'], mergeKey, schema: item });
const struct = (s: PatchSchema): FieldPatchMeta => ({ schema: s });

const ObjectMeta = schema('ObjectMeta', {
  ownerReferences: mergeList('uid', schema('OwnerReference')),
  // A list of strings with the merge strategy: a set, edited with $deleteFromPrimitiveList.
  finalizers: { strategies: ['merge'] },
});

const Condition = schema('Condition');

export const SERVICE_PATCH_SCHEMA = schema('Service', {
  metadata: struct(ObjectMeta),
  spec: struct(schema('ServiceSpec', { ports: mergeList('port', schema('ServicePort')) })),
  status: struct(schema('ServiceStatus', { conditions: mergeList('type', Condition) })),
});

export const NAMESPACE_PATCH_SCHEMA = schema('Namespace', {
  metadata: struct(ObjectMeta),
  status: struct(schema('NamespaceStatus', { conditions: mergeList('type', schema('NamespaceCondition')) })),
});

export const ENDPOINTS_PATCH_SCHEMA = schema('Endpoints', { metadata: struct(ObjectMeta) });

export const ENDPOINT_SLICE_PATCH_SCHEMA = schema('EndpointSlice', { metadata: struct(ObjectMeta) });

const IPADDRESS_PATCH_SCHEMA = schema('IPAddress', { metadata: struct(ObjectMeta) });

const SERVICECIDR_PATCH_SCHEMA = schema('ServiceCIDR', {
  metadata: struct(ObjectMeta),
  status: struct(schema('ServiceCIDRStatus', { conditions: mergeList('type', Condition) })),
});

const EVENT_PATCH_SCHEMA = schema('Event', { metadata: struct(ObjectMeta) });

/** Schemas by kind, for the request handler. */
export const PATCH_SCHEMAS: ReadonlyMap<string, PatchSchema> = new Map([
  ['Service', SERVICE_PATCH_SCHEMA],
  ['Namespace', NAMESPACE_PATCH_SCHEMA],
  ['Endpoints', ENDPOINTS_PATCH_SCHEMA],
  ['EndpointSlice', ENDPOINT_SLICE_PATCH_SCHEMA],
  ['IPAddress', IPADDRESS_PATCH_SCHEMA],
  ['ServiceCIDR', SERVICECIDR_PATCH_SCHEMA],
  ['Event', EVENT_PATCH_SCHEMA],
  ['events.Event', EVENT_PATCH_SCHEMA],
]);
