// Feature columns (typed arrays or codec JS values) as Arrow vectors of the
// feature's dtype: float64 -> Float64, int64 -> Int64, unix_timestamp ->
// Timestamp(µs, UTC), strings -> Utf8, lists -> List, and so on.
import {
  Binary,
  Bool,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  makeVector,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import type { FeatureValue, FieldType } from '../../src/kernel/codec.ts';
import type { FeatureColumn } from '../sources/feature-column.ts';

export function arrowType(dtype: FieldType): DataType {
  switch (dtype) {
    case 'float64':
      return new Float64();
    case 'float32':
      return new Float32();
    case 'int64':
      return new Int64();
    case 'int32':
      return new Int32();
    case 'bool':
      return new Bool();
    case 'unix_timestamp':
      return new TimestampMicrosecond('UTC');
    case 'string':
      return new Utf8();
    case 'bytes':
      return new Binary();
    default:
      if (dtype.startsWith('list<')) return new List(new Field('item', arrowType(dtype.slice(5, -1) as FieldType), false));
      return new Utf8();
  }
}

/**
 * The validity bytes (one per row) an Arrow null bitmap was packed from, by bitmap: the
 * Parquet writer wants bytes, and looks here before unpacking the bitmap again
 * (write-output.ts). Slices of the vector share the bitmap, so they find it too.
 */
const validityBytes = new WeakMap<Uint8Array, Uint8Array>();

export function validityBytesOf(nullBitmap: Uint8Array): Uint8Array | undefined {
  return validityBytes.get(nullBitmap);
}

function bitmap(validity: Uint8Array): { nullBitmap: Uint8Array; nullCount: number } {
  const packed = packBits(validity);
  validityBytes.set(packed.nullBitmap, validity);
  return packed;
}

function packBits(validity: Uint8Array): { nullBitmap: Uint8Array; nullCount: number } {
  const n = validity.length;
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let valid = 0;
  for (let i = 0; i < n; i++) {
    if (validity[i]) {
      nullBitmap[i >> 3] |= 1 << (i & 7);
      valid++;
    }
  }
  return { nullBitmap, nullCount: n - valid };
}

function jsForArrow(dtype: FieldType, v: FeatureValue): unknown {
  if (v === null) return null;
  if (dtype === 'unix_timestamp' && typeof v === 'bigint') return Number(v / 1000n); // Arrow's builder takes ms
  return v;
}

/** A feature column as an Arrow vector. */
export function featureVector(c: FeatureColumn): Vector {
  const type = arrowType(c.dtype);
  if (c.kind === 'typed') {
    const n = c.values.length;
    if (c.dtype === 'bool') {
      const bits = new Uint8Array((n + 7) >> 3);
      const v = c.values as Uint8Array;
      for (let i = 0; i < n; i++) if (v[i]) bits[i >> 3] |= 1 << (i & 7);
      return makeVector(makeData({ type: type as Bool, length: n, data: bits, ...bitmap(c.validity) }));
    }
    return makeVector(makeData({ type: type as Float64, length: n, data: c.values as Float64Array, ...bitmap(c.validity) }));
  }
  return vectorFromArray(c.values.map((v) => jsForArrow(c.dtype, v)), type);
}
