// The slow path: hyparquet (pure JS, a dependency) reads one column of one
// row group when the kernel cannot (DELTA_* encodings, decimals, FLOAT16,
// UUID, lists, LZ4/Hadoop...). Chosen over @duckdb/node-api because it ships
// with larder (DuckDB is only a devDependency), works on a byte range of the
// file without a second engine, and decodes exactly what the kernel does not.
// Values come back one JS value per row and are packed into typed arrays.
import { parquetRead, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { hyparquetCompressors } from './codecs.ts';
import type { Column, ColumnSchema, TimeUnit } from './types.ts';

const identity = <T>(v: T): T => v;

/** Keep raw values: bigint timestamps, day numbers, bytes for strings (packed as UTF-8 later). */
const PARSERS = {
  timestampFromMilliseconds: identity,
  timestampFromMicroseconds: identity,
  timestampFromNanoseconds: identity,
  dateFromDays: identity,
  stringFromBytes: identity,
  jsonFromBytes: identity,
  geometryFromBytes: identity,
  geographyFromBytes: identity,
};

/** Read column `name` of rows [rowStart, rowStart + numRows) (one row group) with hyparquet. */
export async function readColumnFallback(
  k: KernelInstance,
  file: AsyncBuffer,
  metadata: FileMetaData,
  schema: ColumnSchema,
  rowStart: number,
  numRows: number,
  unit: TimeUnit | undefined,
): Promise<Column> {
  const values: unknown[] = new Array(numRows);
  await parquetRead({
    file,
    metadata,
    columns: [schema.name],
    rowStart,
    rowEnd: rowStart + numRows,
    compressors: hyparquetCompressors(k),
    parsers: PARSERS,
    utf8: false,
    onChunk: (chunk) => {
      const data = chunk.columnData as ArrayLike<unknown>;
      for (let i = 0; i < data.length; i++) {
        const r = chunk.rowStart + i - rowStart;
        if (r >= 0 && r < numRows) values[r] = data[i];
      }
    },
  });
  return toColumn(schema, values, unit);
}

const utf8 = new TextEncoder();
const isNull = (v: unknown): boolean => v === null || v === undefined;

function bytesOf(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return utf8.encode(v);
  return utf8.encode(typeof v === 'object' ? JSON.stringify(v) : String(v));
}

const SCALE: Record<TimeUnit, bigint> = { ms: 1_000_000n, us: 1_000n, ns: 1n };

/** Convert a timestamp between units, flooring when it loses precision. */
export function convertUnit(v: bigint, from: TimeUnit, to: TimeUnit): bigint {
  if (from === to) return v;
  const a = SCALE[from];
  const b = SCALE[to];
  if (a > b) return v * (a / b);
  const d = b / a;
  const q = v / d;
  return v % d !== 0n && v < 0n ? q - 1n : q;
}

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (v instanceof Date) return BigInt(v.getTime());
  return BigInt(v as string);
}

/** Pack one JS value per row into a Column of `schema`'s type. */
export function toColumn(schema: ColumnSchema, values: ArrayLike<unknown>, unit?: TimeUnit): Column {
  const n = values.length;
  let nulls = 0;
  const validity = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (isNull(values[i])) nulls++;
    else validity[i] = 1;
  }
  const v = nulls > 0 ? validity : null;
  switch (schema.type) {
    case 'bool':
      return { type: 'bool', values: Uint8Array.from({ length: n }, (_, i) => (values[i] ? 1 : 0)), validity: v };
    case 'int32':
    case 'date':
      return { type: schema.type, values: Int32Array.from({ length: n }, (_, i) => Number(values[i] ?? 0)), validity: v };
    case 'int64':
      return { type: 'int64', values: BigInt64Array.from({ length: n }, (_, i) => (isNull(values[i]) ? 0n : BigInt.asIntN(64, toBigInt(values[i])))), validity: v };
    case 'uint64':
      return { type: 'uint64', values: BigUint64Array.from({ length: n }, (_, i) => (isNull(values[i]) ? 0n : BigInt.asUintN(64, toBigInt(values[i])))), validity: v };
    case 'float':
      return { type: 'float', values: Float32Array.from({ length: n }, (_, i) => Number(values[i] ?? 0)), validity: v };
    case 'double':
      return { type: 'double', values: Float64Array.from({ length: n }, (_, i) => Number(values[i] ?? 0)), validity: v };
    case 'timestamp': {
      const from = schema.unit ?? 'us';
      const to = unit ?? from;
      const out = BigInt64Array.from({ length: n }, (_, i) => (isNull(values[i]) ? 0n : convertUnit(toBigInt(values[i]), from, to)));
      return { type: 'timestamp', values: out, unit: to, utc: schema.utc ?? false, validity: v };
    }
    case 'string':
    case 'binary': {
      const parts = Array.from({ length: n }, (_, i) => (isNull(values[i]) ? new Uint8Array(0) : bytesOf(values[i])));
      const offsets = new Int32Array(n + 1);
      for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + parts[i].length;
      const data = new Uint8Array(offsets[n]);
      for (let i = 0; i < n; i++) data.set(parts[i], offsets[i]);
      return { type: schema.type, offsets, data, validity: v };
    }
    case 'list': {
      const element = schema.element;
      if (!element) throw new Error(`list column ${schema.name} has no element schema`);
      const offsets = new Int32Array(n + 1);
      const flat: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const row = values[i];
        if (Array.isArray(row)) for (const x of row) flat.push(x);
        offsets[i + 1] = flat.length;
      }
      return { type: 'list', offsets, element: toColumn(element, flat, unit), validity: v };
    }
    default:
      throw new Error(`column ${schema.name}: ${schema.reason ?? 'unsupported type'}`);
  }
}
