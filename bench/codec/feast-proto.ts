// Hand-written protobuf wire encoding of feast.types.Value (protos/feast/types/Value.proto)
// and of how Feast's online stores keep a feature vector, for the codec benchmark.
// No protobuf dependency: tags, varints, fixed32/fixed64 and length-delimited fields by hand.
//
//   message Value { oneof val { bytes bytes_val = 1; string string_val = 2; int32 int32_val = 3;
//     int64 int64_val = 4; double double_val = 5; float float_val = 6; bool bool_val = 7;
//     int64 unix_timestamp_val = 8; BytesList bytes_list_val = 11; StringList string_list_val = 12;
//     Int32List int32_list_val = 13; Int64List int64_list_val = 14; DoubleList double_list_val = 15;
//     FloatList float_list_val = 16; BoolList bool_list_val = 17; Int64List unix_timestamp_list_val = 18; ... } }
//   message XxxList { repeated xxx val = 1; }        (scalars packed, proto3 default)
//   message RepeatedValue { repeated Value val = 1; }
//   google.protobuf.Timestamp { int64 seconds = 1; int32 nanos = 2; }
//
// A null feature is an empty Value (no oneof member set), as Feast writes it.
import type { FeatureValue, FieldType } from '../../src/kernel/codec.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export class ProtoWriter {
  buf = new Uint8Array(256);
  len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  /** Unsigned varint of a non-negative bigint or number. */
  varint(x: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(x));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }
  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }
  fixed32f(x: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setFloat32(this.len, x, true);
    this.len += 4;
  }
  fixed64f(x: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer).setFloat64(this.len, x, true);
    this.len += 8;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** A length-delimited field whose body is written by `body`. */
  nested(field: number, body: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    body(inner);
    this.tag(field, 2);
    this.varint(inner.len);
    this.bytes(inner.buf.subarray(0, inner.len));
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const SCALAR_FIELD: Record<string, number> = { bytes: 1, string: 2, int32: 3, int64: 4, float64: 5, float32: 6, bool: 7, unix_timestamp: 8 };
const LIST_FIELD: Record<string, number> = { bytes: 11, string: 12, int32: 13, int64: 14, float64: 15, float32: 16, bool: 17, unix_timestamp: 18 };

function writeScalar(w: ProtoWriter, field: number, t: string, v: unknown): void {
  switch (t) {
    case 'float64': w.tag(field, 1); w.fixed64f(v as number); return;
    case 'float32': w.tag(field, 5); w.fixed32f(v as number); return;
    case 'bool': w.tag(field, 0); w.varint(v ? 1 : 0); return;
    case 'int32': case 'int64': case 'unix_timestamp': w.tag(field, 0); w.varint(BigInt(v as bigint | number)); return;
    case 'string': { const b = enc.encode(v as string); w.tag(field, 2); w.varint(b.length); w.bytes(b); return; }
    default: { const b = v as Uint8Array; w.tag(field, 2); w.varint(b.length); w.bytes(b); }
  }
}

/** Serialized feast.types.Value of one feature value. */
export function encodeValue(t: FieldType, v: FeatureValue): Uint8Array {
  const w = new ProtoWriter();
  if (v === null) return w.done();
  if (!t.startsWith('list<')) {
    writeScalar(w, SCALAR_FIELD[t], t, v);
    return w.done();
  }
  const e = t.slice(5, -1);
  const items = v as readonly unknown[];
  w.nested(LIST_FIELD[e], (list) => {
    if (e === 'string' || e === 'bytes') {
      for (const x of items) writeScalar(list, 1, e, x);
    } else if (items.length > 0) {
      list.nested(1, (packed) => {
        for (const x of items) {
          if (e === 'float64') packed.fixed64f(x as number);
          else if (e === 'float32') packed.fixed32f(x as number);
          else packed.varint(e === 'bool' ? (x ? 1 : 0) : BigInt(x as bigint | number));
        }
      });
    }
  });
  return w.done();
}

/** google.protobuf.Timestamp with whole seconds, as Feast's Redis store writes `_ts:<view>`. */
export function encodeTimestamp(seconds: number): Uint8Array {
  const w = new ProtoWriter();
  if (seconds !== 0) {
    w.tag(1, 0);
    w.varint(seconds);
  }
  return w.done();
}

/** feast.types.RepeatedValue of the vector's values. */
export function encodeRepeated(types: readonly FieldType[], values: readonly FeatureValue[]): Uint8Array {
  const w = new ProtoWriter();
  for (let i = 0; i < types.length; i++) {
    const b = encodeValue(types[i], values[i]);
    w.tag(1, 2);
    w.varint(b.length);
    w.bytes(b);
  }
  return w.done();
}

// ------------------------------------------------------------------ decoding

/** A minimal, allocation-light protobuf reader (what generated decoders do). */
class Reader {
  pos: number;
  readonly end: number;
  readonly b: Uint8Array;
  readonly dv: DataView;
  constructor(b: Uint8Array, dv: DataView, pos: number, end: number) {
    this.b = b;
    this.dv = dv;
    this.pos = pos;
    this.end = end;
  }
  uint32(): number {
    let x = 0;
    let shift = 0;
    for (;;) {
      const c = this.b[this.pos++];
      if (shift < 28) x |= (c & 0x7f) << shift;
      else x += (c & 0x7f) * 2 ** shift;
      if (c < 0x80) return x >>> 0;
      shift += 7;
    }
  }
  /** int64 varint as bigint (two's complement). */
  int64(): bigint {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      const c = this.b[this.pos++];
      if (shift < 28) lo |= (c & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (c & 0x0f) << 28;
        hi |= (c & 0x7f) >> 4;
      } else hi |= (c & 0x7f) << (shift - 32);
      if (c < 0x80) break;
      shift += 7;
    }
    return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  }
}

