// writeParquet: stream batches into a Parquet file, one row group per batch
// (split at rowGroupRows). Pages are data page v1, PLAIN values, RLE
// definition levels for nullable columns, snappy-compressed by the kernel;
// the footer and page headers are Thrift via hyparquet-writer. The file is
// written to `path.tmp-<pid>` and renamed into place, so a failed write never
// leaves a half-written file at `path`.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { ColumnChunk, FileMetaData, RowGroup, SchemaElement } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { encodeDataPage, type PageValues } from '../../src/kernel/parquet.ts';
import { toEpochMicros } from './columns.ts';
import { ioError, pqErr, pqOk, type ParquetResult } from './errors.ts';
import { nodeKernel } from './kernel.ts';
import type { Column } from './types.ts';

export type WriteType = 'bool' | 'int32' | 'int64' | 'float' | 'double' | 'string' | 'timestamp' | 'date';

export interface WriteColumn {
  readonly name: string;
  /** 'timestamp' is written as TIMESTAMP(MICROS, isAdjustedToUTC=true); 'date' as DATE (days). */
  readonly type: WriteType;
  /** Default true (OPTIONAL, with definition levels); false writes REQUIRED and rejects nulls. */
  readonly nullable?: boolean;
}

/** Values of one column in a batch: a reader Column, a typed array of the column's type, or JS values with nulls. */
export type WriteValues =
  | Column
  | Float64Array
  | Float32Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | readonly (string | number | bigint | boolean | null | undefined)[];

export interface WriteBatch {
  readonly numRows: number;
  readonly columns: Readonly<Record<string, WriteValues>>;
}

export interface WriteOptions {
  readonly schema: readonly WriteColumn[];
  readonly batches: Iterable<WriteBatch> | AsyncIterable<WriteBatch>;
  /** Default 'snappy'. */
  readonly compression?: 'snappy' | 'none';
  /** Largest row group; bigger batches are split (default 1,048,576 rows). */
  readonly rowGroupRows?: number;
  /** Target uncompressed bytes per data page (default 1 MiB). */
  readonly pageBytes?: number;
  readonly keyValueMetadata?: Readonly<Record<string, string>>;
  /** fsync the file before the rename (default false: like DuckDB's COPY; the rename alone guards against half-written files from failed runs). */
  readonly fsync?: boolean;
}

export interface WriteSummary {
  readonly rows: number;
  readonly rowGroups: number;
  readonly bytes: number;
}

const PHYSICAL: Record<WriteType, SchemaElement['type']> = {
  bool: 'BOOLEAN', int32: 'INT32', date: 'INT32', int64: 'INT64', timestamp: 'INT64', float: 'FLOAT', double: 'DOUBLE', string: 'BYTE_ARRAY',
};
const STATS = { int32: 'i32', date: 'i32', int64: 'i64', timestamp: 'i64', float: 'f32', double: 'f64' } as Record<WriteType, 'i32' | 'i64' | 'f32' | 'f64' | undefined>;
const WIDTH: Record<WriteType, number> = { bool: 1, int32: 4, date: 4, int64: 8, timestamp: 8, float: 4, double: 8, string: 0 };

