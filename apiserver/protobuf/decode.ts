import { newObject } from '../patch/json-value.js';
import { TOP_LEVEL, type FieldSpec, type MessageSpec } from './messages.js';
import { ProtobufDecodeError, WIRE_BYTES, WIRE_VARINT, WireReader } from './wire.js';

export { ProtobufDecodeError } from './wire.js';

/** The media type kubectl >= 1.32 uses for typed-client request bodies. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** "k8s\0": every Kubernetes protobuf object starts with it. */
const PROTOBUF_PREFIX = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** runtime.Unknown, the envelope after the prefix. */
interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
  contentType: string;
}

export function decodeEnvelope(body: Uint8Array): Envelope {
  if (body.length < PROTOBUF_PREFIX.length || PROTOBUF_PREFIX.some((b, i) => body[i] !== b)) {
    throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${PROTOBUF_PREFIX.join(' ')}]`);
  }
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '', contentType: '' };
  const r = new WireReader(body, PROTOBUF_PREFIX.length);
  while (!r.done) {
    const { field, wire } = r.key();
    if (field >= 1 && field <= 4 && wire !== WIRE_BYTES) throw wrongWire('Unknown', field, wire);
    switch (field) {
      case 1: {
        const tm = r.message();
        while (!tm.done) {
          const k = tm.key();
          if ((k.field === 1 || k.field === 2) && k.wire !== WIRE_BYTES) throw wrongWire('TypeMeta', k.field, k.wire);
          if (k.field === 1) env.apiVersion = tm.string();
          else if (k.field === 2) env.kind = tm.string();
          else tm.skip(k.wire);
        }
        break;
      }
      case 2:
        env.raw = r.bytes();
        break;
      case 3:
        env.contentEncoding = r.string();
        break;
      case 4:
        env.contentType = r.string();
        break;
      default:
        r.skip(wire);
    }
  }
  return env;
}

/** Identifies the kind a request path expects, used when the envelope leaves typeMeta empty. */
interface ExpectedKind {
  apiVersion: string;
  kind: string;
}

/**
 * Decodes a protobuf request body into the JSON object the JSON decoder would have produced
 * for the same Go value: apiVersion and kind from the envelope, zero values dropped where the
 * json tag says omitempty, pointers kept when sent, timestamps as RFC 3339 seconds.
 * Throws ProtobufDecodeError on malformed input or an unsupported kind.
 */
export function decodeProtobufObject(body: Uint8Array, expected?: ExpectedKind): Record<string, unknown> {
  const env = decodeEnvelope(body);
  if (env.contentEncoding) throw new ProtobufDecodeError(`unsupported content encoding ${JSON.stringify(env.contentEncoding)}`);
  const apiVersion = env.apiVersion || expected?.apiVersion || '';
  const kind = env.kind || expected?.kind || '';
  if (!kind) throw new ProtobufDecodeError("Object 'Kind' is missing in protobuf envelope");
  const spec = TOP_LEVEL.get(`${apiVersion}/${kind}`);
  if (!spec) throw new ProtobufDecodeError(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)}`);
  return { kind, apiVersion, ...decodeMessage(spec, new WireReader(env.raw)) };
}

/** Decodes one message per its spec. */
export function decodeMessage(spec: MessageSpec, r: WireReader): Record<string, unknown> {
  const seen = new Map<string, unknown>();
  while (!r.done) {
    const { field, wire } = r.key();
    const f = spec.byNumber.get(field);
    if (!f) {
      r.skip(wire);
      continue;
    }
    const want = f.kind === 'int32' || f.kind === 'int64' || f.kind === 'bool' ? WIRE_VARINT : WIRE_BYTES;
    if (wire !== want) throw wrongWire(spec.name, field, wire, f.json);
    const value = readValue(f, r, spec);
    if (f.repeated) {
      const list = (seen.get(f.json) as unknown[] | undefined) ?? [];
      list.push(value);
      seen.set(f.json, list);
    } else if (f.kind === 'stringMap') {
      // Map keys are request data: a prototype-less map keeps `__proto__` as an ordinary key.
      const m = (seen.get(f.json) as Record<string, string> | undefined) ?? (newObject() as Record<string, string>);
      const [k, v] = value as [string, string];
      m[k] = v;
      seen.set(f.json, m);
    } else if (f.kind === 'message' && seen.has(f.json)) {
      // Protobuf merges repeated occurrences of an embedded message field.
      seen.set(f.json, { ...(seen.get(f.json) as object), ...(value as object) });
    } else {
      seen.set(f.json, value);
    }
  }
  return emit(spec, seen);
}

