import { clone, goFormat, goType, has, isObject, newObject, own, PatchError, type JsonObject, type JsonValue } from './json-value.js';
import { OPAQUE, type PatchSchema } from './strategic-schema.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

// The sentinel errors upstream's patch handler turns into 400 or 422; all others become 500.
const badPrimitiveList = () => new PatchError(400, 'invalid patch format of primitive list');
const badRetainKeys = () => new PatchError(400, 'invalid patch format of retainKeys');
const badSetElementOrder = () => new PatchError(400, 'invalid patch format of setElementOrder list');
const noListOfLists = () => new PatchError(422, 'lists of lists are not supported');
// Errors upstream does not classify (a 500 there, kubernetes issue 79210): the patch is at fault, so a 400.
const unclassified = (message: string) => new PatchError(400, message);
const badArgType = (expected: string, actual: JsonValue | undefined) => unclassified(`expected a ${expected}, but received a ${goType(actual)}`);
const noMergeKey = (m: JsonObject, key: string) => unclassified(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);

/**
 * Applies a strategic merge patch (application/strategic-merge-patch+json) to an object, as
 * apimachinery's StrategicMergeMapPatch does for a built-in type: maps merge and null deletes
 * a key; lists with the merge strategy merge by their merge key (or as a set of primitives),
 * other lists are replaced; `$patch: replace|delete`, `$setElementOrder/<list>`,
 * `$deleteFromPrimitiveList/<list>` and `$retainKeys` are honoured. Inputs are not modified.
 */
export function applyStrategicMergePatch(original: JsonValue, patch: JsonValue, schema: PatchSchema): JsonObject {
  // A JSON null decodes to an empty patch map upstream.
  if (patch === null) return isObject(original) ? clone(original) : newObject();
  if (!isObject(patch)) {
    const kind = Array.isArray(patch) ? 'array' : typeof patch;
    throw new PatchError(400, `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
  }
  return mergeMap(isObject(original) ? clone(original) : newObject(), clone(patch), schema);
}

interface Lookup {
  schema: PatchSchema;
  strategy: string;
  mergeKey: string;
}

function lookup(schema: PatchSchema, key: string): Lookup {
  const meta = own(schema.fields, key);
  return { schema: meta?.schema ?? OPAQUE, strategy: otherStrategy(meta?.strategies ?? []), mergeKey: meta?.mergeKey ?? '' };
}

/** The strategy besides retainKeys (which only matters to clients computing patches). */
function otherStrategy(strategies: readonly string[]): string {
  if (strategies.length > 2 || (strategies.length === 2 && !strategies.includes('retainKeys'))) {
    throw unclassified(`unexpected patch strategy: [${strategies.join(' ')}]`);
  }
  return strategies.find((s) => s !== 'retainKeys') ?? '';
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema): JsonObject {
  if (has(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (directive === 'delete') return newObject();
    throw unclassified(`unknown patch type: ${goFormat(directive)} in map: ${goFormat(patch)}`);
  }
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema);

  for (const [rawKey, patchV] of Object.entries(patch)) {
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      key = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete original[key];
      continue;
    }
    if (!has(original, key) || goType(original[key]) !== goType(patchV)) {
      if (!isDeleteList) setWithoutDirectives(original, key, patchV);
      continue;
    }
    const orig = original[key]!;
    if (isObject(orig)) {
      const meta = lookup(schema, key);
      original[key] = meta.strategy === 'replace' ? patchV : mergeMap(orig, patchV as JsonObject, meta.schema);
    } else if (Array.isArray(orig)) {
      const meta = lookup(schema, key);
      original[key] = mergeSliceHandler(orig, patchV, meta, isDeleteList);
    } else {
      setWithoutDirectives(original, key, patchV);
    }
  }
  return original;
}

/** Takes a patch value for a key the original lacks (or holds with another type). */
function setWithoutDirectives(target: JsonObject, key: string, value: JsonValue): void {
  discardNulls(value);
  const [v, keep] = removeDirectives(value);
  if (keep) target[key] = v;
  else delete target[key];
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw prefix === DELETE_FROM_PRIMITIVE_LIST ? badPrimitiveList() : badSetElementOrder();
  }
  return key.slice(slash + 1);
}

/** `$retainKeys: [...]`: drop original keys not listed; every key the patch sets must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!has(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRetainKeys();
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw badRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `$setElementOrder/<list>`: merge that list now and put its items in the given order. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: PatchSchema): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const key = extractKey(directiveKey, SET_ELEMENT_ORDER);

    const foundOriginal = has(original, key);
    const foundPatch = has(patch, key);
    const originalList = foundOriginal ? asList(original[key]) : [];
    const patchList = foundPatch ? asList(patch[key]) : [];
    const meta = lookup(schema, key);
    validateSetElementOrder(patchList, order, meta.mergeKey);

    let merged: JsonValue[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) merged = removeDirectives(patchList)[0] as JsonValue[];
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalList, patchList, meta, false);
    else continue;

    const [inOrder, serverOnly] = partition(merged, order, meta.mergeKey);
    const kind = elementType([originalList, patchList]);
    original[key] = normalizeElementOrder(inOrder, serverOnly, order, originalList, meta.mergeKey, kind);
    delete patch[key];
  }
}

function asList(v: JsonValue | undefined): JsonValue[] {
  if (!Array.isArray(v)) throw badArgType('[]interface {}', v);
  return v;
}

/** The items of the patch list (deletions aside) must appear in the order list, in the same order. */
function validateSetElementOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? splitDeletes(patchList)[0] : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    if (isObject(items[p]) && has(items[p] as JsonObject, DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameByKey(items[p]!, order[o]!, mergeKey)) p++;
    o++;
  }
  if (p < items.length && o >= order.length) {
    throw unclassified(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`);
  }
}