function schemaElement(c: WriteColumn): SchemaElement {
  const e: SchemaElement = { name: c.name, type: PHYSICAL[c.type], repetition_type: c.nullable === false ? 'REQUIRED' : 'OPTIONAL' };
  if (c.type === 'string') return { ...e, converted_type: 'UTF8', logical_type: { type: 'STRING' } };
  if (c.type === 'date') return { ...e, converted_type: 'DATE', logical_type: { type: 'DATE' } };
  if (c.type === 'timestamp') return { ...e, converted_type: 'TIMESTAMP_MICROS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } };
  return e;
}

/** A column's values normalized for the kernel: raw bytes (fixed) or offsets + data (strings), plus validity. */
interface Normalized {
  bytes?: Uint8Array;
  offsets?: Int32Array;
  data?: Uint8Array;
  validity: Uint8Array | null;
}

const utf8 = new TextEncoder();
const asBytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function normalize(col: WriteColumn, v: WriteValues, n: number): Normalized | string {
  const t = col.type;
  if (Array.isArray(v)) {
    const arr = v as readonly unknown[];
    if (arr.length < n) return `has ${arr.length} values for ${n} rows`;
    const validity = new Uint8Array(n);
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      if (arr[i] === null || arr[i] === undefined) nulls++;
      else validity[i] = 1;
    }
    const val = nulls > 0 ? validity : null;
    if (t === 'string') {
      const parts = arr.slice(0, n).map((x) => (x === null || x === undefined ? new Uint8Array(0) : utf8.encode(String(x))));
      const offsets = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + parts[i].length;
      const data = new Uint8Array(offsets[n]);
      parts.forEach((p, i) => data.set(p, offsets[i]));
      return { offsets, data, validity: val };
    }
    if (t === 'bool') return { bytes: Uint8Array.from(arr.slice(0, n), (x) => (x ? 1 : 0)), validity: val };
    if (t === 'int64' || t === 'timestamp') {
      const typed = BigInt64Array.from(arr.slice(0, n), (x) => (x === null || x === undefined ? 0n : BigInt(x as bigint | number)));
      return { bytes: asBytes(typed), validity: val };
    }
    const typed = t === 'double' ? new Float64Array(n) : t === 'float' ? new Float32Array(n) : new Int32Array(n);
    for (let i = 0; i < n; i++) typed[i] = Number(arr[i] ?? 0);
    return { bytes: asBytes(typed), validity: val };
  }
  if (ArrayBuffer.isView(v)) {
    const want = { bool: Uint8Array, int32: Int32Array, date: Int32Array, int64: BigInt64Array, timestamp: BigInt64Array, float: Float32Array, double: Float64Array, string: null }[t];
    if (!want || !(v instanceof want)) return `is a ${v.constructor.name}, expected a ${t} column`;
    if (v.length < n) return `has ${v.length} values for ${n} rows`;
    return { bytes: asBytes(v), validity: null };
  }
  const c = v as Column;
  if (c.type === 'list') return 'is a list column (lists cannot be written)';
  const type: string = c.type;
  const ok = type === t || (t === 'string' && type === 'binary') || (t === 'timestamp' && type === 'int64');
  if (!ok) return `is a ${c.type} column, expected ${t}`;
  if (!('values' in c)) {
    if (c.offsets.length < n + 1) return `has ${c.offsets.length - 1} values for ${n} rows`;
    return { offsets: c.offsets, data: c.data, validity: c.validity };
  }
  const values = c.type === 'timestamp' ? toEpochMicros(c) : c.values;
  if (values.length < n) return `has ${values.length} values for ${n} rows`;
  return { bytes: asBytes(values), validity: c.validity };
}

/** The rows of each page of a column chunk: ~pageBytes of values each. */
function pageBounds(norm: Normalized, width: number, start: number, end: number, pageBytes: number): number[] {
  const bounds = [start];
  if (norm.offsets) {
    let s = start;
    for (let i = start; i < end; i++) {
      if (norm.offsets[i + 1] - norm.offsets[s] + 4 * (i + 1 - s) >= pageBytes && i + 1 < end) {
        bounds.push(i + 1);
        s = i + 1;
      }
    }
  } else {
    const step = Math.max(1, Math.floor(pageBytes / Math.max(width, 1)) * (width === 1 ? 8 : 1));
    for (let r = start + step; r < end; r += step) bounds.push(r);
  }
  bounds.push(end);
  return bounds;
}

class Out {
  readonly fd: number;
  offset = 0;
  constructor(fd: number) {
    this.fd = fd;
  }
  write(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done);
    this.offset += b.length;
  }
}

interface Ctx {
  k: KernelInstance;
  out: Out;
  snappy: boolean;
  pageBytes: number;
  ones: Uint8Array;
}

