import { own } from '../patch/json-value.js';
import { COMPONENTS, INT_OR_STRING, KIND_COMPONENTS, META, type Prop, type ServedKind } from './schemas.js';

/**
 * What Go's JSON decoder does to a request body on its way into the typed object, for the
 * served kinds: the first type mismatch, in upstream's words (`json: cannot unmarshal string
 * into Go struct field ServicePort.spec.ports.port of type int32`), and nulls turned into what Go
 * makes of them: a field left unset, a list item or map value at its type's zero value.
 */
export function checkTypes(kind: ServedKind, obj: Record<string, unknown>): string | undefined {
  return checkStruct(KIND_COMPONENTS[kind], obj, '');
}

const jsonType = (v: unknown): string =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;

/** `io.k8s.api.core.v1.ServicePort` is `v1.ServicePort` to Go. */
function goTypeName(ref: string): string {
  if (ref === INT_OR_STRING) return 'intstr.IntOrString';
  const parts = ref.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

function goType(prop: Prop): string {
  switch (prop.t) {
    case 'string':
    case 'int32':
    case 'int64':
      return prop.t;
    case 'boolean':
      return 'bool';
    case 'map':
      return 'map[string]string';
    case 'array':
      return `[]${goType(prop.items)}`;
    case 'ref':
      return goTypeName(prop.ref);
  }
}

const INT_RANGE = { int32: [-(2 ** 31), 2 ** 31 - 1], int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } as const;

function checkStruct(ref: string, obj: Record<string, unknown>, path: string): string | undefined {
  const def = COMPONENTS[ref];
  if (!def?.props) return undefined;
  const structName = ref.split('.').pop()!;
  for (const [key, value] of Object.entries(obj)) {
    if (value === null) {
      delete obj[key];
      continue;
    }
    const prop = own(def.props, key);
    if (!prop) continue;
    const fieldPath = path ? `${path}.${key}` : key;
    const err = checkValue(prop, value, `${structName}.${fieldPath}`, fieldPath);
    if (err) return err;
  }
  return undefined;
}

/** `where` is how Go names the field (`ServicePort.spec.ports.port`); `path` the JSON path. */
function checkValue(prop: Prop, value: unknown, where: string, path: string): string | undefined {
  const mismatch = (type = goType(prop)) => `json: cannot unmarshal ${describe(value)} into Go struct field ${where} of type ${type}`;
  switch (prop.t) {
    case 'string':
      return typeof value === 'string' ? undefined : mismatch();
    case 'boolean':
      return typeof value === 'boolean' ? undefined : mismatch();
    case 'int32':
    case 'int64': {
      const [min, max] = INT_RANGE[prop.t];
      return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? undefined : mismatch();
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return mismatch();
      const map = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(map)) {
        if (v === null) map[k] = '';
        else if (typeof v !== 'string') return `json: cannot unmarshal ${describe(v)} into Go struct field ${where} of type string`;
      }
      return undefined;
    }
    case 'array': {
      if (!Array.isArray(value)) return mismatch();
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null) {
          value[i] = zeroValue(prop.items);
          continue;
        }
        const err = checkValue(prop.items, value[i], where, path);
        if (err) return err;
      }
      return undefined;
    }
    case 'ref':
      return checkRef(prop.ref, value, path, mismatch);
  }
}

function checkRef(ref: string, value: unknown, path: string, mismatch: () => string): string | undefined {
  // IntOrString and Time have their own unmarshallers, whose errors carry no field.
  if (ref === INT_OR_STRING) {
    if (typeof value === 'string') return undefined;
    if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31) return undefined;
    return `json: cannot unmarshal ${describe(value)} into Go value of type int32`;
  }
  if (ref === `${META}.Time`) {
    if (typeof value !== 'string') return `json: cannot unmarshal ${describe(value)} into Go value of type string`;
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)
      ? undefined
      : `parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`;
  }
  const def = COMPONENTS[ref];
  if (!def?.props) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return mismatch();
  return checkStruct(ref, value as Record<string, unknown>, path);
}

/** What Go leaves in a list item or map value that was null: the zero value of its type. */
function zeroValue(prop: Prop): unknown {
  switch (prop.t) {
    case 'string':
      return '';
    case 'boolean':
      return false;
    case 'int32':
    case 'int64':
      return 0;
    case 'array':
      return [];
    case 'map':
      return {};
    case 'ref':
      return prop.ref === INT_OR_STRING ? 0 : prop.ref === `${META}.Time` ? undefined : {};
  }
}

/** Go names numbers with their text: `number 1.5`. */
function describe(v: unknown): string {
  return typeof v === 'number' ? `number ${v}` : jsonType(v);
}