function readValue(f: FieldSpec, r: WireReader, parent: MessageSpec): unknown {
  switch (f.kind) {
    case 'string':
      return r.string();
    case 'bool':
      return r.varint() !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, r.varint()));
    case 'int64':
      return int64(r.varint(), parent.name, f.json);
    case 'message':
      return decodeMessage(f.message!(), r.message());
    case 'stringMap':
      return mapEntry(r.message(), parent.name, f.json);
    case 'time':
      return timestamp(r.message());
    case 'intOrString':
      return intOrString(r.message());
  }
}

/** Applies Go's json.Marshal rules for each field, in struct order. */
function emit(spec: MessageSpec, seen: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of spec.fields) {
    const present = seen.has(f.json);
    const value = seen.get(f.json);
    if (f.kind === 'time' || f.kind === 'intOrString') {
      // A zero Time and a zero IntOrString mean "unset" to every consumer; drop them.
      if (value !== undefined) out[f.json] = value;
      continue;
    }
    switch (f.emit) {
      case 'pointer':
        if (present) out[f.json] = value;
        break;
      case 'struct':
        out[f.json] = present ? value : decodeMessage(f.message!(), new WireReader(new Uint8Array(0)));
        break;
      case 'always':
        out[f.json] = present ? value : zeroValue(f);
        break;
      case 'omitempty':
        if (present && !isEmpty(value)) out[f.json] = value;
        break;
    }
  }
  return out;
}

function zeroValue(f: FieldSpec): unknown {
  if (f.repeated) return null; // a nil Go slice marshals as null
  switch (f.kind) {
    case 'string':
      return '';
    case 'int32':
    case 'int64':
      return 0;
    case 'bool':
      return false;
    default:
      return null;
  }
}

function isEmpty(v: unknown): boolean {
  if (v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v && typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

function int64(v: bigint, message: string, field: string): number {
  const n = BigInt.asIntN(64, v);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtobufDecodeError(`${message}.${field}: value ${n} does not fit in a JSON number`);
  }
  return Number(n);
}

function mapEntry(r: WireReader, message: string, field: string): [string, string] {
  let key = '';
  let value = '';
  while (!r.done) {
    const k = r.key();
    if ((k.field === 1 || k.field === 2) && k.wire !== WIRE_BYTES) throw wrongWire(`${message}.${field} entry`, k.field, k.wire);
    if (k.field === 1) key = r.string();
    else if (k.field === 2) value = r.string();
    else r.skip(k.wire);
  }
  return [key, value];
}

/** metav1.Time: an empty message is the zero time; otherwise whole seconds (nanos are dropped, as upstream does). */
function timestamp(r: WireReader): string | undefined {
  let seconds = 0n;
  let sent = false;
  while (!r.done) {
    sent = true;
    const k = r.key();
    if ((k.field === 1 || k.field === 2) && k.wire !== WIRE_VARINT) throw wrongWire('Timestamp', k.field, k.wire);
    if (k.field === 1) seconds = BigInt.asIntN(64, r.varint());
    else r.skip(k.wire);
  }
  if (!sent) return undefined;
  const ms = Number(seconds) * 1000;
  const d = new Date(ms);
  if (!Number.isFinite(ms) || Number.isNaN(d.getTime()) || d.getUTCFullYear() < 0 || d.getUTCFullYear() > 9999) {
    throw new ProtobufDecodeError(`Time.seconds ${seconds} is out of range`);
  }
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** intstr.IntOrString {type, intVal, strVal}; the zero value (0 or "") comes back as undefined. */
function intOrString(r: WireReader): number | string | undefined {
  let type = 0n;
  let intVal = 0;
  let strVal = '';
  while (!r.done) {
    const k = r.key();
    const want = k.field === 3 ? WIRE_BYTES : WIRE_VARINT;
    if (k.field >= 1 && k.field <= 3 && k.wire !== want) throw wrongWire('IntOrString', k.field, k.wire);
    if (k.field === 1) type = BigInt.asIntN(64, r.varint());
    else if (k.field === 2) intVal = Number(BigInt.asIntN(32, r.varint()));
    else if (k.field === 3) strVal = r.string();
    else r.skip(k.wire);
  }
  if (type === 0n) return intVal === 0 ? undefined : intVal;
  if (type === 1n) return strVal === '' ? undefined : strVal;
  throw new ProtobufDecodeError(`IntOrString: impossible type ${type}`);
}

function wrongWire(message: string, field: number, wire: number, name?: string): ProtobufDecodeError {
  return new ProtobufDecodeError(`proto: wrong wireType = ${wire} for field ${name ?? field} of ${message}`);
}
