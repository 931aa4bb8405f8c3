import { deepEqual, isObject, parseJSON, type JsonValue } from './json-value.js';
import type { FieldSet } from './apply.js';

/**
 * Field sets as structured-merge-diff's fieldpath.Set, over the FieldsV1 trie: a path is a member
 * when its node is a leaf (`{}`) or carries `.`. The set operations work on member paths, which
 * is all upstream's ownership rules need (union, intersection, difference).
 */
export type Members = Set<string>;

const SEP = '\u0000';

export function membersOf(set: FieldSet | undefined): Members {
  const out: Members = new Set();
  const walk = (node: FieldSet, path: string[]) => {
    const keys = Object.keys(node);
    if (path.length && (keys.length === 0 || Object.prototype.hasOwnProperty.call(node, '.'))) out.add(path.join(SEP));
    for (const k of keys) if (k !== '.' && isObject(node[k] as unknown as JsonValue)) walk(node[k]!, [...path, k]);
  };
  if (set) walk(set, []);
  return out;
}

/** Back to FieldsV1: a member with children gets `.`, as SMD serializes it. */
export function toFieldSet(members: Members): FieldSet {
  const root: FieldSet = Object.create(null) as FieldSet;
  const paths = [...members].map((m) => m.split(SEP));
  for (const path of paths) {
    let node = root;
    for (const el of path) {
      if (!Object.prototype.hasOwnProperty.call(node, el)) node[el] = Object.create(null) as FieldSet;
      node = node[el]!;
    }
  }
  for (const path of paths) {
    let node = root;
    for (const el of path) node = node[el]!;
    if (Object.keys(node).length) node['.'] = Object.create(null) as FieldSet;
  }
  return plain(root);
}

/** Null-prototype tries become plain objects again, keys sorted as SMD writes them. */
function plain(node: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const k of Object.keys(node).sort()) Object.defineProperty(out, k, { value: plain(node[k]!), enumerable: true, writable: true, configurable: true });
  return out;
}

export const union = (a: Members, b: Members): Members => new Set([...a, ...b]);
export const intersection = (a: Members, b: Members): Members => new Set([...a].filter((m) => b.has(m)));
export const difference = (a: Members, b: Members): Members => new Set([...a].filter((m) => !b.has(m)));

/** fieldpath.Path.String(): `.spec.ports[port=80,protocol="TCP"].targetPort`, `[=value]` for set items. */
export function pathString(member: string): string {
  return member
    .split(SEP)
    .map((el) => {
      if (el.startsWith('f:')) return `.${el.slice(2)}`;
      if (el.startsWith('k:')) {
        // Stored managedFields may have been written by a client: a key that is no JSON object prints as it is.
        let key: JsonValue;
        try {
          key = parseJSON(el.slice(2));
        } catch {
          return el;
        }
        if (!isObject(key)) return el;
        const fields = key;
        return `[${Object.keys(fields)
          .sort()
          .map((k) => `${k}=${JSON.stringify(fields[k])}`)
          .join(',')}]`;
      }
      if (el.startsWith('v:')) return `[=${el.slice(2)}]`;
      if (el.startsWith('i:')) return `[${el.slice(2)}]`;
      return el;
    })
    .join('');
}

/** What changed between two objects: members modified or added, and members removed. */
interface Comparison {
  changed: Members;
  removed: Members;
}

/** One child of a value in the schema walk: a field, map key, list-map item or set value. */
export interface Child {
  element: string;
  value: JsonValue;
  walker: Walker;
  /** Whether the child's own path is a member when it appears or goes (structs are not, as upstream records them). */
  member: boolean;
}

/** The schema walk the comparison needs, supplied by apply.ts (which owns the schema nodes). */
export interface Walker {
  /** The children of a value; undefined for an atomic value (compared whole). */
  children(value: JsonValue): Child[] | undefined;
}

/**
 * typed.Comparison of two objects: what is modified or added (changed), and what is removed,
 * as member paths.
 */
export function compare(walker: Walker, oldValue: JsonValue | undefined, newValue: JsonValue | undefined): Comparison {
  const out: Comparison = { changed: new Set(), removed: new Set() };
  walk(walker, oldValue, newValue, [], false, out);
  return out;
}

function walk(walker: Walker, oldValue: JsonValue | undefined, newValue: JsonValue | undefined, path: string[], member: boolean, out: Comparison): void {
  if (oldValue === undefined && newValue === undefined) return;
  const here = path.join(SEP);
  if (oldValue === undefined || newValue === undefined) {
    const target = oldValue === undefined ? out.changed : out.removed;
    const value = (oldValue ?? newValue)!;
    const kids = walker.children(value);
    if (member || !kids) target.add(here);
    for (const c of kids ?? []) walk(c.walker, oldValue === undefined ? undefined : c.value, oldValue === undefined ? c.value : undefined, [...path, c.element], c.member, out);
    return;
  }
  const oldKids = walker.children(oldValue);
  const newKids = walker.children(newValue);
  if (!oldKids || !newKids) {
    if (!deepEqual(oldValue, newValue)) out.changed.add(here);
    return;
  }
  const before = new Map(oldKids.map((c) => [c.element, c]));
  const after = new Map(newKids.map((c) => [c.element, c]));
  for (const [el, c] of after) walk(c.walker, before.get(el)?.value, c.value, [...path, el], c.member, out);
  for (const [el, c] of before) if (!after.has(el)) walk(c.walker, c.value, undefined, [...path, el], c.member, out);
}

