import { err, ok, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';
import { Status, statusError } from './status.ts';

/**
 * The feature-vector codec over the WASM kernel (assembly/codec.ts, which
 * documents the byte layout). One row holds one view's values for one entity:
 * event and created timestamps (epoch microseconds), then every field.
 *
 * Decoded values: bool -> boolean; int32, float32, float64 -> number;
 * int64, unix_timestamp -> bigint (microseconds for timestamps); string ->
 * string; bytes -> Uint8Array; list<T> -> T[]; null -> null.
 */
export const CODEC_VERSION = 1;

/** Field type codes of the schema descriptor (Feast ValueType numbers; lists are 10 + T). */
export const FIELD_TYPE_CODE = Object.freeze({
  bytes: 1,
  string: 2,
  int32: 3,
  int64: 4,
  float64: 5,
  float32: 6,
  bool: 7,
  unix_timestamp: 8,
  'list<bytes>': 11,
  'list<string>': 12,
  'list<int32>': 13,
  'list<int64>': 14,
  'list<float64>': 15,
  'list<float32>': 16,
  'list<bool>': 17,
  'list<unix_timestamp>': 18,
} as const);

export type FieldType = keyof typeof FIELD_TYPE_CODE;
export type ScalarFieldType = Exclude<FieldType, `list<${string}>`>;
export type ListFieldType = Extract<FieldType, `list<${string}>`>;
export const FIELD_TYPES = Object.freeze(Object.keys(FIELD_TYPE_CODE) as FieldType[]);

/** A validated schema: ordered field types and their codes. */
export interface CodecSchema {
  readonly types: readonly FieldType[];
  readonly codes: Uint8Array;
}
export type SchemaInput = CodecSchema | readonly FieldType[];

export type FeatureValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly boolean[]
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | readonly Uint8Array[];

export interface DecodedRow {
  readonly eventTs: bigint;
  /** null when the row has no created timestamp. */
  readonly createdTs: bigint | null;
  readonly values: FeatureValue[];
}

export interface DecodedFeature {
  readonly eventTs: bigint;
  readonly createdTs: bigint | null;
  readonly value: FeatureValue;
}

type Offsets = Uint32Array | Int32Array;
type FixedArray = Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/**
 * Columnar input for one field over n rows. `validity` is an Arrow-style
 * bitmap (bit i of byte i >> 3, 1 = present), absent = all present.
 * Fixed types: bool Uint8Array (0/1), int32 Int32Array, int64/unix_timestamp
 * BigInt64Array, float32 Float32Array, float64 Float64Array.
 * string/bytes: n + 1 byte offsets into `data` (UTF-8 for strings).
 * list<fixed>: n + 1 element offsets into `values` (typed as above).
 * list<string|bytes>: n + 1 element offsets, element byte offsets, data.
 */
export type FieldColumn =
  | { readonly values: FixedArray; readonly validity?: Uint8Array }
  | { readonly offsets: Offsets; readonly data: Uint8Array; readonly validity?: Uint8Array }
  | { readonly offsets: Offsets; readonly values: FixedArray; readonly validity?: Uint8Array }
  | { readonly offsets: Offsets; readonly valueOffsets: Offsets; readonly data: Uint8Array; readonly validity?: Uint8Array };

export interface RowBatch {
  /** n event timestamps (epoch microseconds). */
  readonly eventTs: BigInt64Array;
  /** n created timestamps; NULL_TS (i64 min) or an absent array means null. */
  readonly createdTs?: BigInt64Array | null;
  /** one column per schema field, in schema order. */
  readonly columns: readonly FieldColumn[];
}

/** Encoded rows: row r is data[offsets[r] .. offsets[r + 1]). */
export interface EncodedRows {
  readonly data: Uint8Array;
  readonly offsets: Uint32Array;
}

export interface RowValues {
  readonly eventTs: bigint | number;
  readonly createdTs?: bigint | number | null;
  readonly values: readonly FeatureValue[];
}

/** One decoded column; `valid[i]` is 1 when row i has a value. */
export type DecodedColumn =
  | { readonly type: 'bool'; readonly valid: Uint8Array; readonly values: Uint8Array }
  | { readonly type: 'int32'; readonly valid: Uint8Array; readonly values: Int32Array }
  | { readonly type: 'int64' | 'unix_timestamp'; readonly valid: Uint8Array; readonly values: BigInt64Array }
  | { readonly type: 'float32'; readonly valid: Uint8Array; readonly values: Float32Array }
  | { readonly type: 'float64'; readonly valid: Uint8Array; readonly values: Float64Array }
  | { readonly type: 'string'; readonly valid: Uint8Array; readonly values: (string | null)[] }
  | { readonly type: 'bytes'; readonly valid: Uint8Array; readonly values: (Uint8Array | null)[] }
  | { readonly type: 'list<bool>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Uint8Array }
  | { readonly type: 'list<int32>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Int32Array }
  | { readonly type: 'list<int64>' | 'list<unix_timestamp>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: BigInt64Array }
  | { readonly type: 'list<float32>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Float32Array }
  | { readonly type: 'list<float64>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Float64Array }
  | { readonly type: 'list<string>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: string[] }
  | { readonly type: 'list<bytes>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Uint8Array[] };

export interface DecodedColumns {
  readonly rows: number;
  readonly eventTs: BigInt64Array;
  /** NULL_TS (i64 min) where a row has no created timestamp. */
  readonly createdTs: BigInt64Array;
  /** the decoded fields, in the order requested. */
  readonly fields: readonly number[];
  readonly columns: readonly DecodedColumn[];
}

// ------------------------------------------------------------------ internals

const NULL_CREATED = -(2n ** 63n);
const DESC_WORDS = 8; // mirrors DESC / 4 in assembly/codec.ts
const ENTRY_BYTES = 16;

/** err[2] reasons from assembly/codec.ts, as stable strings. */
export const CODEC_ERROR_REASONS = Object.freeze([
  '', 'short', 'flags', 'varint', 'code', 'padding', 'offsets', 'trailing', 'payload', 'fields', 'schema', 'input', 'capacity', 'rows',
] as const);
const REASON_TEXT: Record<string, string> = {
  short: 'truncated',
  flags: 'reserved flag bits set',
  varint: 'malformed field count',
  code: 'reserved value code',
  padding: 'non-zero padding bits',
  offsets: 'offset table decreasing',
  trailing: 'bytes after the last payload',
  payload: 'malformed list payload',
  fields: 'more fields than the schema',
  schema: 'unknown field type code',
  input: 'input offsets out of order or out of range',
  capacity: 'output capacity exceeded',
  rows: 'row offsets out of order or out of range',
};

const utf8Enc = new TextEncoder();
const utf8Dec = new TextDecoder();

type Fn = (...a: number[]) => number;

function isList(t: FieldType): t is ListFieldType {
  return t.startsWith('list<');
}
function elementType(t: ListFieldType): ScalarFieldType {
  return t.slice(5, -1) as ScalarFieldType;
}
function isVar(t: FieldType): boolean {
  return t === 'string' || t === 'bytes' || isList(t);
}

/** Bytes per value of a fixed type (bool 1). */
function width(t: ScalarFieldType): number {
  switch (t) {
    case 'bool':
      return 1;
    case 'int32':
    case 'float32':
      return 4;
    case 'int64':
    case 'float64':
    case 'unix_timestamp':
      return 8;
    default:
      return 0;
  }
}

function typedFor(t: ScalarFieldType, buf: ArrayBuffer, n: number): FixedArray {
  switch (t) {
    case 'bool':
      return new Uint8Array(buf, 0, n);
    case 'int32':
      return new Int32Array(buf, 0, n);
    case 'float32':
      return new Float32Array(buf, 0, n);
    case 'float64':
      return new Float64Array(buf, 0, n);
    default:
      return new BigInt64Array(buf, 0, n);
  }
}

const ARRAY_TYPE: Record<ScalarFieldType, { new (n: number): FixedArray; readonly name: string } | null> = {
  bool: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  unix_timestamp: BigInt64Array,
  float32: Float32Array,
  float64: Float64Array,
  string: null,
  bytes: null,
};

function expectedArray(t: ScalarFieldType): string {
  return ARRAY_TYPE[t]?.name ?? 'typed array';
}

function isArrayOf(t: ScalarFieldType, a: unknown): boolean {
  const ctor = ARRAY_TYPE[t];
  return ctor !== null && a instanceof ctor;
}

/** Validate field types and build the schema descriptor. */
export function codecSchema(types: readonly FieldType[]): Result<CodecSchema> {
  const codes = new Uint8Array(types.length);
  for (let i = 0; i < types.length; i++) {
    const c = (FIELD_TYPE_CODE as Record<string, number>)[types[i]];
    if (c === undefined) return err('invalid_argument', `codec: field ${i} has unknown type ${String(types[i])}`);
    codes[i] = c;
  }
  return ok(Object.freeze({ types: Object.freeze([...types]), codes }));
}

function schemaOf(s: SchemaInput): Result<CodecSchema> {
  return 'codes' in s && s.codes instanceof Uint8Array ? ok(s as CodecSchema) : codecSchema(s as readonly FieldType[]);
}

function failure<T>(kernel: string, status: number, info: Int32Array): Result<T> {
  const [row, field, reasonCode] = info;
  const base = statusError<T>(kernel, status);
  if (base.ok) return base;
  const reason = CODEC_ERROR_REASONS[reasonCode] ?? `reason ${reasonCode}`;
  const where = [row >= 0 ? `row ${row}` : '', field >= 0 ? `field ${field}` : ''].filter(Boolean).join(', ');
  const text = reason ? REASON_TEXT[reason] ?? reason : base.error.message.replace(`${kernel}: `, '');
  return err(base.error.code, `${kernel}: ${text}${where ? ` (${where})` : ''}`, {
    status: (base.error.details as { status: string }).status,
    reason: reason || undefined,
    row: row >= 0 ? row : undefined,
    field: field >= 0 ? field : undefined,
  });
}

// ------------------------------------------------------------------ encoding

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
    if (status !== Status.OK) return failure(kernel, status, k.i32(info, 3).slice());
    const offsets = k.u32(offs, n + 1).slice();
    return ok({ data: k.u8(out, offsets[n]).slice(), offsets });
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

// ------------------------------------------------------------------ decoding

function listValue(e: ScalarFieldType, bytes: Uint8Array): FeatureValue {
  const w = width(e);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const arr = typedFor(e, copy.buffer, bytes.length / w);
  if (e === 'bool') return Array.from(arr as Uint8Array, (x) => x !== 0);
  return Array.from(arr as unknown as ArrayLike<number | bigint>) as number[] | bigint[];
}

/** Read entries written by codec_decode_row / codec_decode_field. */
function readEntries(k: KernelInstance, types: readonly FieldType[], fields: readonly number[], out: number, aux: number, row: Uint8Array): DecodedRow {
  const m = fields.length;
  const words = 4 + 4 * m;
  const u32 = k.u32(out, words);
  const i32 = k.i32(out, words);
  const i64 = k.i64(out, words / 2);
  const f32 = k.f32(out, words);
  const f64 = k.f64(out, words / 2);
  const created = i64[1];
  const values: FeatureValue[] = [];
  let auxAt = 0;
  let auxView: Uint32Array | null = null;
  for (let i = 0; i < m; i++) {
    const t = types[fields[i]];
    const w = 4 + 4 * i;
    if (u32[w] === 0) {
      values.push(null);
      continue;
    }
    switch (t) {
      case 'bool':
        values.push(i32[w + 2] !== 0);
        continue;
      case 'int32':
        values.push(i32[w + 2]);
        continue;
      case 'int64':
      case 'unix_timestamp':
        values.push(i64[w / 2 + 1]);
        continue;
      case 'float32':
        values.push(f32[w + 2]);
        continue;
      case 'float64':
        values.push(f64[w / 2 + 1]);
        continue;
    }
    const start = u32[w + 1];
    const len = u32[w + 2];
    const count = u32[w + 3];
    const bytes = row.subarray(start, start + len);
    if (t === 'string') values.push(utf8Dec.decode(bytes));
    else if (t === 'bytes') values.push(bytes.slice());
    else {
      const e = elementType(t as ListFieldType);
      if (e === 'string' || e === 'bytes') {
        auxView ??= k.u32(aux, row.length * 2);
        const items: (string | Uint8Array)[] = [];
        for (let j = 0; j < count; j++, auxAt++) {
          const s = auxView[2 * auxAt];
          const b = row.subarray(s, s + auxView[2 * auxAt + 1]);
          items.push(e === 'string' ? utf8Dec.decode(b) : b.slice());
        }
        values.push(items as string[] | Uint8Array[]);
      } else {
        values.push(listValue(e, bytes));
      }
    }
  }
  return { eventTs: i64[0], createdTs: created === NULL_CREATED ? null : created, values };
}

/** Decode a whole row into JS values. */
export function decodeRow(k: KernelInstance, schema: SchemaInput, row: Uint8Array): Result<DecodedRow> {
  const kernel = 'codec_decode_row';
  const s = schemaOf(schema);
  if (!s.ok) return s;
  const { types, codes } = s.value;
  return k.scoped(kernel, () => {
    const sp = k.copyIn(codes);
    const rp = k.copyIn(row);
    const out = k.alloc(16 + ENTRY_BYTES * types.length);
    const aux = k.alloc(8 * row.length);
    const info = k.alloc(12);
    const status = k.fn<Fn>(kernel)(sp, types.length, rp, row.length, out, aux, info);
    if (status !== Status.OK) return failure(kernel, status, k.i32(info, 3).slice());
    return ok(readEntries(k, types, types.map((_, i) => i), out, aux, row));
  });
}

/** Decode one feature by index, without decoding the rest of the row. */
export function decodeFeature(k: KernelInstance, schema: SchemaInput, row: Uint8Array, index: number): Result<DecodedFeature> {
  const kernel = 'codec_decode_field';
  const s = schemaOf(schema);
  if (!s.ok) return s;
  const { types, codes } = s.value;
  if (!Number.isInteger(index) || index < 0 || index >= types.length) return err('invalid_argument', `${kernel}: field index ${index} out of range`);
  return k.scoped(kernel, () => {
    const sp = k.copyIn(codes);
    const rp = k.copyIn(row);
    const out = k.alloc(16 + ENTRY_BYTES);
    const aux = k.alloc(8 * row.length);
    const info = k.alloc(12);
    const status = k.fn<Fn>(kernel)(sp, types.length, rp, row.length, index, out, aux, info);
    if (status !== Status.OK) return failure(kernel, status, k.i32(info, 3).slice());
    const r = readEntries(k, types, [index], out, aux, row);
    return ok({ eventTs: r.eventTs, createdTs: r.createdTs, value: r.values[0] });
  });
}

function concatRows(rows: readonly Uint8Array[]): EncodedRows {
  const offsets = new Uint32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) offsets[i + 1] = offsets[i] + rows[i].length;
  const data = new Uint8Array(offsets[rows.length]);
  for (let i = 0; i < rows.length; i++) data.set(rows[i], offsets[i]);
  return { data, offsets };
}

/** UTF-8 strings at offsets; one TextDecoder call when the data is ASCII. */
function decodeStrings(data: Uint8Array, offsets: Uint32Array, count: number, valid: Uint8Array | null): (string | null)[] {
  const out: (string | null)[] = new Array(count);
  const text = utf8Dec.decode(data);
  // Equal lengths mean every byte decoded to one UTF-16 unit, so byte offsets are string offsets.
  const direct = text.length === data.length;
  for (let i = 0; i < count; i++) {
    if (valid && valid[i] === 0) out[i] = null;
    else out[i] = direct ? text.slice(offsets[i], offsets[i + 1]) : utf8Dec.decode(data.subarray(offsets[i], offsets[i + 1]));
  }
  return out;
}

/**
 * Decode the selected fields (default: all) of many rows into columns, in
 * one kernel pass (plus a sizing pass when variable fields are selected).
 * `rows` is either encoded rows with offsets or an array of rows.
 */
export function decodeColumns(
  k: KernelInstance,
  schema: SchemaInput,
  rows: EncodedRows | readonly Uint8Array[],
  fields?: readonly number[],
): Result<DecodedColumns> {
  const kernel = 'codec_decode';
  const s = schemaOf(schema);
  if (!s.ok) return s;
  const { types, codes } = s.value;
  const nf = types.length;
  const batch = Array.isArray(rows) ? concatRows(rows) : (rows as EncodedRows);
  if (!(batch.offsets instanceof Uint32Array) || batch.offsets.length < 1) return err('invalid_argument', `${kernel}: offsets must be a Uint32Array of n + 1 entries`);
  const n = batch.offsets.length - 1;
  const sel = fields ?? types.map((_, i) => i);
  const selMap = new Int32Array(nf).fill(-1);
  for (let i = 0; i < sel.length; i++) {
    const f = sel[i];
    if (!Number.isInteger(f) || f < 0 || f >= nf) return err('invalid_argument', `${kernel}: field index ${f} out of range`);
    if (selMap[f] >= 0) return err('invalid_argument', `${kernel}: field ${f} selected twice`);
    selMap[f] = i;
  }
  return k.scoped(kernel, () => {
    const sp = k.copyIn(codes);
    const rp = k.copyIn(batch.data);
    const op = k.copyIn(batch.offsets);
    const mp = k.copyIn(selMap);
    const info = k.alloc(12);
    const S = sel.length;
    let sizes: Uint32Array | null = null;
    if (sel.some((f) => isVar(types[f]))) {
      const sz = k.alloc(8 * S);
      const st = k.fn<Fn>('codec_plan')(sp, nf, rp, batch.data.length, op, n, mp, S, sz, info);
      if (st !== Status.OK) return failure('codec_plan', st, k.i32(info, 3).slice());
      sizes = k.u32(sz, 2 * S).slice();
    }
    const desc = new Uint32Array(DESC_WORDS * S);
    for (let i = 0; i < S; i++) {
      const t = types[sel[i]];
      const d = i * DESC_WORDS;
      desc[d] = k.alloc(n);
      if (!isVar(t)) {
        desc[d + 2] = k.alloc(n * width(t as ScalarFieldType));
        continue;
      }
      desc[d + 1] = k.alloc(4 * (n + 1));
      const count = sizes![2 * i];
      if (t === 'string' || t === 'bytes') {
        desc[d + 2] = k.alloc(count);
        desc[d + 3] = count;
        continue;
      }
      const e = elementType(t as ListFieldType);
      if (e === 'string' || e === 'bytes') {
        desc[d + 2] = k.alloc(4 * (count + 1));
        desc[d + 3] = count + 1;
        desc[d + 4] = k.alloc(sizes![2 * i + 1]);
        desc[d + 5] = sizes![2 * i + 1];
      } else {
        desc[d + 2] = k.alloc(count * width(e));
        desc[d + 3] = count;
      }
    }
    const cols = k.copyIn(desc);
    const ev = k.alloc(8 * n);
    const cr = k.alloc(8 * n);
    const st = k.fn<Fn>(kernel)(sp, nf, rp, batch.data.length, op, n, mp, S, cols, ev, cr, info);
    if (st !== Status.OK) return failure(kernel, st, k.i32(info, 3).slice());
    const columns: DecodedColumn[] = [];
    for (let i = 0; i < S; i++) columns.push(readColumn(k, types[sel[i]], desc, i, n, sizes));
    return ok({ rows: n, eventTs: k.i64(ev, n).slice(), createdTs: k.i64(cr, n).slice(), fields: [...sel], columns });
  });
}

function copyTyped(k: KernelInstance, t: ScalarFieldType, ptr: number, count: number): FixedArray {
  const bytes = count * width(t);
  const buf = new ArrayBuffer(Math.max(bytes, 0));
  new Uint8Array(buf).set(k.u8(ptr, bytes));
  return typedFor(t, buf, count);
}

function readColumn(k: KernelInstance, t: FieldType, desc: Uint32Array, i: number, n: number, sizes: Uint32Array | null): DecodedColumn {
  const d = i * DESC_WORDS;
  const valid = k.u8(desc[d], n).slice();
  if (!isVar(t)) return { type: t, valid, values: copyTyped(k, t as ScalarFieldType, desc[d + 2], n) } as DecodedColumn;
  const offsets = k.u32(desc[d + 1], n + 1).slice();
  const count = sizes![2 * i];
  if (t === 'string' || t === 'bytes') {
    const data = k.u8(desc[d + 2], count).slice();
    if (t === 'string') return { type: t, valid, values: decodeStrings(data, offsets, n, valid) };
    const values: (Uint8Array | null)[] = new Array(n);
    for (let r = 0; r < n; r++) values[r] = valid[r] ? data.subarray(offsets[r], offsets[r + 1]) : null;
    return { type: t, valid, values };
  }
  const e = elementType(t as ListFieldType);
  if (e === 'string' || e === 'bytes') {
    const co = k.u32(desc[d + 2], count + 1).slice();
    const data = k.u8(desc[d + 4], sizes![2 * i + 1]).slice();
    if (e === 'string') return { type: t as 'list<string>', valid, offsets, values: decodeStrings(data, co, count, null) as string[] };
    const values: Uint8Array[] = new Array(count);
    for (let j = 0; j < count; j++) values[j] = data.subarray(co[j], co[j + 1]);
    return { type: t as 'list<bytes>', valid, offsets, values };
  }
  return { type: t, valid, offsets, values: copyTyped(k, e, desc[d + 2], count) } as DecodedColumn;
}

/** The JS value of row i in a decoded column (see the value mapping above). */
export function columnValue(col: DecodedColumn, i: number): FeatureValue {
  if (col.valid[i] === 0) return null;
  switch (col.type) {
    case 'bool':
      return col.values[i] !== 0;
    case 'int32':
    case 'int64':
    case 'unix_timestamp':
    case 'float32':
    case 'float64':
    case 'string':
    case 'bytes':
      return col.values[i];
    case 'list<bool>':
      return Array.from(col.values.subarray(col.offsets[i], col.offsets[i + 1]), (x) => x !== 0);
    case 'list<string>':
    case 'list<bytes>':
      return col.values.slice(col.offsets[i], col.offsets[i + 1]) as string[] | Uint8Array[];
    default:
      return Array.from(col.values.subarray(col.offsets[i], col.offsets[i + 1]) as ArrayLike<number | bigint>) as number[] | bigint[];
  }
}