function sameByKey(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (!mergeKey) return left === right;
  if (!isObject(left)) throw badArgType('map[string]interface {}', left);
  if (!isObject(right)) throw badArgType('map[string]interface {}', right);
  if (!has(left, mergeKey)) throw noMergeKey(left, mergeKey);
  if (!has(right, mergeKey)) throw noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

function mergeSliceHandler(original: JsonValue[], patch: JsonValue, meta: Lookup, isDeleteList: boolean): JsonValue[] {
  if (!Array.isArray(patch)) throw badArgType('[]interface {}', patch);
  if (meta.strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, meta.schema, meta.mergeKey, isDeleteList);
  return patch;
}

type ElementKind = 'map' | 'scalar';

function mergeSlice(original: JsonValue[], patch: JsonValue[], schema: PatchSchema, mergeKey: string, isDeleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementType([original, patch]);
  let merged: JsonValue[];
  if (kind === 'scalar') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = dedupeScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw unclassified(`cannot merge lists without merge key for ${schema.name}`);
    [original, patch] = applyListDirectives(original, patch, mergeKey);
    merged = mergeByKey([...original], patch, mergeKey, schema);
  }
  const [inPatch, serverOnly] = partition(merged, patch, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, patch, original, mergeKey, kind);
}

/** Element type of the lists' items, which must all share one Go type. */
function elementType(lists: JsonValue[][]): ElementKind {
  let first: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = goType(v);
      if (first === undefined) {
        first = t;
        if (Array.isArray(v)) throw noListOfLists();
      } else if (t !== first) {
        throw unclassified(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (first === undefined) throw unclassified('no elements in any of the given slices');
  return first === 'map[string]interface {}' ? 'map' : 'scalar';
}

/** `{$patch: delete, <key>: v}` removes matching items; `{$patch: replace}` makes the patch items the whole list. */
function applyListDirectives(original: JsonValue[], patch: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const plain: JsonValue[] = [];
  let replace = false;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!has(item, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    switch (item[DIRECTIVE]) {
      case 'delete':
        if (!has(item, mergeKey)) throw noMergeKey(item, mergeKey);
        original = original.filter((o) => !(isObject(o) && has(o, mergeKey) && o[mergeKey] === item[mergeKey]));
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw unclassified('merging lists cannot yet be specified in the patch');
      default:
        throw unclassified(`unknown patch type: ${goFormat(item[DIRECTIVE])} in map: ${goFormat(item)}`);
    }
  }
  return replace ? [plain, []] : [original, plain];
}

function mergeByKey(original: JsonValue[], patch: JsonValue[], mergeKey: string, schema: PatchSchema): JsonValue[] {
  for (const v of patch) {
    const item = v as JsonObject;
    if (!has(item, mergeKey)) throw noMergeKey(item, mergeKey);
    const at = findByKey(original, mergeKey, item[mergeKey]!);
    if (at >= 0) original[at] = mergeMap(original[at] as JsonObject, item, schema);
    else original.push(v);
  }
  return original;
}

function findByKey(list: JsonValue[], mergeKey: string, value: JsonValue): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isObject(item)) throw unclassified(`value for key ${i} is not a map`);
    if (has(item, mergeKey) && item[mergeKey] === value) return i;
  }
  return -1;
}

