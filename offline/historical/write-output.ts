// Writing a training set (an Arrow Table) to Parquet, CSV or Arrow IPC, by
// file extension. Each writer writes a temporary file beside the target and
// renames it into place, so a failed run leaves nothing half-written. The
// *Chunks writers take the output as a stream of tables (in row order) and
// write each as it comes, so the whole output need not be in memory.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { RecordBatchFileWriter, type DataType, type Schema, type Table, Type, type Data } from 'apache-arrow';
import { err, ok, type FsError, type Result } from '../../src/core/errors.ts';
import { microsToRfc3339 } from '../../src/core/time.ts';
import { writeParquet, type WriteColumn } from '../parquet/index.ts';
import type { WriteType, WriteValues } from '../parquet/writer.ts';
import { validityBytesOf } from './arrow-output.ts';

export type OutputFormat = 'parquet' | 'csv' | 'arrow';

export function outputFormatOf(path: string): OutputFormat | null {
  const ext = extname(path).toLowerCase();
  return ext === '.parquet' ? 'parquet' : ext === '.csv' ? 'csv' : ext === '.arrow' || ext === '.arrows' || ext === '.feather' || ext === '.ipc' ? 'arrow' : null;
}

const tempPath = (path: string) => join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);

async function viaTemp(path: string, write: (tmp: string) => Promise<void>): Promise<Result<void>> {
  const tmp = tempPath(path);
  try {
    await write(tmp);
    await rename(tmp, path);
    return ok(undefined);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    return failedWrite(path, e);
  }
}

/**
 * Epoch µs of a timestamp or date value at row i of a chunk. (Arrow JS slices
 * fixed-width value buffers; `offset` applies to the validity bitmap only.)
 */
function timeMicros(d: Data, i: number): bigint {
  const t = d.type as { typeId: Type; unit?: number };
  if (t.typeId === Type.Timestamp) {
    const x = (d.values as BigInt64Array)[i];
    switch (t.unit) {
      case 0:
        return x * 1_000_000n;
      case 1:
        return x * 1000n;
      case 3:
        return x / 1000n - (x % 1000n !== 0n && x < 0n ? 1n : 0n);
      default:
        return x;
    }
  }
  const days = t.typeId === Type.Date && (t as { unit?: number }).unit === 0;
  const v = (d.values as Int32Array | BigInt64Array)[i];
  return days ? BigInt(v as number) * 86_400_000_000n : BigInt(v) * 1000n;
}