/** Write rows [start, end) of one column as a column chunk; returns its metadata. */
function writeChunk(ctx: Ctx, col: WriteColumn, norm: Normalized, start: number, end: number): ParquetResult<ColumnChunk> {
  const n = end - start;
  const nullable = col.nullable !== false;
  const width = WIDTH[col.type];
  const chunkStart = ctx.out.offset;
  let unc = 0;
  let nulls = 0;
  let lo: number | bigint | undefined;
  let hi: number | bigint | undefined;
  if (!nullable && norm.validity) {
    for (let i = start; i < end; i++) {
      if (!norm.validity[i]) return pqErr('invalid_argument', `column ${col.name} is not nullable but row ${i} is null`);
    }
  }
  const bounds = pageBounds(norm, width, start, end, ctx.pageBytes);
  for (let p = 0; p + 1 < bounds.length; p++) {
    const a = bounds[p];
    const b = bounds[p + 1];
    const rows = b - a;
    let validity: Uint8Array | null = null;
    if (nullable) {
      if (norm.validity) validity = norm.validity.subarray(a, b);
      else {
        if (ctx.ones.length < rows) ctx.ones = new Uint8Array(rows).fill(1);
        validity = ctx.ones.subarray(0, rows);
      }
    }
    let values: PageValues;
    if (norm.offsets) values = { kind: 'bytes', offsets: norm.offsets.subarray(a, b + 1), data: norm.data! };
    else if (col.type === 'bool') values = { kind: 'bool', bytes: norm.bytes!.subarray(a, b) };
    else values = { kind: 'fixed', width: width as 4 | 8, bytes: norm.bytes!.subarray(a * width, b * width), stats: STATS[col.type] };
    let headerLen = 0;
    const page = encodeDataPage(ctx.k, values, rows, validity, ctx.snappy, (body, info) => {
      // Header then body, straight from wasm memory to the file.
      const header = new ByteWriter(64);
      writePageHeader(header, {
        type: 'DATA_PAGE',
        uncompressed_page_size: info.uncompressedSize,
        compressed_page_size: info.compressedSize,
        data_page_header: { num_values: rows, encoding: 'PLAIN', definition_level_encoding: 'RLE', repetition_level_encoding: 'RLE' },
      });
      const hb = header.getBytes();
      headerLen = hb.length;
      ctx.out.write(hb);
      ctx.out.write(body);
    });
    if (!page.ok) return pqErr(page.error.code, `column ${col.name}: ${page.error.message}`);
    nulls += rows - page.value.nonNull;
    unc += headerLen + page.value.uncompressedSize;
    const { min, max } = page.value;
    if (min !== undefined && max !== undefined) {
      if (lo === undefined || min < lo) lo = min;
      if (hi === undefined || max > hi) hi = max;
    }
  }
  const mm = lo !== undefined && hi !== undefined ? { min: lo, max: hi } : undefined;
  return pqOk({
    file_offset: BigInt(chunkStart),
    meta_data: {
      type: PHYSICAL[col.type]!,
      encodings: nullable ? ['PLAIN', 'RLE'] : ['PLAIN'],
      path_in_schema: [col.name],
      codec: ctx.snappy ? 'SNAPPY' : 'UNCOMPRESSED',
      num_values: BigInt(n),
      total_uncompressed_size: BigInt(unc),
      total_compressed_size: BigInt(ctx.out.offset - chunkStart),
      data_page_offset: BigInt(chunkStart),
      statistics: { null_count: BigInt(nulls), ...(mm ? { min_value: mm.min, max_value: mm.max } : {}) },
    },
  });
}

/**
 * Write batches to a Parquet file. Columns are matched by name; each batch
 * must hold every schema column for its numRows rows. Errors come back as
 * values (invalid_argument for bad input, io_error from the file system), and
 * nothing is left at `path` or at the temporary path on failure.
 */