/** Splits items into those present in `by` and the rest (server-only), keeping their order. */
function partition(items: JsonValue[], by: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  const present: JsonValue[] = [];
  const rest: JsonValue[] = [];
  for (const v of items) {
    let found: boolean;
    if (!mergeKey) {
      found = by.includes(v);
    } else {
      if (!isObject(v)) throw badArgType('map[string]interface {}', v);
      if (!has(v, mergeKey)) throw noMergeKey(v, mergeKey);
      found = findByKey(by, mergeKey, v[mergeKey]!) >= 0;
    }
    (found ? present : rest).push(v);
  }
  return [present, rest];
}

/**
 * Orders patch items by the patch (or $setElementOrder) order and server-only items by the live
 * order, then interleaves them so both relative orders hold.
 */
function normalizeElementOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: ElementKind,
): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, mergeKey, kind);
      const ri = indexIn(serverOrder, right[j]!, mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

function sortByOrder(items: JsonValue[], order: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  let toSort = items;
  let deletes: JsonValue[] = [];
  if (kind === 'map') {
    for (const list of [items, order]) {
      for (const v of list) {
        if (!isObject(v)) throw badArgType('map[string]interface {}', v);
        if (!has(v, mergeKey)) throw noMergeKey(v, mergeKey);
      }
    }
    [toSort, deletes] = splitDeletes(items);
  }
  // Insertion sort with upstream's "less" (items missing from the order sort first), which is
  // what Go's stable sort does for lists of this size.
  const less = (a: JsonValue, b: JsonValue) => {
    const ia = indexIn(order, a, mergeKey, kind);
    const ib = indexIn(order, b, mergeKey, kind);
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  };
  const out = [...toSort];
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j]!, out[j - 1]!); j--) [out[j], out[j - 1]] = [out[j - 1]!, out[j]!];
  }
  return [...out, ...deletes];
}

function indexIn(list: JsonValue[], v: JsonValue, mergeKey: string, kind: ElementKind): number {
  const keyOf = (x: JsonValue) => (kind === 'map' ? (isObject(x) ? x[mergeKey] : undefined) : x);
  const want = keyOf(v);
  return list.findIndex((x) => keyOf(x) === want);
}

function splitDeletes(list: JsonValue[]): [JsonValue[], JsonValue[]] {
  const keep: JsonValue[] = [];
  const deletes: JsonValue[] = [];
  for (const v of list) {
    if (!isObject(v)) throw badArgType('map[string]interface {}', v);
    (v[DIRECTIVE] === 'delete' ? deletes : keep).push(v);
  }
  return [keep, deletes];
}

/** Removes duplicates the way upstream does (the last item fills a removed slot). */
function dedupeScalars(s: JsonValue[]): JsonValue[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length]!;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

/**
 * Drops values that carry a `$patch` directive; returns [value, keep]. In place and without
 * recursion: a patch value may nest thousands deep.
 */
function removeDirectives(v: JsonValue): [JsonValue, boolean] {
  if (isObject(v) && has(v, DIRECTIVE)) return [null, false];
  const work: JsonValue[] = [v];
  for (let x = work.pop(); x !== undefined; x = work.pop()) {
    const dropped = (item: JsonValue) => isObject(item) && has(item, DIRECTIVE);
    if (Array.isArray(x)) {
      let kept = 0;
      for (const item of x) if (!dropped(item)) x[kept++] = item;
      x.length = kept;
      for (const item of x) if (typeof item === 'object') work.push(item);
    } else if (isObject(x)) {
      for (const [k, item] of Object.entries(x)) {
        if (dropped(item)) delete x[k];
        else if (typeof item === 'object') work.push(item);
      }
    }
  }
  return [v, true];
}

/** Deletes null values of objects at every depth (list items stay), without recursion. */
function discardNulls(v: JsonValue): void {
  const work: JsonValue[] = [v];
  for (let x = work.pop(); x !== undefined; x = work.pop()) {
    if (Array.isArray(x)) {
      for (const item of x) if (typeof item === 'object' && item !== null) work.push(item);
    } else if (isObject(x)) {
      for (const [k, item] of Object.entries(x)) {
        if (item === null) delete x[k];
        else if (typeof item === 'object') work.push(item);
      }
    }
  }
}
