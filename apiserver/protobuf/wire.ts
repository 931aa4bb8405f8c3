/** A malformed protobuf body. The server answers it with 400 BadRequest. */
export class ProtobufDecodeError extends Error {
  override name = 'ProtobufDecodeError';
}

export const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** Reads the protobuf wire format from one buffer, bounds-checked at every step. */
export class WireReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint of up to 64 bits, as a bigint. */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufDecodeError('unexpected EOF');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new ProtobufDecodeError('proto: integer overflow');
  }

  /** A field key: its number and wire type. */
  key(): { field: number; wire: number } {
    const k = this.varint();
    const field = Number(k >> 3n);
    if (field <= 0 || field > 0x1fffffff) throw new ProtobufDecodeError(`proto: illegal tag ${field} (wire type ${Number(k & 7n)})`);
    return { field, wire: Number(k & 7n) };
  }

  /** The bounds of a length-delimited value; the reader moves past it. */
  lengthDelimited(): { start: number; end: number } {
    const len = this.varint();
    if (len > BigInt(this.end - this.pos)) {
      throw new ProtobufDecodeError(len > 0x7fffffffn ? 'proto: negative length found during unmarshaling' : 'unexpected EOF');
    }
    const start = this.pos;
    this.pos += Number(len);
    return { start, end: this.pos };
  }

  bytes(): Uint8Array {
    const { start, end } = this.lengthDelimited();
    return this.buf.subarray(start, end);
  }

  string(): string {
    const { start, end } = this.lengthDelimited();
    return utf8.decode(this.buf.subarray(start, end));
  }

  /** A sub-reader over a length-delimited embedded message. */
  message(): WireReader {
    const { start, end } = this.lengthDelimited();
    return new WireReader(this.buf, start, end);
  }

  /** Skips a field whose number this decoder does not know, as Go's generated code does. */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.advance(8);
        return;
      case WIRE_BYTES:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.advance(4);
        return;
      default:
        throw new ProtobufDecodeError(`proto: illegal wireType ${wire}`);
    }
  }

  private advance(n: number): void {
    if (this.end - this.pos < n) throw new ProtobufDecodeError('unexpected EOF');
    this.pos += n;
  }
}

// Go keeps invalid UTF-8 in strings; JSON cannot, so replacement characters are the closest faithful form.
const utf8 = new TextDecoder('utf-8');

/** Writes the protobuf wire format into one growing buffer. */
export class WireWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  /** An unsigned varint; `value` must be a non-negative safe integer. */
  varint(value: number): void {
    this.reserve(10);
    let v = value;
    while (v > 0x7f) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  key(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  bool(field: number, value: boolean): void {
    this.key(field, WIRE_VARINT);
    this.varint(value ? 1 : 0);
  }

  bytes(field: number, data: Uint8Array): void {
    this.key(field, WIRE_BYTES);
    this.varint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  string(field: number, value: string): void {
    this.bytes(field, utf8Encoder.encode(value));
  }

  /** An embedded message, written by `write` into a writer of its own and then length-prefixed. */
  message(field: number, write: (w: WireWriter) => void): void {
    const inner = new WireWriter();
    write(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

const utf8Encoder = new TextEncoder();
