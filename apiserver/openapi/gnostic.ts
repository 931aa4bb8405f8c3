import { WireWriter } from '../protobuf/wire.js';

/**
 * Swagger 2.0 JSON to protobuf, as gnostic's `openapi_v2.Document` (github.com/google/gnostic,
 * openapiv2/OpenAPIv2.proto): the form kubectl 1.27 and 1.28 read OpenAPI v2 in. Upstream's
 * server does the same conversion (JSON, then gnostic, then proto.Marshal). Only the messages
 * and fields the served document uses are here; any other key is an error rather than being
 * dropped silently.
 *
 * Like Go's proto3 marshalling: fields in field-number order, empty strings and false omitted,
 * a present embedded message written even when empty (kubectl tells an object with no
 * properties from a map by whether `properties` is set). Values gnostic keeps as `Any` (enum
 * values, `x-` extensions) carry YAML text; JSON is YAML, so they carry the JSON text.
 */
export function encodeSwagger(doc: Record<string, unknown>): Uint8Array {
  const w = new WireWriter();
  writeMessage(w, DOCUMENT, doc, '$');
  return w.finish();
}

type Write = (w: WireWriter, no: number, value: unknown, path: string) => void;

/** The `x-` keys: the message's `repeated NamedAny vendor_extension`. */
const EXTENSIONS = 'x-';
/** Every other key: the named entries of a map-like message (Paths, Responses). */
const OTHERS = '*';

interface Message {
  name: string;
  /** JSON key (or EXTENSIONS / OTHERS), field number and writer, in field-number order. */
  fields: [key: string, no: number, write: Write][];
}

function writeMessage(w: WireWriter, msg: Message, value: unknown, path: string): void {
  const obj = object(value, path);
  const keys = new Set(msg.fields.map(([key]) => key));
  const extensions: Record<string, unknown> = {};
  const others: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(obj)) {
    if (keys.has(key)) continue;
    if (keys.has(EXTENSIONS) && key.startsWith('x-')) extensions[key] = v;
    else if (keys.has(OTHERS)) others[key] = v;
    else throw new Error(`${path}: gnostic ${msg.name} has no field for "${key}"`);
  }
  for (const [key, no, write] of msg.fields) {
    const v = key === EXTENSIONS ? extensions : key === OTHERS ? others : obj[key];
    if (v !== undefined) write(w, no, v, `${path}.${key}`);
  }
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${path}: want an object`);
  return value as Record<string, unknown>;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${path}: want an array`);
  return value;
}

const str: Write = (w, no, v, path) => {
  if (typeof v !== 'string') throw new Error(`${path}: want a string`);
  if (v !== '') w.string(no, v);
};

const bool: Write = (w, no, v, path) => {
  if (typeof v !== 'boolean') throw new Error(`${path}: want a boolean`);
  if (v) w.bool(no, v);
};

// Unlike a singular string, an empty element of a repeated one is still written.
const strings: Write = (w, no, v, path) =>
  array(v, path).forEach((s, i) => {
    if (typeof s !== 'string') throw new Error(`${path}[${i}]: want a string`);
    w.string(no, s);
  });

const message =
  (msg: Message): Write =>
  (w, no, v, path) =>
    w.message(no, (m) => writeMessage(m, msg, v, path));

/** A message whose only field `inner` holds the value, e.g. Definitions { repeated NamedSchema additional_properties = 1 }. */
const wrapped =
  (inner: number, write: Write): Write =>
  (w, no, v, path) =>
    w.message(no, (m) => write(m, inner, v, path));

/** A JSON object as repeated Named* { string name = 1; <value> value = 2; }, in key order. */
const named =
  (write: Write): Write =>
  (w, no, v, path) => {
    for (const [name, value] of Object.entries(object(v, path))) {
      w.message(no, (m) => {
        str(m, 1, name, path);
        write(m, 2, value, `${path}.${name}`);
      });
    }
  };

/** Any { string yaml = 2; } */
const any: Write = (w, no, v) => w.message(no, (m) => m.string(2, JSON.stringify(v)));
const anys: Write = (w, no, v, path) => array(v, path).forEach((item) => any(w, no, item, path));
const vendorExtensions = named(any);

