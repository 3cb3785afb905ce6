// Writing a training set (an Arrow Table) to Parquet, CSV or Arrow IPC, by
// file extension. Each writer writes a temporary file beside the target and
// renames it into place, so a failed run leaves nothing half-written.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { RecordBatchFileWriter, type Table, Type, type Data, type Vector } from 'apache-arrow';
import { err, ok, type Result } from '../../src/core/errors.ts';
import { microsToRfc3339 } from '../../src/core/time.ts';
import { writeParquet, type WriteColumn } from '../parquet/index.ts';
import type { WriteType, WriteValues } from '../parquet/writer.ts';

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
    return err('io_error', `cannot write ${path}: ${(e as Error).message.split('\n')[0]}`, { file: path });
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

function writeTypeOf(v: Vector): WriteType {
  const t = v.type as { typeId: Type; bitWidth?: number; isSigned?: boolean; precision?: number };
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
  if (d.nullCount > 0 && d.nullBitmap) {
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
    const values = new BigInt64Array(n);
    for (let i = 0; i < n; i++) if (validity === null || validity[i]) values[i] = timeMicros(d, i);
    return { type: 'timestamp', values, unit: 'us', utc: true, validity };
  }
  return [];
}

/** Parquet: one row group per 1 Mi rows, snappy; columns typed as Arrow holds them (others as JSON strings). */
export async function writeParquetTable(table: Table, path: string): Promise<Result<void>> {
  const names = table.schema.fields.map((f) => f.name);
  const vectors = names.map((name) => table.getChild(name)!);
  const schema: WriteColumn[] = names.map((name, j) => ({ name, type: writeTypeOf(vectors[j]) }));
  function* batches() {
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
  const r = await writeParquet(path, { schema, batches: batches() });
  return r.ok ? ok(undefined) : err(r.error.code === 'io_error' ? 'io_error' : 'invalid_argument', `cannot write ${path}: ${r.error.message}`, { file: path });
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
  return viaTemp(path, async (tmp) => {
    const out = createWriteStream(tmp);
    const failed = new Promise<never>((_, reject) => out.on('error', reject));
    const names = table.schema.fields.map((f) => f.name);
    const write = async (s: string) => {
      if (!out.write(s)) await Promise.race([once(out, 'drain'), failed]);
    };
    await write(`${names.map(csvCell).join(',')}\n`);
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
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  });
}

/** Arrow IPC file format. */
export async function writeArrowTable(table: Table, path: string): Promise<Result<void>> {
  return viaTemp(path, async (tmp) => {
    const writer = RecordBatchFileWriter.writeAll(table);
    await writeFile(tmp, await writer.toUint8Array());
  });
}

/** Write by extension: .parquet, .csv or .arrow. */
export async function writeTable(table: Table, path: string): Promise<Result<void>> {
  const format = outputFormatOf(path);
  if (format === null) return err('invalid_argument', `${path}: unknown output type (use .parquet, .csv or .arrow)`, { file: path });
  return format === 'parquet' ? writeParquetTable(table, path) : format === 'csv' ? writeCsvTable(table, path) : writeArrowTable(table, path);
}
