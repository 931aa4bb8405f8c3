import { clone, isObject, newObject, PatchError, type JsonObject, type JsonValue } from './json-value.js';

/**
 * RFC 7386 JSON merge patch (application/merge-patch+json), as the apiserver applies it:
 * objects merge recursively, null deletes a key, anything else replaces. Nulls inside newly
 * added values are pruned. Inputs are not modified.
 */
export function applyMergePatch(original: JsonValue, patch: JsonValue): JsonValue {
  // A patch that is not an object replaces the document; only an array can (upstream's merge code).
  if (Array.isArray(patch)) return prune(clone(patch));
  if (!isObject(patch)) throw new PatchError(400, 'Invalid JSON Patch');
  const doc = isObject(original) ? clone(original) : newObject();
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

/** Drops nulls from objects and arrays at every depth, in place and without recursion. */
function prune(v: JsonValue): JsonValue {
  const work: JsonValue[] = [v];
  for (let x = work.pop(); x !== undefined; x = work.pop()) {
    if (Array.isArray(x)) {
      let kept = 0;
      for (const item of x) if (item !== null) x[kept++] = item;
      x.length = kept;
      for (const item of x) if (typeof item === 'object') work.push(item);
    } else if (isObject(x)) {
      for (const [k, item] of Object.entries(x)) {
        if (item === null) delete x[k];
        else if (typeof item === 'object') work.push(item);
      }
    }
  }
  return v;
}
