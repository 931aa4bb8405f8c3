import { COMPONENTS, KIND_COMPONENTS, type Prop, type ServedKind } from '../openapi/schemas.js';
import { StatusError } from '../errors/status.js';
import { compare, difference, intersection, membersOf, pathString, toFieldSet, union as unionMembers, type Child, type Members, type Walker } from './field-sets.js';
import { clone, deepEqual, has, isObject, newObject, own, parseJSON, stringify, type JsonObject, type JsonValue } from './json-value.js';

/**
 * Server-side apply and field ownership, as structured-merge-diff does them for these kinds: the
 * applied configuration is merged into the live object along the schema (structs and maps field
 * by field, list-maps by their keys, sets as sets, atomic values replaced); what the same manager
 * applied last time but applies no more is removed, unless another manager still owns it. Every
 * write records its manager in managedFields: Apply entries own what they applied, Update
 * entries (create, update, non-apply patches) own what they changed. An apply that would change
 * a field another manager owns is a conflict (409) unless forced, and then takes the field over.
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
 * with the manager's managedFields entry set to what this apply sets. A change to a field that
 * another manager owns is a conflict, unless `force` hands the field to this manager.
 */
export function serverSideApply(kind: ServedKind, live: JsonObject | undefined, applied: JsonObject, manager: string, apiVersion: string, now: string, force = false): JsonObject {
  const fields = appliedFields(kind, applied);
  const entries = managedEntries(live);
  const isMine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Apply' && !e.subresource;
  const base: JsonObject = live ? clone(live) : newObject();
  const previous = entries.find(isMine)?.fieldsV1;
  if (previous) {
    // Pruning keeps what any other manager owns, Update managers included (addBackOwnedItems).
    const others = entries.filter((e) => !isMine(e)).reduce<FieldSet | undefined>((acc, e) => union(acc, e.fieldsV1), undefined);
    removeStale(base, previous, union(fields, others));
  }
  const top: Node = { k: 'struct', props: COMPONENTS[KIND_COMPONENTS[kind]]!.props! };
  const merged = merge(top, base, applied) as JsonObject;
  const change = compare(objectWalker(kind), live, merged);
  const conflicts: { manager: ManagedFieldsEntry; paths: Members }[] = [];
  for (const e of entries) {
    if (isMine(e)) continue;
    const paths = intersection(membersOf(e.fieldsV1), change.changed);
    if (paths.size) conflicts.push({ manager: e, paths });
  }
  if (conflicts.length && !force) throw applyConflict(conflicts);
  const next: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    if (isMine(e)) continue;
    const kept = difference(difference(membersOf(e.fieldsV1), change.changed), change.removed);
    if (kept.size) next.push({ ...e, fieldsV1: toFieldSet(kept) });
  }
  // An apply that changes nothing keeps its entry's time (upstream ignores managedFields
  // timestamps when the rest is equal), so it writes nothing and the resourceVersion stays.
  const mineBefore = entries.find(isMine);
  const unchanged = mineBefore && change.changed.size === 0 && change.removed.size === 0 && deepEqual(mineBefore.fieldsV1 as unknown as JsonValue, fields as unknown as JsonValue);
  next.push({ manager, operation: 'Apply', apiVersion, time: unchanged ? (mineBefore.time ?? now) : now, fieldsType: 'FieldsV1', fieldsV1: fields });
  const metadata = (isObject(merged.metadata) ? merged.metadata : (merged.metadata = newObject())) as JsonObject;
  metadata.managedFields = sortEntries(next) as unknown as JsonValue;
  return merged;
}

/**
 * The managedFields of a create, update or non-apply patch by `manager` (operation Update), as
 * upstream's Updater.Update: the manager takes what changed (nobody else owns it any more), and
 * gives up what was removed. `next` gets the entries; an unchanged object keeps them as they were.
 */
export function recordUpdate(kind: ServedKind, old: JsonObject | undefined, next: JsonObject, manager: string, apiVersion: string, now: string, subresource?: string): void {
  const entries = managedEntries(old);
  const change = compare(objectWalker(kind, subresource), old, next);
  const metadata = (isObject(next.metadata) ? next.metadata : (next.metadata = newObject())) as JsonObject;
  if (change.changed.size === 0 && change.removed.size === 0) {
    if (entries.length) metadata.managedFields = entries as unknown as JsonValue;
    else delete metadata.managedFields;
    return;
  }
  const isMine = (e: ManagedFieldsEntry) => e.manager === manager && e.operation === 'Update' && e.apiVersion === apiVersion && (e.subresource ?? '') === (subresource ?? '');
  const out: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    if (isMine(e)) continue;
    const kept = difference(difference(membersOf(e.fieldsV1), change.changed), change.removed);
    if (kept.size) out.push({ ...e, fieldsV1: toFieldSet(kept) });
  }
  const mine = difference(unionMembers(membersOf(entries.find(isMine)?.fieldsV1), change.changed), change.removed);
  if (mine.size) out.push({ manager, operation: 'Update', apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: toFieldSet(mine), ...(subresource ? { subresource } : {}) });
  if (out.length) metadata.managedFields = sortEntries(out) as unknown as JsonValue;
  else delete metadata.managedFields;
}

