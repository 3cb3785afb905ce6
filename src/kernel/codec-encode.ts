// Encoding feature vectors through the kernel: columns (the batch write path)
// or JS values (the single-row write path), both ending in codec_encode.
import { err, ok, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';
import { Status, statusError } from './status.ts';
import {
  elementType,
  expectedArray,
  isArrayOf,
  isList,
  isVar,
  schemaOf,
  typedFor,
  width,
  type EncodedRows,
  type FieldColumn,
  type FieldType,
  type FixedArray,
  type ListFieldType,
  type Offsets,
  type RowBatch,
  type RowValues,
  type ScalarFieldType,
  type SchemaInput,
} from './codec-schema.ts';
import { DESC_WORDS, NULL_CREATED, kernelFailure, mem, type Fn } from './codec-support.ts';

const utf8Enc = new TextEncoder();

function offsetsOk(o: unknown, n: number): boolean {
  return (o instanceof Uint32Array || o instanceof Int32Array) && o.length === n + 1;
}

/** Check one input column against its type; returns an upper bound of its variable bytes, or an error string. */
function checkColumn(t: FieldType, c: FieldColumn, n: number): number | string {
  if (c == null || typeof c !== 'object') return 'missing column';
  if (c.validity !== undefined && !(c.validity instanceof Uint8Array && c.validity.length >= Math.ceil(n / 8))) return 'validity must be a Uint8Array bitmap of ceil(n/8) bytes';
  if (!isVar(t)) {
    const col = c as { values: FixedArray };
    if (!isArrayOf(t as ScalarFieldType, col.values) || col.values.length !== n) return `values must be a ${expectedArray(t as ScalarFieldType)} of length ${n}`;
    return 0;
  }
  const col = c as { offsets: Offsets; data?: Uint8Array; values?: FixedArray; valueOffsets?: Offsets };
  if (!offsetsOk(col.offsets, n)) return `offsets must be a Uint32Array or Int32Array of length ${n + 1}`;
  if (t === 'string' || t === 'bytes') return col.data instanceof Uint8Array ? col.data.length : 'data must be a Uint8Array';
  const e = elementType(t as ListFieldType);
  if (e === 'string' || e === 'bytes') {
    if (!(col.valueOffsets instanceof Uint32Array || col.valueOffsets instanceof Int32Array) || col.valueOffsets.length < 1) return 'valueOffsets must be a Uint32Array or Int32Array';
    if (!(col.data instanceof Uint8Array)) return 'data must be a Uint8Array';
    return col.data.length + 5 * (col.valueOffsets.length - 1);
  }
  if (!isArrayOf(e, col.values)) return `values must be a ${expectedArray(e)}`;
  return col.values!.byteLength;
}

/** Encode n rows given as columns (the batch write path). */
export function encodeRows(k: KernelInstance, schema: SchemaInput, batch: RowBatch): Result<EncodedRows> {
  const kernel = 'codec_encode';
  const s = schemaOf(schema);
  if (!s.ok) return s;
  const { types, codes } = s.value;
  const nf = types.length;
  if (!(batch.eventTs instanceof BigInt64Array)) return err('invalid_argument', `${kernel}: eventTs must be a BigInt64Array`);
  const n = batch.eventTs.length;
  if (batch.createdTs != null && !(batch.createdTs instanceof BigInt64Array && batch.createdTs.length === n)) {
    return err('invalid_argument', `${kernel}: createdTs must be a BigInt64Array of length ${n}`);
  }
  if (batch.columns.length !== nf) return err('invalid_argument', `${kernel}: ${batch.columns.length} columns for ${nf} fields`);
  let varBound = 0;
  let nVar = 0;
  for (let f = 0; f < nf; f++) {
    const b = checkColumn(types[f], batch.columns[f], n);
    if (typeof b === 'string') return err('invalid_argument', `${kernel}: field ${f} (${types[f]}): ${b}`);
    varBound += b;
    if (isVar(types[f])) nVar++;
  }
  const cap = n * (23 + Math.ceil(nf / 4) + 8 * (nf - nVar) + 4 * nVar) + varBound;
  if (cap > 0xffff_0000) return statusError(kernel, Status.OUT_OF_MEMORY);
  return k.scoped(kernel, () => {
    const desc = new Uint32Array(DESC_WORDS * nf);
    for (let f = 0; f < nf; f++) {
      const c = batch.columns[f] as Partial<{ validity: Uint8Array; offsets: Offsets; data: Uint8Array; values: FixedArray; valueOffsets: Offsets }>;
      const d = f * DESC_WORDS;
      desc[d] = c.validity ? k.copyIn(c.validity) : 0;
      const t = types[f];
      if (!isVar(t)) {
        desc[d + 2] = k.copyIn(c.values!);
        continue;
      }
      desc[d + 1] = k.copyIn(c.offsets!);
      if (t === 'string' || t === 'bytes') {
        desc[d + 2] = k.copyIn(c.data!);
        desc[d + 3] = c.data!.length;
      } else if (c.valueOffsets) {
        desc[d + 2] = k.copyIn(c.valueOffsets);
        desc[d + 3] = c.valueOffsets.length;
        desc[d + 4] = k.copyIn(c.data!);
        desc[d + 5] = c.data!.length;
      } else {
        desc[d + 2] = k.copyIn(c.values!);
        desc[d + 3] = c.values!.length;
      }
    }
    const schemaPtr = k.copyIn(codes);
    const cols = k.copyIn(desc);
    const ev = k.copyIn(batch.eventTs);
    const cr = batch.createdTs ? k.copyIn(batch.createdTs) : 0;
    const out = k.alloc(cap);
    const offs = k.alloc(4 * (n + 1));
    const info = k.alloc(12);
    const status = k.fn<Fn>(kernel)(schemaPtr, nf, n, ev, cr, cols, out, cap, offs, info);
    if (status !== Status.OK) return kernelFailure(k, kernel, status, info);
    const m = mem(k);
    const offsets = m.u32.slice(offs >>> 2, (offs >>> 2) + n + 1);
    return ok({ data: m.u8.slice(out, out + offsets[n]), offsets });
  });
}

function toI64(v: unknown): bigint | null {
  if (typeof v === 'bigint') return BigInt.asIntN(64, v) === v ? v : null;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return null;
}

function setNull(validity: Uint8Array, r: number): void {
  validity[r >> 3] &= ~(1 << (r & 7));
}

/** Convert JS rows to columns (the input of encodeRows). */
export function rowsToBatch(schema: SchemaInput, rows: readonly RowValues[]): Result<RowBatch> {
  const s = schemaOf(schema);
  if (!s.ok) return s;
  const { types } = s.value;
  const n = rows.length;
  const eventTs = new BigInt64Array(n);
  let createdTs: BigInt64Array | null = null;
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    const e = toI64(row.eventTs);
    if (e === null) return err('invalid_argument', `codec: row ${r}: eventTs must be an integer (epoch microseconds)`);
    eventTs[r] = e;
    if (row.createdTs != null) {
      const c = toI64(row.createdTs);
      if (c === null) return err('invalid_argument', `codec: row ${r}: createdTs must be an integer (epoch microseconds)`);
      createdTs ??= new BigInt64Array(n).fill(NULL_CREATED);
      createdTs[r] = c;
    }
    if (!Array.isArray(row.values) || row.values.length !== types.length) {
      return err('invalid_argument', `codec: row ${r}: expected ${types.length} values`);
    }
  }
  const columns: FieldColumn[] = [];
  for (let f = 0; f < types.length; f++) {
    const c = buildColumn(types[f], rows, f);
    if (typeof c === 'string') return err('invalid_argument', `codec: field ${f} (${types[f]}): ${c}`);
    columns.push(c);
  }
  return ok({ eventTs, createdTs, columns });
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

type Put = (a: FixedArray, i: number, v: unknown) => boolean;

function fixedArray(t: ScalarFieldType, n: number): FixedArray {
  return typedFor(t, new ArrayBuffer(n * width(t)), n);
}

/** Store one JS value into a typed array of its field type; false when it does not fit. */
const PUT: Record<ScalarFieldType, Put> = {
  float64: (a, i, v) => typeof v === 'number' && ((a[i] = v), true),
  float32: (a, i, v) => typeof v === 'number' && ((a[i] = v), true),
  int32: (a, i, v) => typeof v === 'number' && (v | 0) === v && ((a[i] = v), true),
  bool: (a, i, v) => typeof v === 'boolean' && ((a[i] = v ? 1 : 0), true),
  int64: putI64,
  unix_timestamp: putI64,
  string: () => false,
  bytes: () => false,
};

function putI64(a: FixedArray, i: number, v: unknown): boolean {
  if (typeof v === 'bigint') {
    if (v < I64_MIN || v > I64_MAX) return false;
    a[i] = v;
    return true;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    a[i] = BigInt(v);
    return true;
  }
  return false;
}

/** Bytes a string or byte array needs at most (UTF-8: 3 per UTF-16 unit), or -1 for the wrong kind. */
function byteBound(t: 'string' | 'bytes', v: unknown): number {
  if (t === 'string') return typeof v === 'string' ? 3 * v.length : -1;
  return v instanceof Uint8Array ? v.length : -1;
}

/** Write a string (UTF-8) or byte array at data[pos]; returns the new position. */
function putBytes(data: Uint8Array, pos: number, v: string | Uint8Array): number {
  if (typeof v !== 'string') {
    data.set(v, pos);
    return pos + v.length;
  }
  let j = 0;
  for (; j < v.length; j++) {
    const c = v.charCodeAt(j);
    if (c >= 0x80) break;
    data[pos + j] = c;
  }
  return j === v.length ? pos + j : pos + utf8Enc.encodeInto(v, data.subarray(pos)).written;
}

/**
 * One field of many JS rows as an input column, without intermediate JS
 * arrays: every pass reads the rows and writes typed arrays directly.
 */
function buildColumn(t: FieldType, rows: readonly RowValues[], f: number): FieldColumn | string {
  const n = rows.length;
  let validity: Uint8Array | undefined;
  const markNull = (r: number): void => {
    validity ??= new Uint8Array(Math.ceil(n / 8)).fill(0xff);
    setNull(validity, r);
  };
  const withValidity = <C extends FieldColumn>(c: C): C => (validity ? { ...c, validity } : c);
  if (t === 'string' || t === 'bytes') {
    let bound = 0;
    for (let r = 0; r < n; r++) {
      const v = rows[r].values[f];
      if (v == null) continue;
      const b = byteBound(t, v);
      if (b < 0) return `row ${r}: expected a ${t === 'string' ? 'string' : 'Uint8Array'}`;
      bound += b;
    }
    const data = new Uint8Array(bound);
    const offsets = new Uint32Array(n + 1);
    let pos = 0;
    for (let r = 0; r < n; r++) {
      const v = rows[r].values[f];
      if (v == null) markNull(r);
      else pos = putBytes(data, pos, v as string | Uint8Array);
      offsets[r + 1] = pos;
    }
    return withValidity({ offsets, data: data.subarray(0, pos) });
  }
  if (!isList(t)) {
    const values = fixedArray(t, n);
    const put = PUT[t];
    for (let r = 0; r < n; r++) {
      const v = rows[r].values[f];
      if (v == null) markNull(r);
      else if (!put(values, r, v)) return `row ${r}: ${String(v)} is not a valid ${t}`;
    }
    return withValidity({ values });
  }
  const e = elementType(t);
  const offsets = new Uint32Array(n + 1);
  let count = 0;
  let bound = 0;
  for (let r = 0; r < n; r++) {
    const v = rows[r].values[f];
    if (v == null) markNull(r);
    else if (!Array.isArray(v)) return `row ${r}: expected an array`;
    else {
      count += v.length;
      if (e === 'string' || e === 'bytes') {
        for (let i = 0; i < v.length; i++) {
          const b = byteBound(e, v[i]);
          if (b < 0) return `row ${r} element ${i}: ${String(v[i])} is not a valid ${e} (list elements cannot be null)`;
          bound += b;
        }
      }
    }
    offsets[r + 1] = count;
  }
  if (e === 'string' || e === 'bytes') {
    const data = new Uint8Array(bound);
    const valueOffsets = new Uint32Array(count + 1);
    let pos = 0;
    let k = 0;
    for (let r = 0; r < n; r++) {
      const v = rows[r].values[f] as readonly (string | Uint8Array)[] | null;
      if (v == null) continue;
      for (let i = 0; i < v.length; i++) {
        pos = putBytes(data, pos, v[i]);
        valueOffsets[++k] = pos;
      }
    }
    return withValidity({ offsets, valueOffsets, data: data.subarray(0, pos) });
  }
  const values = fixedArray(e, count);
  const put = PUT[e];
  let k = 0;
  for (let r = 0; r < n; r++) {
    const v = rows[r].values[f] as readonly unknown[] | null;
    if (v == null) continue;
    for (let i = 0; i < v.length; i++, k++) {
      if (!put(values, k, v[i])) return `row ${r} element ${i}: ${String(v[i])} is not a valid ${e} (list elements cannot be null)`;
    }
  }
  return withValidity({ offsets, values });
}

/** Encode many rows of JS values. */
export function encodeValueRows(k: KernelInstance, schema: SchemaInput, rows: readonly RowValues[]): Result<EncodedRows> {
  const s = schemaOf(schema);
  if (!s.ok) return s;
  const b = rowsToBatch(s.value, rows);
  return b.ok ? encodeRows(k, s.value, b.value) : b;
}

/** Encode one row of JS values (the write path). */
export function encodeRow(k: KernelInstance, schema: SchemaInput, row: RowValues): Result<Uint8Array> {
  const r = encodeValueRows(k, schema, [row]);
  return r.ok ? ok(r.value.data) : r;
}

