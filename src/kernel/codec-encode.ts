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

/** Check and convert one scalar; returns undefined when the value does not fit the type. */
function scalar(t: ScalarFieldType, v: unknown): number | bigint | boolean | string | Uint8Array | undefined {
  switch (t) {
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'int32':
      return typeof v === 'number' && Number.isInteger(v) && v >= -0x8000_0000 && v <= 0x7fff_ffff ? v : undefined;
    case 'int64':
    case 'unix_timestamp':
      return toI64(v) ?? undefined;
    case 'float32':
    case 'float64':
      return typeof v === 'number' ? v : undefined;
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'bytes':
      return v instanceof Uint8Array ? v : undefined;
  }
}

function fixedArray(t: ScalarFieldType, n: number): FixedArray {
  return typedFor(t, new ArrayBuffer(Math.max(1, n) * width(t)), n);
}

function buildColumn(t: FieldType, rows: readonly RowValues[], f: number): FieldColumn | string {
  const n = rows.length;
  const validity = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
  let anyNull = false;
  const at = (r: number): unknown => {
    const v = rows[r].values[f];
    if (v === null || v === undefined) {
      setNull(validity, r);
      anyNull = true;
      return null;
    }
    return v;
  };
  const done = <C extends FieldColumn>(c: C): C => (anyNull ? { ...c, validity } : c);
  if (!isList(t)) {
    if (t === 'string' || t === 'bytes') {
      const parts: Uint8Array[] = [];
      const offsets = new Uint32Array(n + 1);
      let total = 0;
      for (let r = 0; r < n; r++) {
        const v = at(r);
        let b: Uint8Array = new Uint8Array(0);
        if (v !== null) {
          const x = scalar(t, v);
          if (x === undefined) return `row ${r}: expected a ${t === 'string' ? 'string' : 'Uint8Array'}`;
          b = typeof x === 'string' ? utf8Enc.encode(x) : (x as Uint8Array);
        }
        parts.push(b);
        total += b.length;
        offsets[r + 1] = total;
      }
      const data = new Uint8Array(total);
      for (let r = 0; r < n; r++) data.set(parts[r], offsets[r]);
      return done({ offsets, data });
    }
    const values = fixedArray(t, n);
    for (let r = 0; r < n; r++) {
      const v = at(r);
      if (v === null) continue;
      const x = scalar(t, v);
      if (x === undefined) return `row ${r}: ${String(v)} is not a valid ${t}`;
      (values as unknown as (number | bigint)[])[r] = typeof x === 'boolean' ? (x ? 1 : 0) : (x as number | bigint);
    }
    return done({ values });
  }
  const e = elementType(t);
  const offsets = new Uint32Array(n + 1);
  const items: unknown[] = [];
  for (let r = 0; r < n; r++) {
    const v = at(r);
    if (v !== null) {
      if (!Array.isArray(v)) return `row ${r}: expected an array`;
      for (let i = 0; i < v.length; i++) {
        const x = v[i] === null || v[i] === undefined ? undefined : scalar(e, v[i]);
        if (x === undefined) return `row ${r} element ${i}: ${String(v[i])} is not a valid ${e} (list elements cannot be null)`;
        items.push(x);
      }
    }
    offsets[r + 1] = items.length;
  }
  if (e === 'string' || e === 'bytes') {
    const bytes = items.map((x) => (typeof x === 'string' ? utf8Enc.encode(x) : (x as Uint8Array)));
    const valueOffsets = new Uint32Array(bytes.length + 1);
    for (let i = 0; i < bytes.length; i++) valueOffsets[i + 1] = valueOffsets[i] + bytes[i].length;
    const data = new Uint8Array(valueOffsets[bytes.length]);
    for (let i = 0; i < bytes.length; i++) data.set(bytes[i], valueOffsets[i]);
    return done({ offsets, valueOffsets, data });
  }
  const values = fixedArray(e, items.length);
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    (values as unknown as (number | bigint)[])[i] = typeof x === 'boolean' ? (x ? 1 : 0) : (x as number | bigint);
  }
  return done({ offsets, values });
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

