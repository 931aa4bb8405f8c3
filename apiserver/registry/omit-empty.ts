import { TOP_LEVEL, type FieldSpec, type MessageSpec } from '../protobuf/messages.js';
import type { ResourceInfo } from './strategy.js';

/**
 * Drops what Go's encoding/json drops for an `omitempty` field of these kinds: "", 0, false,
 * empty maps and empty lists, at every depth (metadata maps, spec maps and lists, status), so
 * an object that went through a patch (e.g. `"annotations":{}` from kubectl's client-side
 * diff) is stored and served as kube-apiserver would encode its Go struct. Pointers, structs
 * and fields without omitempty keep what they hold; fields the schema does not know are left
 * alone. Written by hand because the rule is Go's, per field, from the generated types.
 */
export function omitEmpty(info: ResourceInfo, obj: object): void {
  const spec = TOP_LEVEL.get(`${info.group ? `${info.group}/` : ''}${info.version}/${info.kind}`);
  if (spec) walk(spec, obj as Record<string, unknown>);
}

function walk(spec: MessageSpec, obj: Record<string, unknown>): void {
  for (const f of spec.fields) {
    if (!Object.prototype.hasOwnProperty.call(obj, f.json)) continue;
    const value = obj[f.json];
    if (f.emit === 'omitempty' && isEmpty(f, value)) {
      delete obj[f.json];
      continue;
    }
    if (f.kind !== 'message' || !f.message) continue;
    const inner = f.message();
    if (f.repeated && Array.isArray(value)) {
      for (const item of value) if (isObject(item)) walk(inner, item);
    } else if (isObject(value)) {
      walk(inner, value);
    }
  }
}

function isEmpty(f: FieldSpec, value: unknown): boolean {
  if (f.repeated) return Array.isArray(value) && value.length === 0;
  switch (f.kind) {
    case 'string':
      return value === '';
    case 'int32':
    case 'int64':
      return value === 0;
    case 'bool':
      return value === false;
    case 'stringMap':
      return isObject(value) && Object.keys(value).length === 0;
    default:
      // Structs (and intOrString, times) are never omitted by omitempty.
      return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
