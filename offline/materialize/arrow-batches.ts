// Arrow IPC files and streams, one record batch at a time, as source columns.
import { open } from 'node:fs/promises';
import { RecordBatchReader, Type, type Data, type RecordBatch, type Vector } from 'apache-arrow';
import { err, ok, type Result } from '../../src/core/errors.ts';
import { checkArrowFile } from '../arrow/check-arrow-file.ts';
import type { Column, TimeUnit } from '../parquet/types.ts';
import type { SourceBatch, SourceColumn } from './source-batch.ts';

function validityOf(d: Data): Uint8Array | null {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return null;
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const bit = d.offset + i;
    out[i] = (d.nullBitmap[bit >> 3] >> (bit & 7)) & 1;
  }
  return out;
}

const TIMESTAMP_UNITS: readonly (TimeUnit | null)[] = [null, 'ms', 'us', 'ns'];

/**
 * A typed column when the layout maps directly, else null. Arrow JS keeps a
 * slice's `offset` but has already sliced its value and offset buffers
 * (Data#slice): only bitmaps (validity, bool values) are indexed from
 * `offset`. Data read from IPC has offset 0; in-memory slices do not.
 */
function typedColumn(d: Data): Column | null {
  const t = d.type as { typeId: Type; bitWidth?: number; isSigned?: boolean; precision?: number; unit?: number };
  const validity = validityOf(d);
  const fixed = <T extends { subarray(a: number, b: number): T }>(v: T) => v.subarray(0, d.length);
  switch (t.typeId) {
    case Type.Int:
      if (t.bitWidth === 64) {
        return t.isSigned
          ? { type: 'int64', values: fixed(d.values as BigInt64Array), validity }
          : { type: 'uint64', values: fixed(d.values as BigUint64Array), validity };
      }
      if (t.bitWidth === 32 && !t.isSigned) {
        const src = fixed(d.values as Uint32Array);
        return { type: 'int64', values: BigInt64Array.from(src, (x) => BigInt(x)), validity };
      }
      return { type: 'int32', values: Int32Array.from(fixed(d.values as Int32Array)), validity };
    case Type.Float:
      if (t.precision === 1) return { type: 'float', values: fixed(d.values as Float32Array), validity };
      if (t.precision === 2) return { type: 'double', values: fixed(d.values as Float64Array), validity };
      return null;
    case Type.Bool: {
      const values = new Uint8Array(d.length);
      const bits = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++) {
        const bit = d.offset + i;
        values[i] = (bits[bit >> 3] >> (bit & 7)) & 1;
      }
      return { type: 'bool', values, validity };
    }
    case Type.Utf8:
    case Type.Binary:
      return {
        type: t.typeId === Type.Utf8 ? 'string' : 'binary',
        offsets: (d.valueOffsets as Int32Array).subarray(0, d.length + 1),
        data: d.values as Uint8Array,
        validity,
      };
    case Type.Timestamp: {
      const values = fixed(d.values as BigInt64Array);
      const unit = TIMESTAMP_UNITS[t.unit ?? -1] ?? null;
      if (unit !== null) return { type: 'timestamp', values, unit, utc: true, validity };
      return { type: 'timestamp', values: values.map((x) => x * 1000n), unit: 'ms', utc: true, validity }; // seconds
    }
    case Type.Date:
      if (t.unit === 0) return { type: 'date', values: fixed(d.values as Int32Array), validity };
      return null;
    default:
      return null;
  }
}

/** Every value through Arrow's own getters (dictionaries, lists, date-ms, float16...). */
function jsColumn(v: Vector): SourceColumn {
  const t = v.type as { typeId: Type };
  const values: unknown[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v.get(i) as unknown;
    if (x === null || x === undefined) values[i] = null;
    else if (t.typeId === Type.Date || t.typeId === Type.Timestamp) values[i] = BigInt(Math.round(Number(x))) * 1000n; // epoch ms -> µs
    else if (typeof x === 'object' && x !== null && 'toArray' in x) values[i] = Array.from((x as { toArray(): ArrayLike<unknown> }).toArray());
    else values[i] = x;
  }
  return { type: 'js', values, validity: null };
}

/** One Arrow column (a vector of one record batch) as a source column. */
export function sourceColumn(v: Vector): SourceColumn {
  if (v.data.length === 1) {
    const c = typedColumn(v.data[0]);
    if (c !== null) return c;
  }
  return jsColumn(v);
}

/** The named columns of an in-memory record batch (which must have them), sliced or not. */
export function recordBatchColumns(rb: RecordBatch, columns: readonly string[]): SourceBatch {
  const out: Record<string, SourceColumn> = {};
  for (const name of columns) out[name] = sourceColumn(rb.getChild(name)!);
  return { numRows: rb.numRows, columns: out };
}

/** Record batches of an Arrow IPC file or stream, with the named columns. */
export async function* arrowBatches(path: string, columns: readonly string[]): AsyncGenerator<Result<SourceBatch>> {
  const checked = await checkArrowFile(path);
  if (!checked.ok && checked.error.code !== 'io_error') {
    // A corrupt source is corrupt_data here, as apache-arrow's own failures below.
    yield checked.error.code === 'corrupt_file' ? err('corrupt_data', checked.error.message, checked.error.details) : checked;
    return;
  }
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    yield err('invalid_argument', `cannot open ${path}: ${(e as Error).message}`, { file: path });
    return;
  }
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    const names = reader.schema.fields.map((f) => f.name);
    const missing = columns.filter((c) => !names.includes(c));
    if (missing.length > 0) {
      yield err('invalid_rows', `${path}: no column ${missing.map((m) => JSON.stringify(m)).join(', ')} (columns: ${names.join(', ')})`, { file: path, columns: missing });
      return;
    }
    for await (const rb of reader) yield ok(recordBatchColumns(rb, columns));
  } catch (e) {
    yield err('corrupt_data', `${path}: not a readable Arrow IPC file: ${(e as Error).message}`, { file: path });
  } finally {
    await handle.close().catch(() => undefined);
  }
}
