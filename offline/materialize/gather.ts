// Picking rows out of source columns into the kernel's input shapes: codec
// field columns (features) and key columns (join keys). Common type pairs
// (same width, int -> float, timestamp -> unix_timestamp, string -> bytes)
// copy typed arrays; everything else (CSV text, lists, odd Arrow types) goes
// value by value through the same conversions the HTTP write path uses.
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { KeyType, KeyColumn, KeyValue } from '../../src/kernel/keys.ts';
import { keyColumn } from '../../src/kernel/keys.ts';
import { rowsToBatch, type FeatureValue, type FieldColumn, type FieldType } from '../../src/kernel/codec.ts';
import { toFeatureValue } from '../../src/serving/feature-values.ts';
import { isNullAt, jsValueAt, looseMicros, unitToMicros } from './column-values.ts';
import type { SourceColumn } from './source-batch.ts';

const DAY_US = 86_400_000_000n;
const utf8 = new TextEncoder();

/** Arrow-style validity bitmap of the picked rows, or undefined when none is null. */
function pickValidity(c: SourceColumn, rows: Int32Array): Uint8Array | undefined {
  if (c.validity === null) return undefined;
  let bitmap: Uint8Array | undefined;
  for (let j = 0; j < rows.length; j++) {
    if (c.validity[rows[j]] !== 0) continue;
    bitmap ??= new Uint8Array((rows.length + 7) >> 3).fill(0xff);
    bitmap[j >> 3] &= ~(1 << (j & 7));
  }
  return bitmap;
}

function pickBytes(offsets: Int32Array, data: Uint8Array, rows: Int32Array): { offsets: Uint32Array; data: Uint8Array } {
  const out = new Uint32Array(rows.length + 1);
  let total = 0;
  for (let j = 0; j < rows.length; j++) {
    total += offsets[rows[j] + 1] - offsets[rows[j]];
    out[j + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let j = 0; j < rows.length; j++) bytes.set(data.subarray(offsets[rows[j]], offsets[rows[j] + 1]), out[j]);
  return { offsets: out, data: bytes };
}

function pickTyped<T extends Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array>(src: T, rows: Int32Array, make: (n: number) => T): T {
  const out = make(rows.length);
  for (let j = 0; j < rows.length; j++) out[j] = src[rows[j]];
  return out;
}

/** The typed fast path for a (source column, dtype) pair, or null when the pair needs the value-by-value path. */
function fastField(c: SourceColumn, dtype: FieldType, rows: Int32Array): FieldColumn | null {
  const n = rows.length;
  const validity = pickValidity(c, rows);
  const v = validity ? { validity } : {};
  switch (dtype) {
    case 'bool':
      return c.type === 'bool' ? { values: pickTyped(c.values, rows, (m) => new Uint8Array(m)), ...v } : null;
    case 'int32':
      return c.type === 'int32' ? { values: pickTyped(c.values, rows, (m) => new Int32Array(m)), ...v } : null;
    case 'int64': {
      if (c.type === 'int64') return { values: pickTyped(c.values, rows, (m) => new BigInt64Array(m)), ...v };
      if (c.type !== 'int32') return null;
      const out = new BigInt64Array(n);
      for (let j = 0; j < n; j++) out[j] = BigInt(c.values[rows[j]]);
      return { values: out, ...v };
    }
    case 'float32':
    case 'float64': {
      const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
      if (c.type === 'float' || c.type === 'double' || c.type === 'int32') for (let j = 0; j < n; j++) out[j] = c.values[rows[j]];
      else if (c.type === 'int64') for (let j = 0; j < n; j++) out[j] = Number(c.values[rows[j]]);
      else return null;
      return { values: out, ...v };
    }
    case 'unix_timestamp': {
      const out = new BigInt64Array(n);
      if (c.type === 'timestamp') for (let j = 0; j < n; j++) out[j] = unitToMicros(c.values[rows[j]], c.unit);
      else if (c.type === 'date') for (let j = 0; j < n; j++) out[j] = BigInt(c.values[rows[j]]) * DAY_US;
      else if (c.type === 'int64') for (let j = 0; j < n; j++) out[j] = c.values[rows[j]] * 1_000_000n;
      else if (c.type === 'int32') for (let j = 0; j < n; j++) out[j] = BigInt(c.values[rows[j]]) * 1_000_000n;
      else return null;
      return { values: out, ...v };
    }
    case 'string':
    case 'bytes':
      return c.type === 'string' || c.type === 'binary' ? { ...pickBytes(c.offsets, c.data, rows), ...v } : null;
    default:
      return null;
  }
}

const INT = /^[+-]?\d+$/;
const SPECIAL_FLOATS: Readonly<Record<string, number>> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };

/** A CSV cell as the codec's JS value for `dtype`; undefined when it does not fit. */
export function textValue(dtype: FieldType, text: string): FeatureValue | undefined {
  const s = text.trim();
  if (s === '') return null;
  if (dtype.startsWith('list<')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed)) return undefined;
    const inner = dtype.slice(5, -1) as FieldType;
    const out: unknown[] = [];
    for (const e of parsed) {
      const x = typeof e === 'string' && inner !== 'string' && inner !== 'bytes' ? textValue(inner, e) : toFeatureValue(inner, e);
      if (x === undefined || x === null) return undefined;
      out.push(x);
    }
    return out as FeatureValue;
  }
  switch (dtype) {
    case 'bool':
      return /^(true|1)$/i.test(s) ? true : /^(false|0)$/i.test(s) ? false : undefined;
    case 'int32':
    case 'int64':
      return INT.test(s) ? toFeatureValue(dtype, dtype === 'int64' ? s.replace(/^\+/, '') : Number(s)) : undefined;
    case 'float32':
    case 'float64': {
      const special = SPECIAL_FLOATS[s.toLowerCase()];
      const x = special ?? Number(s);
      return special === undefined && Number.isNaN(x) ? undefined : toFeatureValue(dtype, x);
    }
    case 'string':
      return text;
    case 'bytes':
      return utf8.encode(text);
    case 'unix_timestamp':
      return looseMicros(s) ?? undefined;
    default:
      return undefined;
  }
}

