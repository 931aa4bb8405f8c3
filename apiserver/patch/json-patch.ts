import { clone, deepEqual, has, isObject, PatchError, type JsonObject, type JsonValue } from './json-value.js';

/** Upstream caps a JSON patch at this many operations (413 beyond it). */
const MAX_JSON_PATCH_OPERATIONS = 10000;

type Container = JsonObject | JsonValue[];

/**
 * RFC 6902 JSON patch (application/json-patch+json) with the semantics and messages of the
 * json-patch library the apiserver uses: add, remove, replace, move, copy, test. A malformed
 * patch is a 400; an operation that does not apply is a 422. Inputs are not modified.
 */
export function applyJSONPatch(original: JsonValue, patch: JsonValue): JsonValue {
  if (!Array.isArray(patch)) {
    const kind = patch === null ? 'null' : isObject(patch) ? 'object' : typeof patch;
    throw new PatchError(400, `json: cannot unmarshal ${kind} into Go value of type jsonpatch.Patch`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(413, `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  const ops = patch.map((op) => {
    if (!isObject(op)) throw new PatchError(400, `json: cannot unmarshal ${Array.isArray(op) ? 'array' : typeof op} into Go value of type jsonpatch.Operation`);
    return op;
  });
  const doc = { root: clone(original) };
  for (const op of ops) applyOne(doc, op);
  return doc.root;
}

function applyOne(doc: { root: JsonValue }, op: JsonObject): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': {
      const path = pathOf(op, 'path', 'add operation failed to decode path');
      const at = locate(doc.root, path);
      if (!at) throw unprocessable(`add operation does not apply: doc is missing path: "${path}": missing value`);
      wrap(() => add(at.con, at.key, valueOf(op)), `error in add for path: '${path}'`);
      return;
    }
    case 'remove': {
      const path = pathOf(op, 'path', 'remove operation failed to decode path');
      const at = locate(doc.root, path);
      if (!at) throw unprocessable(`remove operation does not apply: doc is missing path: "${path}": missing value`);
      wrap(() => remove(at.con, at.key), `error in remove for path: '${path}'`);
      return;
    }
    case 'replace': {
      const path = pathOf(op, 'path', 'replace operation failed to decode path');
      const at = locate(doc.root, path);
      if (!at) throw unprocessable(`replace operation does not apply: doc is missing path: ${path}: missing value`);
      if (isObject(at.con) && !has(at.con, at.key)) {
        throw unprocessable(`replace operation does not apply: doc is missing key: ${path}: missing value`);
      }
      wrap(() => replace(at.con, at.key, valueOf(op)), `error in remove for path: '${path}'`);
      return;
    }
    case 'move': {
      const from = pathOf(op, 'from', 'move operation failed to decode from');
      const src = locate(doc.root, from);
      if (!src) throw unprocessable(`move operation does not apply: doc is missing from path: ${from}: missing value`);
      const val = wrap(() => get(src.con, src.key), `error in move for path: '${src.key}'`);
      wrap(() => remove(src.con, src.key), `error in move for path: '${src.key}'`);
      const path = pathOf(op, 'path', 'move operation failed to decode path');
      const dst = locate(doc.root, path);
      if (!dst) throw unprocessable(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
      wrap(() => add(dst.con, dst.key, val), `error in move for path: '${path}'`);
      return;
    }
    case 'copy': {
      const from = pathOf(op, 'from', 'copy operation failed to decode from');
      const src = locate(doc.root, from);
      if (!src) throw unprocessable(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
      const val = wrap(() => get(src.con, src.key), `error in copy for from: '${from}'`);
      const path = pathOf(op, 'path', 'copy operation failed to decode path');
      const dst = locate(doc.root, path);
      if (!dst) throw unprocessable(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
      wrap(() => add(dst.con, dst.key, clone(val)), 'error while adding value during copy');
      return;
    }
    case 'test': {
      const path = pathOf(op, 'path', 'test operation failed to decode path');
      const at = locate(doc.root, path);
      if (!at) throw unprocessable(`test operation does not apply: is missing path: ${path}: missing value`);
      let actual: JsonValue | undefined;
      try {
        actual = get(at.con, at.key);
      } catch {
        actual = undefined;
      }
      const expected = has(op, 'value') ? op.value : undefined;
      const bothAbsent = (actual === undefined || actual === null) && (expected === undefined || expected === null);
      if (!bothAbsent && !deepEqual(actual, expected)) throw unprocessable(`testing value ${path} failed: test failed`);
      return;
    }
    default:
      throw unprocessable(`Unexpected kind: ${kind}`);
  }
}

function pathOf(op: JsonObject, field: 'path' | 'from', context: string): string {
  const v = op[field];
  if (v === undefined || v === null) {
    throw unprocessable(`${context}: ${field === 'path' ? 'operation missing path field' : 'operation, missing from field'}: missing value`);
  }
  if (typeof v !== 'string') throw unprocessable(`${context}: json: cannot unmarshal ${typeof v} into Go value of type string`);
  return v;
}

function valueOf(op: JsonObject): JsonValue {
  return has(op, 'value') ? clone(op.value!) : null;
}

/** The container holding the last path segment, and that segment (RFC 6901 unescaped). */
function locate(root: JsonValue, path: string): { con: Container; key: string } | undefined {
  const parts = path.split('/');
  if (parts.length < 2) return undefined;
  let cur: JsonValue | undefined = root;
  for (const raw of parts.slice(1, -1)) {
    const key = unescape(raw);
    if (Array.isArray(cur)) {
      const i = Number(key);
      cur = /^\d+$/.test(key) && i < cur.length ? cur[i] : undefined;
    } else if (isObject(cur)) {
      cur = has(cur, key) ? cur[key] : undefined;
    } else {
      return undefined;
    }
  }
  if (!Array.isArray(cur) && !isObject(cur)) return undefined;
  return { con: cur, key: unescape(parts[parts.length - 1]!) };
}

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

function index(key: string, len: number, allowEnd: boolean): number {
  if (!/^-?\d+$/.test(key)) throw unprocessable(`value was not a proper array index: '${key}': strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  let i = Number(key);
  if (i < 0) {
    if (i < -len) throw invalidIndex(i);
    i += len;
  }
  if (allowEnd ? i > len : i >= len) throw invalidIndex(i);
  return i;
}

function get(con: Container, key: string): JsonValue {
  if (Array.isArray(con)) return con[index(key, con.length, false)]!;
  if (!has(con, key)) throw unprocessable(`Unable to get nonexistent key: ${key}: missing value`);
  return con[key]!;
}

function add(con: Container, key: string, value: JsonValue): void {
  if (Array.isArray(con)) {
    if (key === '-') con.push(value);
    else con.splice(index(key, con.length, true), 0, value);
  } else {
    con[key] = value;
  }
}

function remove(con: Container, key: string): void {
  if (Array.isArray(con)) {
    con.splice(index(key, con.length, false), 1);
  } else {
    if (!has(con, key)) throw unprocessable(`Unable to remove nonexistent key: ${key}: missing value`);
    delete con[key];
  }
}

function replace(con: Container, key: string, value: JsonValue): void {
  if (Array.isArray(con)) con[index(key, con.length, false)] = value;
  else con[key] = value;
}

function invalidIndex(i: number): PatchError {
  return unprocessable(`Unable to access invalid index: ${i}: invalid index referenced`);
}

const unprocessable = (message: string) => new PatchError(422, message);

function wrap<T>(fn: () => T, context: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PatchError) throw new PatchError(e.code, `${context}: ${e.message}`);
    throw e;
  }
}
