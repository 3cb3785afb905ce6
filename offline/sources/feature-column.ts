// A feature's values for every output row, held as one typed array per dtype
// where one exists (numbers, int64, bool, timestamps) and as codec JS values
// otherwise (strings, bytes, lists). Nulls: validity, 1 byte per row.
import type { FeatureValue, FieldType } from '../../src/kernel/codec.ts';
import { toFeatureValue } from '../../src/serving/feature-values.ts';
import { looseMicros } from '../materialize/column-values.ts';

export type TypedValues = Float64Array | Float32Array | BigInt64Array | Int32Array | Uint8Array;

export type FeatureColumn =
  | { readonly kind: 'typed'; readonly dtype: FieldType; readonly values: TypedValues; readonly validity: Uint8Array }
  | { readonly kind: 'js'; readonly dtype: FieldType; readonly values: FeatureValue[] };

type TypedCtor = Float64ArrayConstructor | Float32ArrayConstructor | BigInt64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

const TYPED: Partial<Record<FieldType, TypedCtor>> = {
  float64: Float64Array,
  float32: Float32Array,
  int64: BigInt64Array,
  unix_timestamp: BigInt64Array,
  int32: Int32Array,
  bool: Uint8Array,
};

export function typedCtor(dtype: FieldType): TypedCtor | undefined {
  return TYPED[dtype];
}

/** A CSV cell or loose JS value in the dtype's codec form (undefined when it does not fit). */
export function coerceValue(dtype: FieldType, v: unknown): FeatureValue | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    const s = v.trim();
    switch (dtype) {
      case 'float32':
      case 'float64':
        return s === '' ? null : Number.isNaN(Number(s)) && s.toLowerCase() !== 'nan' ? undefined : toFeatureValue(dtype, Number(s));
      case 'int32':
        return /^-?\d+$/.test(s) ? toFeatureValue(dtype, Number(s)) : undefined;
      case 'bool':
        return /^(true|1)$/i.test(s) ? true : /^(false|0)$/i.test(s) ? false : undefined;
      case 'unix_timestamp': {
        const us = looseMicros(s);
        return us === null ? undefined : us;
      }
      case 'string':
        return v;
      default:
        if (dtype.startsWith('list<') && s.startsWith('[')) {
          try {
            return toFeatureValue(dtype, JSON.parse(s));
          } catch {
            return undefined;
          }
        }
        return toFeatureValue(dtype, s);
    }
  }
  if (typeof v === 'bigint' && (dtype === 'float64' || dtype === 'float32' || dtype === 'int32')) return toFeatureValue(dtype, Number(v));
  if (typeof v === 'number' && dtype === 'int64' && Number.isInteger(v)) return BigInt(v);
  return toFeatureValue(dtype, v);
}

/** Row i in the codec's JS form (int64 as bigint, bool as boolean, timestamps as bigint µs). */
export function featureValueAt(c: FeatureColumn, i: number): FeatureValue {
  if (c.kind === 'js') return c.values[i];
  if (c.validity[i] === 0) return null;
  if (c.dtype === 'bool') return c.values[i] !== 0;
  return c.values[i] as FeatureValue;
}