function readScalar(r: Reader, t: string): FeatureValue {
  switch (t) {
    case 'float64': { const x = r.dv.getFloat64(r.pos, true); r.pos += 8; return x; }
    case 'float32': { const x = r.dv.getFloat32(r.pos, true); r.pos += 4; return x; }
    case 'bool': return r.uint32() !== 0;
    case 'int32': return Number(BigInt.asIntN(32, r.int64()));
    case 'int64': case 'unix_timestamp': return r.int64();
    case 'string': { const n = r.uint32(); const s = dec.decode(r.b.subarray(r.pos, r.pos + n)); r.pos += n; return s; }
    default: { const n = r.uint32(); const s = r.b.slice(r.pos, r.pos + n); r.pos += n; return s; }
  }
}

const FIELD_TYPE: Record<number, string> = { 1: 'bytes', 2: 'string', 3: 'int32', 4: 'int64', 5: 'float64', 6: 'float32', 7: 'bool', 8: 'unix_timestamp' };

/** Decode one Value message occupying [r.pos, end). */
function readValue(r: Reader, end: number): FeatureValue {
  if (r.pos === end) return null;
  const key = r.uint32();
  const field = key >>> 3;
  if (field <= 8) return readScalar(r, FIELD_TYPE[field]);
  const e = FIELD_TYPE[field - 10];
  const listEnd = r.uint32() + r.pos;
  const out: unknown[] = [];
  while (r.pos < listEnd) {
    const k = r.uint32();
    if ((k & 7) === 2 && e !== 'string' && e !== 'bytes') {
      const packedEnd = r.uint32() + r.pos;
      while (r.pos < packedEnd) out.push(readScalar(r, e));
    } else {
      out.push(readScalar(r, e));
    }
  }
  r.pos = listEnd;
  return out as FeatureValue;
}

/** Decode a RepeatedValue into JS values. */
export function decodeRepeated(b: Uint8Array): FeatureValue[] {
  const r = new Reader(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length);
  const out: FeatureValue[] = [];
  while (r.pos < r.end) {
    r.uint32(); // tag of RepeatedValue.val
    const end = r.uint32() + r.pos;
    out.push(readValue(r, end));
    r.pos = end;
  }
  return out;
}

/** Decode a Timestamp's seconds. */
export function decodeTimestamp(b: Uint8Array): number {
  if (b.length === 0) return 0;
  const r = new Reader(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 1, b.length);
  return r.uint32();
}
