import { COMPONENTS, KIND_COMPONENTS, type Prop, type ServedKind } from '../openapi/schemas.js';
import { clone, deepEqual, has, isObject, newObject, own, parseJSON, stringify, type JsonObject, type JsonValue } from './json-value.js';

/**
 * Server-side apply, reduced to what clients notice: the applied configuration is merged into the
 * live object along the schema (structs and maps field by field, list-maps by their keys, sets
 * as sets, atomic values replaced), and what the same manager applied last time but applies no
 * more is removed, unless another applier still applies it. What each apply set is recorded as
 * upstream records it, as a FieldsV1 set in a managedFields entry (operation Apply).
 *
 * Not modelled: ownership by Update operations, and so apply conflicts (a field last set by
 * another manager is simply overwritten, as with force=true).
 */

/** A FieldsV1 set: `f:<field>`, `k:<key fields JSON>` and `v:<value JSON>` children; `.` is the element itself. */
export interface FieldSet {
  [path: string]: FieldSet;
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
  subresource?: string;
}

/** Top-level fields the apiserver keeps for itself: never recorded for a manager, never applied. */
const RESET_FIELDS = new Set(['apiVersion', 'kind', 'status']);
const SYSTEM_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink', 'managedFields']);

/** Key fields that the schema defaults, so an item that omits them still has a key. */
const KEY_DEFAULTS: Readonly<Record<string, JsonValue>> = { protocol: 'TCP' };

type Node = { k: 'struct'; props: Record<string, Prop> } | { k: 'map' } | { k: 'listMap'; keys: string[]; item: Node } | { k: 'set' } | { k: 'atomic' };

const ATOMIC: Node = { k: 'atomic' };

function nodeOf(prop: Prop): Node {
  switch (prop.t) {
    case 'ref': {
      const def = COMPONENTS[prop.ref];
      return def?.props && !def.atomic ? { k: 'struct', props: def.props } : ATOMIC;
    }
    case 'map':
      return prop.atomic ? ATOMIC : { k: 'map' };
    case 'array':
      if (prop.list === 'map' && prop.mapKeys) return { k: 'listMap', keys: [...prop.mapKeys].sort(), item: nodeOf(prop.items) };
      if (prop.list === 'set' && prop.items.t !== 'ref') return { k: 'set' };
      return ATOMIC;
    default:
      return ATOMIC;
  }
}

/** The path element of a list-map item: its key fields, defaulted, as sorted JSON. */
function itemKey(item: JsonValue, keys: string[]): string {
  const o = isObject(item) ? item : newObject();
  return `k:${stringify(Object.fromEntries(keys.map((k) => [k, own(o, k) ?? own(KEY_DEFAULTS, k) ?? null])) as JsonObject)}`;
}

function fieldsOf(node: Node, value: JsonValue): FieldSet {
  switch (node.k) {
    case 'struct': {
      const out = newObject() as unknown as FieldSet;
      if (!isObject(value)) return out;
      for (const [key, v] of Object.entries(value)) {
        const prop = own(node.props, key);
        if (prop) out[`f:${key}`] = fieldsOf(nodeOf(prop), v);
      }
      return out;
    }
    case 'map':
      return isObject(value) ? { '.': {}, ...Object.fromEntries(Object.keys(value).map((k) => [`f:${k}`, {}])) } : {};
    case 'listMap': {
      if (!Array.isArray(value)) return {};
      // Upstream marks list-map items, not the list itself, with ".".
      const out = newObject() as unknown as FieldSet;
      for (const item of value) out[itemKey(item, node.keys)] = { '.': {}, ...fieldsOf(node.item, item) };
      return out;
    }
    case 'set':
      return Array.isArray(value) ? { '.': {}, ...Object.fromEntries(value.map((v) => [`v:${JSON.stringify(v)}`, {}])) } : {};
    case 'atomic':
      return {};
  }
}

/** What an applied configuration sets, as a FieldsV1 set; the fields the server keeps are left out. */
export function appliedFields(kind: ServedKind, applied: JsonObject): FieldSet {
  const top = COMPONENTS[KIND_COMPONENTS[kind]]!.props!;
  const out = newObject() as unknown as FieldSet;
  for (const [key, v] of Object.entries(applied)) {
    const prop = own(top, key);
    if (!prop || RESET_FIELDS.has(key)) continue;
    if (key === 'metadata') {
      const meta = fieldsOf(nodeOf(prop), v);
      for (const f of SYSTEM_METADATA) delete meta[`f:${f}`];
      if (Object.keys(meta).length) out['f:metadata'] = meta;
      continue;
    }
    out[`f:${key}`] = fieldsOf(nodeOf(prop), v);
  }
  return out;
}

