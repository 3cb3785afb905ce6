// A feature's values for every source row, held as one typed array per dtype
// where one exists (numbers, int64, bool, timestamps) and as codec JS values
// otherwise (strings, bytes, lists). Nulls: validity, 1 byte per row.
import type { FeatureValue, FieldType } from '../../src/kernel/codec.ts';
import { toFeatureValue } from '../../src/serving/feature-values.ts';
import { isNullAt, jsValueAt, looseMicros, unitToMicros } from '../materialize/column-values.ts';
import type { SourceColumn } from '../materialize/source-batch.ts';

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

/** Builds a FeatureColumn from source batches, then gathers rows of it. */
export class FeatureColumnBuilder {
  readonly dtype: FieldType;
  readonly #ctor: TypedCtor | undefined;
  readonly #parts: { values: TypedValues; validity: Uint8Array }[] = [];
  readonly #js: FeatureValue[] = [];
  #rows = 0;
  /** Rows whose value did not fit the dtype (kept as null). */
  bad = 0;

  constructor(dtype: FieldType) {
    this.dtype = dtype;
    this.#ctor = TYPED[dtype];
  }

  get rows(): number {
    return this.#rows;
  }

  /** Append n rows of a source column (copied: readers recycle their buffers). */
  append(c: SourceColumn, n: number): void {
    this.#rows += n;
    const ctor = this.#ctor;
    if (ctor === undefined) {
      for (let i = 0; i < n; i++) this.#js.push(this.#value(c, i));
      return;
    }
    const values = new ctor(n) as TypedValues;
    let validity: Uint8Array;
    if (fastMatch(this.dtype, c)) {
      (values as Float64Array).set((c as { values: Float64Array }).values.subarray(0, n));
      validity = c.validity === null ? new Uint8Array(n).fill(1) : (c.validity as Uint8Array).slice(0, n);
      if (this.dtype === 'unix_timestamp' && c.type === 'timestamp' && c.unit !== 'us') {
        const v = values as BigInt64Array;
        for (let i = 0; i < n; i++) v[i] = unitToMicros(v[i], c.unit);
      }
    } else {
      validity = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const x = this.#value(c, i);
        if (x === null) continue;
        validity[i] = 1;
        (values as unknown as unknown[])[i] = this.dtype === 'bool' ? (x ? 1 : 0) : x;
      }
    }
    this.#parts.push({ values, validity });
  }

  #value(c: SourceColumn, i: number): FeatureValue {
    if (isNullAt(c, i)) return null;
    const v = coerceValue(this.dtype, jsValueAt(c, i));
    if (v === undefined) {
      this.bad++;
      return null;
    }
    return v;
  }

  build(): FeatureColumn {
    if (this.#ctor === undefined) return { kind: 'js', dtype: this.dtype, values: this.#js };
    if (this.#parts.length === 1) return { kind: 'typed', dtype: this.dtype, ...this.#parts[0] };
    const values = new this.#ctor(this.#rows) as TypedValues;
    const validity = new Uint8Array(this.#rows);
    let at = 0;
    for (const p of this.#parts) {
      (values as Float64Array).set(p.values as Float64Array, at);
      validity.set(p.validity, at);
      at += p.values.length;
    }
    this.#parts.length = 0;
    return { kind: 'typed', dtype: this.dtype, values, validity };
  }
}

function fastMatch(dtype: FieldType, c: SourceColumn): boolean {
  switch (dtype) {
    case 'float64':
      return c.type === 'double';
    case 'float32':
      return c.type === 'float';
    case 'int64':
      return c.type === 'int64';
    case 'int32':
      return c.type === 'int32';
    case 'bool':
      return c.type === 'bool';
    case 'unix_timestamp':
      return c.type === 'timestamp';
    default:
      return false;
  }
}

/** Values of `src` at rows `pick` (-1 = null), one per output row. */
export function gatherColumn(src: FeatureColumn, pick: Int32Array): FeatureColumn {
  const n = pick.length;
  if (src.kind === 'js') {
    const values: FeatureValue[] = new Array(n);
    for (let i = 0; i < n; i++) values[i] = pick[i] < 0 ? null : src.values[pick[i]];
    return { kind: 'js', dtype: src.dtype, values };
  }
  const ctor = src.values.constructor as TypedCtor;
  const values = new ctor(n) as TypedValues;
  const validity = new Uint8Array(n);
  const sv = src.values as Float64Array;
  const dv = values as Float64Array;
  const sval = src.validity;
  for (let i = 0; i < n; i++) {
    const j = pick[i];
    if (j < 0) continue;
    dv[i] = sv[j];
    validity[i] = sval[j];
  }
  return { kind: 'typed', dtype: src.dtype, values, validity };
}

/** Row i in the codec's JS form (int64 as bigint, bool as boolean, timestamps as bigint µs). */
export function featureValueAt(c: FeatureColumn, i: number): FeatureValue {
  if (c.kind === 'js') return c.values[i];
  if (c.validity[i] === 0) return null;
  if (c.dtype === 'bool') return c.values[i] !== 0;
  return c.values[i] as FeatureValue;
}