function slowValue(c: SourceColumn, dtype: FieldType, i: number): FeatureValue | undefined {
  if (c.type === 'text') return textValue(dtype, c.values[i]);
  const v = jsValueAt(c, i);
  if (dtype === 'unix_timestamp' && typeof v === 'number') return looseMicros(v) ?? undefined;
  return toFeatureValue(dtype, v);
}

/** The picked rows of one source column as a codec field column of `dtype`. */
export function gatherField(c: SourceColumn, dtype: FieldType, rows: Int32Array, column: string): Result<FieldColumn> {
  const fast = fastField(c, dtype, rows);
  if (fast !== null) return ok(fast);
  const values: { eventTs: number; values: FeatureValue[] }[] = new Array(rows.length);
  for (let j = 0; j < rows.length; j++) {
    const x = slowValue(c, dtype, rows[j]);
    if (x === undefined) return err('invalid_rows', `source column "${column}": ${describe(jsValueAt(c, rows[j]))} is not a valid ${dtype}`, { column });
    values[j] = { eventTs: 0, values: [x] };
  }
  const batch = rowsToBatch([dtype], values);
  return batch.ok ? ok(batch.value.columns[0]) : batch;
}

function describe(v: unknown): string {
  if (typeof v === 'bigint') return `${v}`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return JSON.stringify(v) ?? String(v);
}

/** A join-key value from a value of the slow path; null when it is null or does not fit. */
function keyValue(type: KeyType, v: unknown): KeyValue | null {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'int32':
    case 'int64':
    case 'unix_timestamp': {
      let b: bigint | null = null;
      if (typeof v === 'bigint') b = v;
      else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
      else if (typeof v === 'string' && INT.test(v.trim())) b = BigInt(v.trim().replace(/^\+/, ''));
      if (b === null) return null;
      if (type === 'int32') return b >= -(2n ** 31n) && b < 2n ** 31n ? Number(b) : null;
      return BigInt.asIntN(64, b) === b ? b : null;
    }
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
    case 'bytes':
      return v instanceof Uint8Array ? v : typeof v === 'string' ? utf8.encode(v) : null;
  }
}

const ALL = (n: number) => {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
};

/**
 * One join-key column over `rows` (null: every row of the batch, without
 * copying when the column already has the key's layout). Null keys get a
 * placeholder value: callers keep such rows out of the selection. A value
 * that is present but not a valid key is an error naming the column and row.
 */
export function gatherKey(c: SourceColumn, name: string, type: KeyType, n: number, rows: Int32Array | null, column: string): Result<KeyColumn> {
  const pick = rows ?? ALL(n);
  const m = pick.length;
  if ((type === 'int64' || type === 'unix_timestamp') && c.type === 'int64')
    return ok({ name, type, values: rows === null ? c.values.subarray(0, n) : pickTyped(c.values, rows, (k) => new BigInt64Array(k)) });
  if (type === 'int32' && c.type === 'int32')
    return ok({ name, type, values: rows === null ? c.values.subarray(0, n) : pickTyped(c.values, rows, (k) => new Int32Array(k)) });
  if ((type === 'string' || type === 'bytes') && (c.type === 'string' || c.type === 'binary')) {
    if (rows === null) return ok({ name, type, offsets: c.offsets.subarray(0, n + 1), data: c.data });
    return ok({ name, type, ...pickBytes(c.offsets, c.data, rows) });
  }
  if (type === 'unix_timestamp' && c.type === 'timestamp') {
    // unix_timestamp join keys are epoch seconds, as in Feast's key bytes.
    const out = new BigInt64Array(m);
    for (let j = 0; j < m; j++) out[j] = unitToMicros(c.values[pick[j]], c.unit) / 1_000_000n;
    return ok({ name, type, values: out });
  }
  const values: KeyValue[] = new Array(m);
  const placeholder: KeyValue = type === 'string' ? '' : type === 'bytes' ? new Uint8Array(0) : 0;
  for (let j = 0; j < m; j++) {
    const i = pick[j];
    if (isNullAt(c, i)) {
      values[j] = placeholder;
      continue;
    }
    let v = jsValueAt(c, i);
    if (type === 'unix_timestamp' && typeof v === 'bigint' && (c.type === 'date' || c.type === 'timestamp')) v = v / 1_000_000n;
    const k = keyValue(type, v);
    if (k === null) return err('invalid_rows', `source column "${column}" row ${i}: ${describe(v)} is not a valid ${type} join key`, { column, row: i });
    values[j] = k;
  }
  return keyColumn(name, type, values);
}

/** Rows whose join key is null in any of the key columns (1 = null), or null when there are none. */
export function nullKeyRows(cols: readonly SourceColumn[], n: number): Uint8Array | null {
  let mask: Uint8Array | null = null;
  for (const c of cols) {
    if (c.type !== 'text' && c.type !== 'js' && c.validity === null) continue;
    for (let i = 0; i < n; i++) {
      if (!isNullAt(c, i)) continue;
      mask ??= new Uint8Array(n);
      mask[i] = 1;
    }
  }
  return mask;
}