function union(a: FieldSet | undefined, b: FieldSet | undefined): FieldSet | undefined {
  if (!a) return b;
  if (!b) return a;
  const out = Object.assign(newObject(), a) as unknown as FieldSet;
  for (const [k, v] of Object.entries(b)) out[k] = union(own(out, k), v)!;
  return out;
}

/** Where a path element is in a value: a field of an object, or an item of a list. */
function locate(value: JsonValue, element: string): { get(): JsonValue; remove(): void } | undefined {
  if (element.startsWith('f:') && isObject(value)) {
    const name = element.slice(2);
    if (!has(value, name)) return undefined;
    return { get: () => value[name]!, remove: () => delete value[name] };
  }
  if (!Array.isArray(value)) return undefined;
  let index = -1;
  // Path elements come from stored managedFields, which a client may have written: text that
  // is no JSON names no item.
  const parsed = (text: string): JsonValue | undefined => {
    try {
      return parseJSON(text);
    } catch {
      return undefined;
    }
  };
  if (element.startsWith('k:')) {
    const want = parsed(element.slice(2));
    if (!isObject(want)) return undefined;
    const keys = Object.keys(want);
    index = value.findIndex((item) => itemKey(item, keys) === `k:${stringify(want)}`);
  } else if (element.startsWith('v:')) {
    const want = parsed(element.slice(2));
    if (want === undefined) return undefined;
    index = value.findIndex((item) => deepEqual(item, want));
  }
  if (index < 0) return undefined;
  return { get: () => value[index]!, remove: () => value.splice(index, 1) };
}

/** Removes from `live` what `stale` names and `keep` does not: fields whole, list items whole. */
function removeStale(live: JsonValue, stale: FieldSet, keep: FieldSet | undefined): void {
  for (const [element, below] of Object.entries(stale)) {
    if (element === '.') continue;
    const found = locate(live, element);
    if (!found) continue;
    const kept = keep && own(keep, element);
    if (!kept) found.remove();
    else removeStale(found.get(), below, kept);
  }
}

function merge(node: Node, live: JsonValue | undefined, applied: JsonValue): JsonValue {
  if (live === undefined) return clone(applied);
  switch (node.k) {
    case 'struct': {
      if (!isObject(live) || !isObject(applied)) return clone(applied);
      const out = clone(live);
      for (const [key, v] of Object.entries(applied)) {
        const prop = own(node.props, key);
        out[key] = prop ? merge(nodeOf(prop), out[key], v) : clone(v);
      }
      return out;
    }
    case 'map':
      return isObject(live) && isObject(applied) ? Object.assign(newObject(), clone(live), clone(applied)) : clone(applied);
    case 'listMap': {
      if (!Array.isArray(live) || !Array.isArray(applied)) return clone(applied);
      const out = clone(live);
      for (const item of applied) {
        const key = itemKey(item, node.keys);
        const i = out.findIndex((x) => itemKey(x, node.keys) === key);
        if (i >= 0) out[i] = merge(node.item, out[i], item);
        else out.push(clone(item));
      }
      return out;
    }
    case 'set':
      return Array.isArray(live) && Array.isArray(applied) ? [...clone(live), ...applied.filter((v) => !live.some((x) => deepEqual(x, v)))] : clone(applied);
    case 'atomic':
      return clone(applied);
  }
}

/**
 * The object a server-side apply by `manager` makes of the live one (undefined: it is created),
 * with the manager's managedFields entry set to what this apply sets.
 */
export function serverSideApply(kind: ServedKind, live: JsonObject | undefined, applied: JsonObject, manager: string, apiVersion: string, now: string): JsonObject {
  const fields = appliedFields(kind, applied);
  const entries = ((isObject(live?.metadata) ? live.metadata.managedFields : undefined) ?? []) as ManagedFieldsEntry[];
  const isMine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Apply' && !e.subresource;
  const base: JsonObject = live ? clone(live) : newObject();
  const previous = entries.find(isMine)?.fieldsV1;
  if (previous) {
    const others = entries.filter((e) => !isMine(e) && e.operation === 'Apply').reduce<FieldSet | undefined>((acc, e) => union(acc, e.fieldsV1), undefined);
    removeStale(base, previous, union(fields, others));
  }
  const top: Node = { k: 'struct', props: COMPONENTS[KIND_COMPONENTS[kind]]!.props! };
  const merged = merge(top, base, applied) as JsonObject;
  const metadata = (isObject(merged.metadata) ? merged.metadata : (merged.metadata = newObject())) as JsonObject;
  const entry: ManagedFieldsEntry = { manager, operation: 'Apply', apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: fields };
  const mine = entries.findIndex(isMine);
  const next = [...entries];
  if (mine >= 0) next[mine] = entry;
  else next.push(entry);
  metadata.managedFields = next as unknown as JsonValue;
  return merged;
}
