// Decoding feature vectors through the kernel: a whole row or one feature of
// a row into JS values (the online per-entity path), or selected fields of
// many rows into columns (the batch path, one kernel pass).
import { err, ok, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';
import { Status } from './status.ts';
import {
  elementType,
  isList,
  isVar,
  schemaOf,
  typedFor,
  width,
  type DecodedColumn,
  type DecodedColumns,
  type DecodedFeature,
  type DecodedRow,
  type EncodedRows,
  type FeatureValue,
  type FieldType,
  type FixedArray,
  type ListFieldType,
  type ScalarFieldType,
  type SchemaInput,
} from './codec-schema.ts';
import { DESC_WORDS, ENTRY_BYTES, NULL_CREATED, align, kernelFailure, mem, utf8, utf8Many, type Fn, type Mem } from './codec-support.ts';

/** Above this many bytes of bounded output, decodeColumns sizes its output with a first pass. */
const SINGLE_PASS_BYTES = 32 << 20;

export interface DecodeColumnsOptions {
  /**
   * Variable columns get output buffers bounded by the input size when all
   * such bounds fit in this many bytes (default 32 MiB), saving a sizing pass
   * over the rows; above it, a first pass measures exact sizes.
   */
  readonly singlePassBytes?: number;
}

/** A list payload of fixed-width elements at [p, p + count * width) as JS values. */
function listAt(m: Mem, e: ScalarFieldType, p: number, count: number): FeatureValue {
  const dv = m.dv;
  switch (e) {
    case 'bool': {
      const out = new Array<boolean>(count);
      for (let j = 0; j < count; j++) out[j] = m.u8[p + j] !== 0;
      return out;
    }
    case 'int32': {
      const out = new Array<number>(count);
      for (let j = 0; j < count; j++) out[j] = dv.getInt32(p + 4 * j, true);
      return out;
    }
    case 'float32': {
      const out = new Array<number>(count);
      for (let j = 0; j < count; j++) out[j] = dv.getFloat32(p + 4 * j, true);
      return out;
    }
    case 'float64': {
      const out = new Array<number>(count);
      for (let j = 0; j < count; j++) out[j] = dv.getFloat64(p + 8 * j, true);
      return out;
    }
    default: {
      const out = new Array<bigint>(count);
      for (let j = 0; j < count; j++) out[j] = dv.getBigInt64(p + 8 * j, true);
      return out;
    }
  }
}

/**
 * JS values of the entries written by codec_decode_row / codec_decode_field
 * at `out` (event, created, then 16-byte entries; see assembly/codec.ts).
 */
function readEntries(m: Mem, types: readonly FieldType[], fields: readonly number[] | null, out: number, aux: number, rowPtr: number): DecodedRow {
  const { dv, u32, u8 } = m;
  const count = fields === null ? types.length : fields.length;
  const values: FeatureValue[] = new Array(count);
  let auxAt = aux >>> 2;
  for (let i = 0; i < count; i++) {
    const t = types[fields === null ? i : fields[i]];
    const at = out + 16 + ENTRY_BYTES * i;
    if (u32[at >>> 2] === 0) {
      values[i] = null;
      continue;
    }
    switch (t) {
      case 'bool':
        values[i] = u32[(at >>> 2) + 2] !== 0;
        continue;
      case 'int32':
        values[i] = m.i32[(at >>> 2) + 2];
        continue;
      case 'int64':
      case 'unix_timestamp':
        values[i] = dv.getBigInt64(at + 8, true);
        continue;
      case 'float32':
        values[i] = dv.getFloat32(at + 8, true);
        continue;
      case 'float64':
        values[i] = dv.getFloat64(at + 8, true);
        continue;
    }
    const p = rowPtr + u32[(at >>> 2) + 1];
    const len = u32[(at >>> 2) + 2];
    const n = u32[(at >>> 2) + 3];
    if (t === 'string') values[i] = utf8(u8, p, p + len);
    else if (t === 'bytes') values[i] = u8.slice(p, p + len);
    else {
      const e = elementType(t as ListFieldType);
      if (e === 'string' || e === 'bytes') {
        const items = new Array<string | Uint8Array>(n);
        for (let j = 0; j < n; j++, auxAt += 2) {
          const s = rowPtr + u32[auxAt];
          items[j] = e === 'string' ? utf8(u8, s, s + u32[auxAt + 1]) : u8.slice(s, s + u32[auxAt + 1]);
        }
        values[i] = items as string[] | Uint8Array[];
      } else {
        values[i] = listAt(m, e, p, n);
      }
    }
  }
  const created = dv.getBigInt64(out + 8, true);
  return { eventTs: dv.getBigInt64(out, true), createdTs: created === NULL_CREATED ? null : created, values };
}

/**
 * One arena block for a single-row call: schema codes, row bytes, the entry
 * output, the aux area (8 bytes per row byte bounds the list<string|bytes>
 * elements) and the err record. Returns the block's addresses.
 */
function rowBlock(k: KernelInstance, codes: Uint8Array, row: Uint8Array, entries: number) {
  const oRow = align(codes.length);
  const oOut = oRow + align(row.length);
  const oAux = oOut + align(16 + ENTRY_BYTES * entries);
  const oInfo = oAux + align(8 * row.length);
  const base = k.alloc(oInfo + 16);
  const m = mem(k);
  m.u8.set(codes, base);
  m.u8.set(row, base + oRow);
  return { m, schema: base, row: base + oRow, out: base + oOut, aux: base + oAux, info: base + oInfo };
}

/** Decode a whole row into JS values. */
export function decodeRow(k: KernelInstance, schema: SchemaInput, row: Uint8Array): Result<DecodedRow> {
  const kernel = 'codec_decode_row';
  const s = schemaOf(schema);
  if (!s.ok) return s;
  const { types, codes } = s.value;
  return k.scoped(kernel, () => {
    const b = rowBlock(k, codes, row, types.length);
    const st = k.fn<Fn>(kernel)(b.schema, types.length, b.row, row.length, b.out, b.aux, b.info);
    if (st !== Status.OK) return kernelFailure(k, kernel, st, b.info);
    return ok(readEntries(b.m, types, null, b.out, b.aux, b.row));
  });
}

/** Decode one feature by index; the kernel locates it from the codes before it without decoding the others. */
export function decodeFeature(k: KernelInstance, schema: SchemaInput, row: Uint8Array, index: number): Result<DecodedFeature> {
  const kernel = 'codec_decode_field';
  const s = schemaOf(schema);
  if (!s.ok) return s;
  const { types, codes } = s.value;
  if (!Number.isInteger(index) || index < 0 || index >= types.length) return err('invalid_argument', `${kernel}: field index ${index} out of range`);
  return k.scoped(kernel, () => {
    const b = rowBlock(k, codes, row, 1);
    const st = k.fn<Fn>(kernel)(b.schema, types.length, b.row, row.length, index, b.out, b.aux, b.info);
    if (st !== Status.OK) return kernelFailure(k, kernel, st, b.info);
    const r = readEntries(b.m, types, [index], b.out, b.aux, b.row);
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

/** Upper bound of the output bytes of a variable column over rows totalling B bytes. */
function boundBytes(t: FieldType, B: number): number {
  const e = isList(t) ? elementType(t) : null;
  return e === 'string' || e === 'bytes' ? 5 * B + 4 : B;
}

/**
 * Decode the selected fields (default: all, in schema order) of many rows
 * into columns in one kernel pass (plus a sizing pass when bounding the
 * variable columns' output by the input size would exceed
 * `opts.singlePassBytes`). `rows` is either encoded rows with offsets or an
 * array of rows.
 */
export function decodeColumns(
  k: KernelInstance,
  schema: SchemaInput,
  rows: EncodedRows | readonly Uint8Array[],
  fields?: readonly number[],
  opts: DecodeColumnsOptions = {},
): Result<DecodedColumns> {
  const kernel = 'codec_decode';
  const s = schemaOf(schema);
  if (!s.ok) return s;
  const { types, codes } = s.value;
  const nf = types.length;
  const batch = Array.isArray(rows) ? concatRows(rows) : (rows as EncodedRows);
  if (!(batch.offsets instanceof Uint32Array) || batch.offsets.length < 1 || !(batch.data instanceof Uint8Array)) {
    return err('invalid_argument', `${kernel}: rows must be a Uint8Array with n + 1 Uint32Array offsets`);
  }
  const n = batch.offsets.length - 1;
  const sel = fields ?? types.map((_, i) => i);
  const S = sel.length;
  const selMap = new Int32Array(nf).fill(-1);
  for (let i = 0; i < S; i++) {
    const f = sel[i];
    if (!Number.isInteger(f) || f < 0 || f >= nf) return err('invalid_argument', `${kernel}: field index ${f} out of range`);
    if (selMap[f] >= 0) return err('invalid_argument', `${kernel}: field ${f} selected twice`);
    selMap[f] = i;
  }
  return k.scoped(kernel, () => {
    const B = batch.data.length;
    // Inputs and the err record in one block.
    const oRows = align(nf);
    const oOffs = oRows + align(B);
    const oSel = oOffs + align(4 * (n + 1));
    const oInfo = oSel + align(4 * nf);
    const base = k.alloc(oInfo + 16);
    let m = mem(k);
    m.u8.set(codes, base);
    m.u8.set(batch.data, base + oRows);
    m.u32.set(batch.offsets, (base + oOffs) >>> 2);
    m.i32.set(selMap, (base + oSel) >>> 2);
    const info = base + oInfo;
    // Output sizes of variable columns: bounded by the input, or measured.
    const sizes = new Uint32Array(2 * S);
    const varSel = sel.filter((f) => isVar(types[f]));
    if (varSel.length > 0 && varSel.reduce((a, f) => a + boundBytes(types[f], B), 0) <= (opts.singlePassBytes ?? SINGLE_PASS_BYTES)) {
      for (let i = 0; i < S; i++) {
        const t = types[sel[i]];
        if (!isVar(t)) continue;
        const e = isList(t) ? elementType(t) : null;
        sizes[2 * i] = e === null || e === 'string' || e === 'bytes' ? B : Math.floor(B / width(e));
        sizes[2 * i + 1] = B;
      }
    } else if (varSel.length > 0) {
      const sz = k.alloc(8 * S);
      const st = k.fn<Fn>('codec_plan')(base, nf, base + oRows, B, base + oOffs, n, base + oSel, S, sz, info);
      if (st !== Status.OK) return kernelFailure(k, 'codec_plan', st, info);
      m = mem(k);
      sizes.set(m.u32.subarray(sz >>> 2, (sz >>> 2) + 2 * S));
    }
    // Outputs of known size (timestamps, validity, fixed values, row offsets)
    // share one block, copied out at once; variable payloads get their own.
    const fixedAt = new Array<number>(S);
    let size = 16 * n;
    for (let i = 0; i < S; i++) {
      const t = types[sel[i]];
      fixedAt[i] = size;
      size += align(n) + align(isVar(t) ? 4 * (n + 1) : n * width(t as ScalarFieldType));
    }
    const block = k.alloc(size);
    const desc = new Uint32Array(DESC_WORDS * S);
    for (let i = 0; i < S; i++) {
      const t = types[sel[i]];
      const d = i * DESC_WORDS;
      desc[d] = block + fixedAt[i];
      const second = block + fixedAt[i] + align(n);
      if (!isVar(t)) {
        desc[d + 2] = second;
        continue;
      }
      desc[d + 1] = second;
      const count = sizes[2 * i];
      const e = isList(t) ? elementType(t) : null;
      if (e === null) {
        desc[d + 2] = k.alloc(count);
        desc[d + 3] = count;
      } else if (e === 'string' || e === 'bytes') {
        desc[d + 2] = k.alloc(4 * (count + 1));
        desc[d + 3] = count + 1;
        desc[d + 4] = k.alloc(sizes[2 * i + 1]);
        desc[d + 5] = sizes[2 * i + 1];
      } else {
        desc[d + 2] = k.alloc(count * width(e));
        desc[d + 3] = count;
      }
    }
    const cols = k.alloc(4 * desc.length);
    m = mem(k);
    m.u32.set(desc, cols >>> 2);
    const st = k.fn<Fn>(kernel)(base, nf, base + oRows, B, base + oOffs, n, base + oSel, S, cols, block, block + 8 * n, info);
    if (st !== Status.OK) return kernelFailure(k, kernel, st, info);
    m = mem(k);
    const out = m.u8.slice(block, block + size).buffer;
    const columns: DecodedColumn[] = new Array(S);
    for (let i = 0; i < S; i++) columns[i] = readColumn(m, out, fixedAt[i], types[sel[i]], desc, i, n);
    return ok({ rows: n, eventTs: new BigInt64Array(out, 0, n), createdTs: new BigInt64Array(out, 8 * n, n), fields: [...sel], columns });
  });
}

/** Copy bytes from kernel memory into a typed array (bit-exact, any alignment). */
function copyOut<A extends FixedArray | Uint32Array>(m: Mem, ptr: number, into: A): A {
  new Uint8Array(into.buffer, into.byteOffset, into.byteLength).set(m.u8.subarray(ptr, ptr + into.byteLength));
  return into;
}

/**
 * Column i from the copied block `out` (validity at `at`, then fixed values
 * or row offsets) and, for variable fields, its payload buffers in kernel memory.
 */
function readColumn(m: Mem, out: ArrayBuffer, at: number, t: FieldType, desc: Uint32Array, i: number, n: number): DecodedColumn {
  const d = i * DESC_WORDS;
  const valid = new Uint8Array(out, at, n);
  const second = at + align(n);
  if (!isVar(t)) return { type: t, valid, values: typedFor(t as ScalarFieldType, out, n, second) } as DecodedColumn;
  const offsets = new Uint32Array(out, second, n + 1);
  const count = offsets[n];
  if (t === 'string' || t === 'bytes') {
    const data = m.u8.slice(desc[d + 2], desc[d + 2] + count);
    if (t === 'string') return { type: t, valid, values: utf8Many(data, offsets, n, valid) };
    const values: (Uint8Array | null)[] = new Array(n);
    for (let r = 0; r < n; r++) values[r] = valid[r] ? data.subarray(offsets[r], offsets[r + 1]) : null;
    return { type: t, valid, values };
  }
  const e = elementType(t as ListFieldType);
  if (e === 'string' || e === 'bytes') {
    const co = copyOut(m, desc[d + 2], new Uint32Array(count + 1));
    const data = m.u8.slice(desc[d + 4], desc[d + 4] + co[count]);
    if (e === 'string') return { type: t as 'list<string>', valid, offsets, values: utf8Many(data, co, count, null) as string[] };
    const values: Uint8Array[] = new Array(count);
    for (let j = 0; j < count; j++) values[j] = data.subarray(co[j], co[j + 1]);
    return { type: t as 'list<bytes>', valid, offsets, values };
  }
  const values = typedFor(e, m.u8.slice(desc[d + 2], desc[d + 2] + count * width(e)).buffer, count);
  return { type: t, valid, offsets, values } as DecodedColumn;
}

/** The JS value of row i in a decoded column (same mapping as decodeRow). */
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
    case 'list<bool>': {
      const out = new Array<boolean>(col.offsets[i + 1] - col.offsets[i]);
      for (let j = 0; j < out.length; j++) out[j] = col.values[col.offsets[i] + j] !== 0;
      return out;
    }
    case 'list<string>':
    case 'list<bytes>':
      return col.values.slice(col.offsets[i], col.offsets[i + 1]) as string[] | Uint8Array[];
    default: {
      const a = col.offsets[i];
      const out = new Array<number | bigint>(col.offsets[i + 1] - a);
      for (let j = 0; j < out.length; j++) out[j] = col.values[a + j];
      return out as number[] | bigint[];
    }
  }
}