const valid = (d: Data, i: number) => d.nullCount === 0 || !d.nullBitmap || ((d.nullBitmap[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1) === 1;

function writeTypeOfType(type: DataType): WriteType {
  const t = type as { typeId: Type; bitWidth?: number; isSigned?: boolean; precision?: number };
  switch (t.typeId) {
    case Type.Int:
      return t.bitWidth === 64 || (t.bitWidth === 32 && !t.isSigned) ? 'int64' : 'int32';
    case Type.Float:
      return t.precision === 1 ? 'float' : 'double';
    case Type.Bool:
      return 'bool';
    case Type.Timestamp:
    case Type.Date:
      return 'timestamp';
    default:
      return 'string';
  }
}

/** One chunk of a column in the Parquet writer's shapes (typed arrays with a validity byte per row), or [] when it has none. */
function chunkValues(d: Data, type: WriteType): WriteValues {
  const n = d.length;
  let validity: Uint8Array | null = null;
  const known = d.nullCount > 0 && d.nullBitmap ? validityBytesOf(d.nullBitmap) : undefined;
  if (known && known.length >= d.offset + n) validity = known.subarray(d.offset, d.offset + n);
  else if (d.nullCount > 0 && d.nullBitmap) {
    validity = new Uint8Array(n);
    const bits = d.nullBitmap;
    for (let i = 0, b = d.offset; i < n; i++, b++) validity[i] = (bits[b >> 3] >> (b & 7)) & 1;
  }
  const t = d.type as { typeId: Type; bitWidth?: number; isSigned?: boolean };
  if (type === 'double' && t.typeId === Type.Float) return { type: 'double', values: (d.values as Float64Array).subarray(0, n), validity };
  if (type === 'float') return { type: 'float', values: (d.values as Float32Array).subarray(0, n), validity };
  if (type === 'int64' && t.bitWidth === 64 && t.isSigned) return { type: 'int64', values: (d.values as BigInt64Array).subarray(0, n), validity };
  if (type === 'int32' && t.bitWidth === 32) return { type: 'int32', values: (d.values as Int32Array).subarray(0, n), validity };
  if (type === 'timestamp') {
    // Microseconds already (Arrow unit 2): the values as they are (a null's slot is never written).
    if (t.typeId === Type.Timestamp && (t as { unit?: number }).unit === 2) return { type: 'timestamp', values: (d.values as BigInt64Array).subarray(0, n), unit: 'us', utc: true, validity };
    const values = new BigInt64Array(n);
    for (let i = 0; i < n; i++) if (validity === null || validity[i]) values[i] = timeMicros(d, i);
    return { type: 'timestamp', values, unit: 'us', utc: true, validity };
  }
  return [];
}

/**
 * The chunks of an output, in row order, all with the same schema. A writer
 * consumes a chunk before asking for the next one, except the Arrow IPC writer,
 * which may still hold a chunk's buffers after asking: give it fresh buffers.
 */
export type TableChunks = Iterable<Table> | AsyncIterable<Table>;

/** Raised inside a chunk source to stop a write: the writer removes its temp file and returns this error. */
export class ChunkSourceError extends Error {
  readonly error: FsError;
  constructor(error: FsError) {
    super(error.message);
    this.error = error;
  }
}

function failedWrite(path: string, e: unknown): Result<never> {
  if (e instanceof ChunkSourceError) return { ok: false, error: e.error };
  return err('io_error', `cannot write ${path}: ${(e as Error).message.split('\n')[0]}`, { file: path });
}

/** Parquet: one row group per 1 Mi rows, snappy; columns typed as Arrow holds them (others as JSON strings). */
export async function writeParquetTable(table: Table, path: string): Promise<Result<void>> {
  return writeParquetChunks(table.schema, [table], path);
}

/** Parquet from chunks: each chunk's record batches become row groups (split at 1 Mi rows). */
export async function writeParquetChunks(schemaOf: Schema, chunks: TableChunks, path: string): Promise<Result<void>> {
  const names = schemaOf.fields.map((f) => f.name);
  const schema: WriteColumn[] = schemaOf.fields.map((f) => ({ name: f.name, type: writeTypeOfType(f.type) }));
  async function* batches() {
    for await (const table of chunks) {
      for (let b = 0; b < table.batches.length; b++) {
        const rb = table.batches[b];
        const columns: Record<string, WriteValues> = {};
        names.forEach((name, j) => {
          const d = rb.getChildAt(j)!.data[0];
          const type = schema[j].type;
          const fast = chunkValues(d, type);
          if (!Array.isArray(fast)) columns[name] = fast;
          else {
            const v = rb.getChildAt(j)!;
            const out: (string | number | bigint | boolean | null)[] = new Array(rb.numRows);
            for (let i = 0; i < rb.numRows; i++) out[i] = jsCell(v.get(i), type);
            columns[name] = out;
          }
        });
        yield { numRows: rb.numRows, columns };
      }
    }
  }
  try {
    const r = await writeParquet(path, { schema, batches: batches() });
    return r.ok ? ok(undefined) : err(r.error.code === 'io_error' ? 'io_error' : 'invalid_argument', `cannot write ${path}: ${r.error.message}`, { file: path });
  } catch (e) {
    return failedWrite(path, e);
  }
}

function jsCell(x: unknown, type: WriteType): string | number | bigint | boolean | null {
  if (x === null || x === undefined) return null;
  if (type === 'string') return typeof x === 'string' ? x : stringify(x);
  return x as number;
}

function stringify(x: unknown): string {
  if (x instanceof Uint8Array) return Buffer.from(x).toString('base64');
  if (typeof x === 'object' && x !== null && 'toArray' in x) return stringify(Array.from((x as { toArray(): ArrayLike<unknown> }).toArray()));
  return JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
}

const csvCell = (s: string): string => (/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV: a header row, RFC 4180 quoting, timestamps as RFC 3339 (µs), nulls as empty cells. */
export async function writeCsvTable(table: Table, path: string): Promise<Result<void>> {
  return writeCsvChunks(table.schema, [table], path);
}

/** CSV from chunks, written as they come. */
export async function writeCsvChunks(schema: Schema, chunks: TableChunks, path: string): Promise<Result<void>> {
  return viaTemp(path, async (tmp) => {
    const out = createWriteStream(tmp);
    const failed = new Promise<never>((_, reject) => out.on('error', reject));
    failed.catch(() => undefined);
    const names = schema.fields.map((f) => f.name);
    const write = async (s: string) => {
      if (!out.write(s)) await Promise.race([once(out, 'drain'), failed]);
    };
    try {
      await write(`${names.map(csvCell).join(',')}\n`);
      for await (const table of chunks) {
        for (const rb of table.batches) {
          const cols = names.map((_, j) => rb.getChildAt(j)!);
          let buf = '';
          for (let i = 0; i < rb.numRows; i++) {
            const cells: string[] = new Array(cols.length);
            for (let j = 0; j < cols.length; j++) {
              const v = cols[j];
              const d = v.data[0];
              const t = v.type.typeId;
              if (!valid(d, i)) cells[j] = '';
              else if (t === Type.Timestamp || t === Type.Date) cells[j] = microsToRfc3339(Number(timeMicros(d, i)));
              else {
                const x = v.get(i) as unknown;
                cells[j] = csvCell(typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'bigint' || typeof x === 'boolean' ? String(x) : stringify(x));
              }
            }
            buf += `${cells.join(',')}\n`;
            if (buf.length > 1 << 20) {
              await write(buf);
              buf = '';
            }
          }
          if (buf) await write(buf);
        }
      }
      out.end();
      await Promise.race([once(out, 'finish'), failed]);
    } catch (e) {
      out.destroy();
      await once(out, 'close').catch(() => undefined);
      throw e;
    }
  });
}

/** Arrow IPC file format. */
export async function writeArrowTable(table: Table, path: string): Promise<Result<void>> {
  return writeArrowChunks(table.schema, [table], path);
}

/** Arrow IPC file format from chunks: record batches are written as they come. */
export async function writeArrowChunks(schema: Schema, chunks: TableChunks, path: string): Promise<Result<void>> {
  return viaTemp(path, async (tmp) => {
    const out = createWriteStream(tmp);
    const failed = new Promise<never>((_, reject) => out.on('error', reject));
    failed.catch(() => undefined);
    const writer = new RecordBatchFileWriter();
    const piped = new Promise<void>((resolve, reject) => {
      writer.toNodeStream().on('error', reject).pipe(out).on('finish', () => resolve()).on('error', reject);
    });
    piped.catch(() => undefined);
    try {
      writer.reset(undefined, schema);
      for await (const table of chunks) {
        for (const rb of table.batches) writer.write(rb);
        // Let the file stream take what is queued before the next chunk is built.
        if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), failed]);
      }
      writer.finish();
      await Promise.race([piped, failed]);
    } catch (e) {
      writer.abort();
      out.destroy();
      await once(out, 'close').catch(() => undefined);
      throw e;
    }
  });
}

/** Write chunks by extension: .parquet, .csv or .arrow. Nothing is left at `path` on failure. */
export async function writeChunks(schema: Schema, chunks: TableChunks, path: string): Promise<Result<void>> {
  const format = outputFormatOf(path);
  if (format === null) return err('invalid_argument', `${path}: unknown output type (use .parquet, .csv or .arrow)`, { file: path });
  return format === 'parquet' ? writeParquetChunks(schema, chunks, path) : format === 'csv' ? writeCsvChunks(schema, chunks, path) : writeArrowChunks(schema, chunks, path);
}

/** Write by extension: .parquet, .csv or .arrow. */
export async function writeTable(table: Table, path: string): Promise<Result<void>> {
  const format = outputFormatOf(path);
  if (format === null) return err('invalid_argument', `${path}: unknown output type (use .parquet, .csv or .arrow)`, { file: path });
  return format === 'parquet' ? writeParquetTable(table, path) : format === 'csv' ? writeCsvTable(table, path) : writeArrowTable(table, path);
}
