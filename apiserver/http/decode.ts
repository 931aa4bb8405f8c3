import type { KubeObject } from '../../shared/api/meta.js';
import { badRequest, unsupportedMediaType } from '../errors/status.js';
import { strictDecodingMessage, strictFieldErrors, unknownFields } from '../openapi/strict-fields.js';
import { checkTypes } from '../openapi/type-check.js';
import { JSONSyntaxError, newObject, parseJSON } from '../patch/json-value.js';
import { parseYAMLValue } from '../patch/yaml-value.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../protobuf/decode.js';
import type { Kind } from '../kinds/kind.js';
import type { ResourceInfo } from '../registry/strategy.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The media type of a Content-Type header, lowercased and without parameters. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** `?fieldValidation=`: absent means Warn, as for any apiserver client that does not say. */
export function fieldValidation(query: URLSearchParams): FieldValidation {
  const v = query.get('fieldValidation') ?? '';
  if (v === '' || v === 'Warn') return 'Warn';
  if (v === 'Strict' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${JSON.stringify(v)}. Supported values: Ignore, Strict, Warn`);
}

/** A kind's names and the schema its bodies are decoded against. */
export type ServedSchema = Pick<Kind, 'info' | 'schema'>;

interface Decoded<T> {
  obj: T;
  /** Unknown or duplicate fields, when field validation is Warn. */
  warnings: string[];
}

/**
 * Decodes a request body (JSON, YAML or kubectl's protobuf) into an object of the resource's
 * kind, as the apiserver's decoder does: 415 for a media type it cannot read, 400 for a body that
 * is not such an object, and unknown fields refused, reported or ignored per fieldValidation.
 */
export function decodeBody<T extends KubeObject>(body: Buffer, contentType: string | undefined, served: ServedSchema, validation: FieldValidation): Decoded<T> {
  const type = mediaType(contentType);
  const { info, schema: kind } = served;
  let parsed: unknown;
  let fieldErrors: string[] = [];
  if (type === 'application/json' || type === '') {
    parsed = parseJSONBody(body, info);
    // The scanner sees duplicate keys too, which JSON.parse has already merged away.
    if (validation !== 'Ignore') fieldErrors = strictFieldErrors(kind, body.toString('utf8'));
    unknownFields(kind, parsed, { prune: true });
  } else if (type === 'application/yaml') {
    try {
      parsed = parseYAMLValue(body.toString('utf8'));
    } catch (err) {
      throw badRequest(`the object provided is unrecognized (must be of type ${info.kind}): couldn't get version/kind; json parse error: error converting YAML to JSON: ${(err as Error).message.split('\n')[0]} (${summarize(body)})`);
    }
    const unknown = unknownFields(kind, parsed, { prune: true });
    if (validation !== 'Ignore') fieldErrors = unknown;
  } else if (type === PROTOBUF_MEDIA_TYPE) {
    try {
      parsed = decodeProtobufObject(body, { apiVersion: apiVersionOf(info), kind: info.kind });
    } catch (err) {
      throw badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${(err as Error).message}`);
    }
  } else {
    throw unsupportedMediaType();
  }
  const obj = toObject<T>(parsed, served, body);
  if (fieldErrors.length && validation === 'Strict') throw badRequest(strictDecodingMessage(kind, fieldErrors));
  return { obj, warnings: validation === 'Warn' ? fieldErrors : [] };
}

/** The last step of every decode (bodies and patched objects): the kind checked, the types checked. */
export function toObject<T extends KubeObject>(parsed: unknown, served: ServedSchema, body?: Buffer): T {
  const { info, schema } = served;
  const expected = apiVersionOf(info);
  if (!isPlainObject(parsed)) {
    const message = `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJSONType(parsed)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
    throw unrecognized(info, message, body);
  }
  const obj = parsed as T & { apiVersion?: unknown; kind?: unknown };
  for (const field of ['apiVersion', 'kind'] as const) {
    const v = obj[field];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw unrecognized(info, `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJSONType(v)} into Go struct field .${field} of type string`, body);
    }
  }
  if ((obj.kind !== undefined && obj.kind !== info.kind) || (obj.apiVersion !== undefined && obj.apiVersion !== expected)) {
    const kind = String(obj.kind ?? info.kind);
    const version = String(obj.apiVersion ?? expected);
    throw badRequest(`${kind} in version "${version.split('/').pop()}" cannot be handled as a ${info.kind}: no kind "${kind}" is registered for version "${version}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  const typeError = checkTypes(schema, obj as Record<string, unknown>);
  if (typeError) throw badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${typeError}`);
  obj.apiVersion = expected;
  obj.kind = info.kind;
  obj.metadata ??= newObject() as unknown as T['metadata'];
  return obj;
}

const apiVersionOf = (info: ResourceInfo) => (info.group ? `${info.group}/${info.version}` : info.version);

function parseJSONBody(body: Buffer, info: ResourceInfo): unknown {
  try {
    return parseJSON(body.toString('utf8'));
  } catch (err) {
    if (!(err instanceof JSONSyntaxError)) throw err;
    throw unrecognized(info, `couldn't get version/kind; json parse error: ${err.message}`, body);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unrecognized(info: ResourceInfo, message: string, body?: Buffer) {
  return badRequest(`the object provided is unrecognized (must be of type ${info.kind}): ${message} (${body ? summarize(body) : '<empty>'})`);
}

/** apimachinery's summarizeData: JSON-looking bodies as text, anything else as hex, 30 bytes at most. */
function summarize(body: Buffer): string {
  if (body.length === 0) return '<empty>';
  const head = body.subarray(0, 30);
  const more = body.length > 30 ? ' ...' : '';
  return body[0] === 0x7b ? head.toString('utf8') + more : head.toString('hex') + more;
}

function goJSONType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}