/**
 * The manager of a write that names none: the user agent up to its first `/`, printable
 * characters only, at most 128 bytes (upstream's prefixFromUserAgent), e.g. `kubectl`.
 */
export function managerFromUserAgent(userAgent: string | undefined): string {
  let out = '';
  for (const ch of (userAgent ?? '').split('/')[0]!) {
    if (!/\p{L}|\p{M}|\p{N}|\p{P}|\p{S}|\p{Zs}/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > 128) break;
    out += ch;
  }
  return out;
}

function managedEntries(obj: JsonObject | undefined): ManagedFieldsEntry[] {
  const list = isObject(obj?.metadata) ? obj.metadata.managedFields : undefined;
  return Array.isArray(list) ? (list.filter(isObject) as unknown as ManagedFieldsEntry[]) : [];
}

/** Upstream's sortEncodedManagedFields: by operation, time (seconds), manager, apiVersion, subresource. */
function sortEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  const seconds = (e: ManagedFieldsEntry) => {
    const ms = e.time ? Date.parse(e.time) : NaN;
    return Number.isFinite(ms) ? Math.floor(ms / 1000) : 0;
  };
  const by = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  return [...entries].sort(
    (p, q) => by(p.operation, q.operation) || seconds(p) - seconds(q) || by(p.manager, q.manager) || by(p.apiVersion, q.apiVersion) || by(p.subresource, q.subresource),
  );
}

/** printManager: Apply managers by name, Update managers with their version (the identifier has no time). */
function printManager(e: ManagedFieldsEntry): string {
  let out = JSON.stringify(e.manager ?? '');
  if (e.subresource) out += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') out += ` using ${e.apiVersion ?? ''}`;
  return out;
}

/** NewConflictError: 409 Conflict, one cause per path, upstream's message for one or many. */
function applyConflict(conflicts: { manager: ManagedFieldsEntry; paths: Members }[]): StatusError {
  const flat = conflicts.flatMap((c) => [...c.paths].map((p) => ({ manager: printManager(c.manager), path: pathString(p) })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  let message: string;
  if (flat.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${flat[0]!.manager}: ${flat[0]!.path}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of flat) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
    const lines = [...byManager.keys()].sort().flatMap((m) => [`conflicts with ${m}:`, ...byManager.get(m)!.map((p) => `- ${p}`)]);
    message = `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Conflict',
    details: { causes: flat.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.path })) },
    code: 409,
  });
}

/**
 * The schema walk of field ownership: what the apiserver keeps for itself is nobody's. Writes
 * to the status subresource own status fields only; writes to the object never do.
 */
function objectWalker(kind: ServedKind, subresource?: string): Walker {
  const props = COMPONENTS[KIND_COMPONENTS[kind]]!.props!;
  const counts = (key: string) => (subresource === 'status' ? key === 'status' : !RESET_FIELDS.has(key));
  return {
    children(value) {
      if (!isObject(value)) return undefined;
      const out: Child[] = [];
      for (const key of Object.keys(value)) {
        const prop = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
        if (!prop || !counts(key)) continue;
        let walker = walkerOf(nodeOf(prop));
        if (key === 'metadata') {
          const inner = walker;
          walker = { children: (v) => inner.children(v)?.filter((c) => !SYSTEM_METADATA.has(c.element.slice(2))) };
        }
        out.push({ element: `f:${key}`, value: value[key]!, walker, member: false });
      }
      return out;
    },
  };
}

const ATOMIC_WALKER: Walker = { children: () => undefined };

function walkerOf(node: Node): Walker {
  switch (node.k) {
    case 'struct':
      return {
        children: (value) => {
          if (!isObject(value)) return undefined;
          const out: Child[] = [];
          for (const key of Object.keys(value)) {
            const prop = Object.prototype.hasOwnProperty.call(node.props, key) ? node.props[key] : undefined;
            if (prop) out.push({ element: `f:${key}`, value: value[key]!, walker: walkerOf(nodeOf(prop)), member: !isStruct(prop) });
          }
          return out;
        },
      };
    case 'map':
      return { children: (value) => (isObject(value) ? Object.keys(value).map((k) => ({ element: `f:${k}`, value: value[k]!, walker: ATOMIC_WALKER, member: true })) : undefined) };
    case 'listMap':
      return { children: (value) => (Array.isArray(value) ? value.map((item) => ({ element: itemKey(item, node.keys), value: item, walker: walkerOf(node.item), member: true })) : undefined) };
    case 'set':
      return { children: (value) => (Array.isArray(value) ? value.map((v) => ({ element: `v:${JSON.stringify(v)}`, value: v, walker: ATOMIC_WALKER, member: true })) : undefined) };
    case 'atomic':
      return ATOMIC_WALKER;
  }
}

/** A non-pointer struct always exists in Go, so it is never added or removed itself: never a member. */
function isStruct(prop: Prop): boolean {
  return prop.t === 'ref' && !!prop.struct;
}