export async function writeParquet(path: string, opts: WriteOptions): Promise<ParquetResult<WriteSummary>> {
  const schema = opts.schema;
  if (schema.length === 0) return pqErr('invalid_argument', `${path}: a Parquet file needs at least one column`);
  const names = new Set<string>();
  for (const c of schema) {
    if (names.has(c.name)) return pqErr('invalid_argument', `${path}: duplicate column ${c.name}`);
    if (!(c.type in WIDTH)) return pqErr('invalid_argument', `${path}: column ${c.name} has unknown type ${String(c.type)}`);
    names.add(c.name);
  }
  const maxRows = Math.max(1, Math.floor(opts.rowGroupRows ?? 1 << 20));
  const k = await nodeKernel();
  const tmp = `${path}.tmp-${process.pid}`;
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    return ioError(tmp, e);
  }
  const fail = <T>(r: ParquetResult<T>): ParquetResult<T> => {
    try {
      closeSync(fd);
    } catch {}
    try {
      unlinkSync(tmp);
    } catch {}
    return r;
  };
  const ctx: Ctx = { k, out: new Out(fd), snappy: opts.compression !== 'none', pageBytes: Math.max(1024, opts.pageBytes ?? 1 << 20), ones: new Uint8Array(0) };
  const rowGroups: RowGroup[] = [];
  let rows = 0;
  try {
    ctx.out.write(utf8.encode('PAR1'));
    for await (const batch of opts.batches) {
      const n = batch.numRows;
      if (!Number.isInteger(n) || n < 0) return fail(pqErr('invalid_argument', `${path}: batch numRows ${n}`));
      const norms: Normalized[] = [];
      for (const c of schema) {
        const v = batch.columns[c.name];
        if (v === undefined) return fail(pqErr('invalid_argument', `${path}: batch has no column ${c.name}`));
        const norm = normalize(c, v, n);
        if (typeof norm === 'string') return fail(pqErr('invalid_argument', `${path}: column ${c.name} ${norm}`));
        norms.push(norm);
      }
      for (let s = 0; s < n; s += maxRows) {
        const e = Math.min(n, s + maxRows);
        const groupStart = ctx.out.offset;
        const columns: ColumnChunk[] = [];
        for (let i = 0; i < schema.length; i++) {
          const chunk = writeChunk(ctx, schema[i], norms[i], s, e);
          if (!chunk.ok) return fail(pqErr(chunk.error.code, `${path}: ${chunk.error.message}`));
          columns.push(chunk.value);
        }
        const size = columns.reduce((t, c) => t + (c.meta_data?.total_uncompressed_size ?? 0n), 0n);
        rowGroups.push({
          columns,
          total_byte_size: size,
          num_rows: BigInt(e - s),
          file_offset: BigInt(groupStart),
          total_compressed_size: BigInt(ctx.out.offset - groupStart),
        });
        rows += e - s;
      }
    }
    const md: FileMetaData = {
      version: 1,
      schema: [{ name: 'schema', num_children: schema.length }, ...schema.map(schemaElement)],
      num_rows: BigInt(rows),
      row_groups: rowGroups,
      created_by: 'larder',
      ...(opts.keyValueMetadata ? { key_value_metadata: Object.entries(opts.keyValueMetadata).map(([key, value]) => ({ key, value })) } : {}),
      metadata_length: 0,
    };
    const footer = new ByteWriter();
    writeMetadata(footer, md as Parameters<typeof writeMetadata>[1]);
    footer.appendBytes(utf8.encode('PAR1'));
    ctx.out.write(footer.getBytes());
    if (opts.fsync) fsyncSync(fd);
    closeSync(fd);
  } catch (e) {
    // A file-system failure is a value; anything else (a throwing batch source, a bug) is rethrown after cleanup.
    if ((e as { syscall?: string }).syscall !== undefined) return fail(ioError(tmp, e));
    fail(pqOk(undefined));
    throw e;
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {}
    return ioError(path, e);
  }
  return pqOk({ rows, rowGroups: rowGroups.length, bytes: ctx.out.offset });
}
