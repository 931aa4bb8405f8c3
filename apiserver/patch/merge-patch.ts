import { clone, isObject, PatchError, type JsonObject, type JsonValue } from './json-value.js';

/**
 * RFC 7386 JSON merge patch (application/merge-patch+json), as the apiserver applies it:
 * objects merge recursively, null deletes a key, anything else replaces. Nulls inside newly
 * added values are pruned. Inputs are not modified.
 */
export function applyMergePatch(original: JsonValue, patch: JsonValue): JsonValue {
  // A patch that is not an object replaces the document; only an array can (upstream's merge code).
  if (Array.isArray(patch)) return prune(clone(patch));
  if (!isObject(patch)) throw new PatchError(400, 'Invalid JSON Patch');
  const doc = isObject(original) ? clone(original) : {};
  mergeInto(doc, patch);
  return doc;
}

function mergeInto(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
    } else if (isObject(v) && isObject(doc[k])) {
      mergeInto(doc[k], v);
    } else {
      doc[k] = prune(clone(v));
    }
  }
}

function prune(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.filter((x) => x !== null).map(prune);
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (x === null) delete v[k];
      else v[k] = prune(x);
    }
  }
  return v;
}