// Schema refers to itself, so it is looked up when written.
const schema: Write = (w, no, v, path) => w.message(no, (m) => writeMessage(m, SCHEMA, v, path));
const SCHEMA: Message = {
  name: 'Schema',
  fields: [
    ['$ref', 1, str],
    ['format', 2, str],
    ['description', 4, str],
    ['required', 19, strings],
    ['enum', 20, anys],
    // AdditionalPropertiesItem { oneof { Schema schema = 1; bool boolean = 2; } }: a set oneof is written even when false.
    ['additionalProperties', 21, (w, no, v, path) => w.message(no, (m) => (typeof v === 'boolean' ? m.bool(2, v) : schema(m, 1, v, path)))],
    // TypeItem { repeated string value = 1; }
    ['type', 22, (w, no, v, path) => wrapped(1, strings)(w, no, typeof v === 'string' ? [v] : v, path)],
    // ItemsItem { repeated Schema schema = 1; }
    ['items', 23, (w, no, v, path) => w.message(no, (m) => (Array.isArray(v) ? v : [v]).forEach((s) => schema(m, 1, s, path)))],
    // Properties { repeated NamedSchema additional_properties = 1; }
    ['properties', 25, wrapped(1, named(schema))],
    [EXTENSIONS, 31, vendorExtensions],
  ],
};

const BODY_PARAMETER: Message = {
  name: 'BodyParameter',
  fields: [
    ['name', 2, str],
    ['in', 3, str],
    ['required', 4, bool],
    ['schema', 5, schema],
  ],
};
const QUERY_PARAMETER: Message = {
  name: 'QueryParameterSubSchema',
  fields: [
    ['in', 2, str],
    ['name', 4, str],
    ['type', 6, str],
    ['uniqueItems', 20, bool],
  ],
};
const PATH_PARAMETER: Message = {
  name: 'PathParameterSubSchema',
  fields: [
    ['required', 1, bool],
    ['in', 2, str],
    ['name', 4, str],
    ['type', 5, str],
    ['uniqueItems', 19, bool],
  ],
};

/**
 * ParametersItem { oneof { Parameter parameter = 1; ... } } where
 * Parameter { oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } } and
 * NonBodyParameter { oneof { ...; QueryParameterSubSchema query = 3; PathParameterSubSchema path = 4; } }.
 */
const parameters: Write = (w, no, v, path) =>
  array(v, path).forEach((param, i) => {
    const at = `${path}[${i}]`;
    const where = object(param, at).in;
    w.message(no, (item) =>
      item.message(1, (p) => {
        if (where === 'body') message(BODY_PARAMETER)(p, 1, param, at);
        else if (where === 'query') p.message(2, (nb) => message(QUERY_PARAMETER)(nb, 3, param, at));
        else if (where === 'path') p.message(2, (nb) => message(PATH_PARAMETER)(nb, 4, param, at));
        else throw new Error(`${at}: no parameter encoding for "in": ${JSON.stringify(where)}`);
      }),
    );
  });

const RESPONSE: Message = {
  name: 'Response',
  fields: [
    ['description', 1, str],
    // SchemaItem { oneof { Schema schema = 1; ... } }
    ['schema', 2, wrapped(1, schema)],
  ],
};
// ResponseValue { oneof { Response response = 1; ... } }
const RESPONSES: Message = { name: 'Responses', fields: [[OTHERS, 1, named(wrapped(1, message(RESPONSE)))], [EXTENSIONS, 2, vendorExtensions]] };

const OPERATION: Message = {
  name: 'Operation',
  fields: [
    ['produces', 6, strings],
    ['consumes', 7, strings],
    ['parameters', 8, parameters],
    ['responses', 9, message(RESPONSES)],
    [EXTENSIONS, 13, vendorExtensions],
  ],
};
const operation = message(OPERATION);
const PATH_ITEM: Message = {
  name: 'PathItem',
  fields: [
    ['get', 2, operation],
    ['put', 3, operation],
    ['post', 4, operation],
    ['patch', 8, operation],
    ['parameters', 9, parameters],
  ],
};
const PATHS: Message = { name: 'Paths', fields: [[EXTENSIONS, 1, vendorExtensions], [OTHERS, 2, named(message(PATH_ITEM))]] };
const INFO: Message = {
  name: 'Info',
  fields: [
    ['title', 1, str],
    ['version', 2, str],
  ],
};
const DOCUMENT: Message = {
  name: 'Document',
  fields: [
    ['swagger', 1, str],
    ['info', 2, message(INFO)],
    ['paths', 8, message(PATHS)],
    // Definitions { repeated NamedSchema additional_properties = 1; }
    ['definitions', 9, wrapped(1, named(schema))],
    [EXTENSIONS, 16, vendorExtensions],
  ],
};
