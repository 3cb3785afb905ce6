import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeParquetWorkers,
  iterateRowGroups,
  openParquet,
  readRowGroups,
  toEpochMicros,
  type Batch,
  type ParquetFile,
  type ReadOptions,
} from '../../../offline/parquet/index.ts';
import { batchColumns, duck, duckColumns, firstMismatch, tempDir } from './support.ts';

// Every type DuckDB writes that the reader maps, with nulls, low-cardinality
// (dictionary) columns, pre-1970 timestamps, ns precision and lists.
const SOURCE = `
  SELECT
    i::INTEGER AS i32,
    (i * 1000003 - 500000)::BIGINT AS i64,
    (i / 7.0)::FLOAT AS f32,
    CASE WHEN i % 4 = 0 THEN NULL ELSE i / 3.0 END AS f64,
    (i % 10)::DOUBLE AS f64_low,
    CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
    CASE WHEN i % 5 = 0 THEN NULL ELSE 'str_' || (i % 17) END AS s_low,
    md5(i::VARCHAR) || repeat('é', i % 3) AS s_high,
    TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND AS ts_us,
    (TIMESTAMP '2024-01-01' + INTERVAL (i) SECOND)::TIMESTAMP_MS AS ts_ms,
    make_timestamp_ns(1700000000000000000 + i * 1234567) AS ts_ns,
    CASE WHEN i % 6 = 0 THEN NULL ELSE TIMESTAMP '1969-12-31 23:59:59' - INTERVAL (i * 1001) MICROSECOND END AS ts_old,
    (TIMESTAMPTZ '2024-06-01 00:00:00+00' + INTERVAL (i) MINUTE) AS ts_tz,
    DATE '1960-01-01' + (i * 11)::INTEGER AS d,
    CASE WHEN i % 3 = 0 THEN NULL ELSE [i, i + 1, NULL] END AS lst,
    ((i % 100000) / 100)::DECIMAL(10, 2) AS dec,
    CASE WHEN i % 9 = 0 THEN NULL ELSE (i * 12345.6789)::DECIMAL(38, 4) END AS dec38,
    ('\\x' || lpad(to_hex(i % 256), 2, '0'))::BLOB AS blob,
    ((i * 2654435761) % 4294967296)::UINTEGER AS u32,
    (18446744073709551615 - i::UBIGINT * 1000000007) AS u64,
    (i % 256 - 128)::TINYINT AS i8,
    CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 65536 - 32768)::SMALLINT END AS i16
  FROM range(5000) t(i)`;

const FILES: Record<string, string> = {
  default: '',
  uncompressed: ', COMPRESSION uncompressed',
  snappy: ', COMPRESSION snappy',
  zstd: ', COMPRESSION zstd',
  gzip: ', COMPRESSION gzip',
  lz4: ', COMPRESSION lz4',
  brotli: ', COMPRESSION brotli',
  small_groups: ', ROW_GROUP_SIZE 2048, COMPRESSION snappy',
  v2: ", PARQUET_VERSION V2",
};

let db: DuckDBConnection;
const tmp = tempDir();
const files: Record<string, ParquetFile> = {};

beforeAll(async () => {
  db = await duck();
  for (const [name, opts] of Object.entries(FILES)) {
    const path = tmp.file(`${name}.parquet`);
    await db.run(`COPY (${SOURCE}) TO '${path}' (FORMAT parquet${opts})`);
    const f = await openParquet(path);
    if (!f.ok) throw new Error(f.error.message);
    files[name] = f.value;
  }
});

afterAll(async () => {
  await closeParquetWorkers();
  tmp.remove();
});

async function readAll(f: ParquetFile | string, opts: ReadOptions = {}) {
  const batches: Batch[] = [];
  const r = await readRowGroups(f, { ...opts, onBatch: (b) => void batches.push(b) });
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return { batches, summary: r.value };
}

async function expectEqualToDuckDB(f: ParquetFile, opts: ReadOptions = {}): Promise<void> {
  const { batches } = await readAll(f, opts);
  const schema = f.schema.filter((s) => !opts.columns || opts.columns.includes(s.name));
  const want = await duckColumns(db, f.path, schema, opts.timestamps === 'us' ? 'us' : undefined);
  const got = batchColumns(batches, schema.map((s) => s.name));
  schema.forEach((s, j) => expect(firstMismatch(got[j], want[j]), `${f.path} column ${s.name}`).toBeNull());
}

describe('parquet reader vs DuckDB', () => {
  it('maps the schema: physical and logical types, units, nullability', () => {
    const s = Object.fromEntries(files.default.schema.map((c) => [c.name, c]));
    expect(s.i32).toMatchObject({ type: 'int32', physical: 'INT32', nullable: true, fastPath: true });
    expect(s.i64).toMatchObject({ type: 'int64', physical: 'INT64' });
    expect(s.f32.type).toBe('float');
    expect(s.s_low).toMatchObject({ type: 'string', physical: 'BYTE_ARRAY' });
    expect(s.ts_us).toMatchObject({ type: 'timestamp', unit: 'us', utc: false });
    expect(s.ts_ms).toMatchObject({ type: 'timestamp', unit: 'ms' });
    expect(s.ts_ns).toMatchObject({ type: 'timestamp', unit: 'ns' });
    expect(s.ts_tz).toMatchObject({ type: 'timestamp', unit: 'us', utc: true });
    expect(s.d.type).toBe('date');
    expect(s.lst).toMatchObject({ type: 'list', element: { type: 'int64' }, fastPath: false });
    expect(s.dec).toMatchObject({ type: 'double', physical: 'INT64', logical: 'DECIMAL(10,2)', fastPath: false });
    expect(s.dec38).toMatchObject({ type: 'double', physical: 'FIXED_LEN_BYTE_ARRAY', logical: 'DECIMAL(38,4)', fastPath: false });
    expect(s.blob.type).toBe('binary');
    expect(s.u32).toMatchObject({ type: 'int64', physical: 'INT32', fastPath: true }); // UINT_32 widens
    expect(s.u32.logical).toMatch(/UINT_32|INT\(32, unsigned\)/);
    expect(s.u64).toMatchObject({ type: 'uint64', physical: 'INT64' });
    expect(s.i8).toMatchObject({ type: 'int32', physical: 'INT32' });
    expect(files.default.numRows).toBe(5000);
    expect(files.small_groups.rowGroups.length).toBe(3);
  });

  for (const name of Object.keys(FILES)) {
    it(`reads the ${name} file with values equal to DuckDB's`, async () => {
      await expectEqualToDuckDB(files[name]);
    });
  }

  it('decodes DuckDB default files with the kernel, and sends only lists and decimals to the fallback', async () => {
    const { summary } = await readAll(files.default);
    expect(summary.fallbackChunks).toBe(3 * files.default.rowGroups.length);
    const { summary: zstd } = await readAll(files.zstd, { columns: ['i64', 'f64', 's_low', 'ts_ns'] });
    expect(zstd.fallbackChunks).toBe(0);
    // V2 files use DELTA_* encodings: those column chunks go through hyparquet, values still equal (above).
    const { summary: v2 } = await readAll(files.v2);
    expect(v2.fallbackChunks).toBeGreaterThan(0);
    expect(v2.fallbackReasons.some((r) => r.startsWith('encoding'))).toBe(true);
  });

  it('the forced fallback reader gives the same values', async () => {
    await expectEqualToDuckDB(files.small_groups, { fastPath: false });
  });

  it('converts timestamps to epoch microseconds (floor) on request', async () => {
    await expectEqualToDuckDB(files.snappy, { timestamps: 'us', columns: ['ts_ms', 'ts_ns', 'ts_old', 'ts_us'] });
    const { batches } = await readAll(files.snappy, { columns: ['ts_ns'] });
    const c = batches[0].columns.ts_ns;
    if (c.type !== 'timestamp') throw new Error('not a timestamp');
    const us = toEpochMicros(c);
    expect(us[1]).toBe(c.values[1] / 1000n);
    const { batches: b2 } = await readAll(files.snappy, { columns: ['ts_old'] });
    const old = b2[0].columns.ts_old;
    if (old.type !== 'timestamp') throw new Error('not a timestamp');
    const filled = toEpochMicros(old, -(2n ** 63n));
    expect(filled[0]).toBe(-(2n ** 63n));
  });

  it('reads on worker threads with the same result, in row-group order, with and without buffer reuse', async () => {
    const f = files.small_groups;
    const inline = await readAll(f, { workers: 0 });
    for (const reuseBuffers of [false, true]) {
      const names = f.schema.map((s) => s.name);
      const seen: number[] = [];
      const got: unknown[][] = names.map(() => []);
      const r = await readRowGroups(f, {
        workers: 2,
        prefetch: 1,
        reuseBuffers,
        onBatch: async (b) => {
          seen.push(b.rowGroup);
          // Copy out inside the callback (buffers may be recycled afterwards).
          batchColumns([b], names).forEach((col, j) => got[j].push(...col));
          await new Promise((res) => setTimeout(res, 1));
        },
      });
      expect(r.ok).toBe(true);
      expect(seen).toEqual([0, 1, 2]);
      const want = batchColumns(inline.batches, names);
      names.forEach((n, j) => expect(firstMismatch(got[j], want[j]), n).toBeNull());
    }
  });

  it('decodes 8-byte columns into shared memory in place (workers and inline), and never recycles it', async () => {
    const f = files.small_groups; // 3 row groups
    const want = batchColumns((await readAll(f, { timestamps: 'us', columns: ['i64', 'ts_ms', 'f64', 's_low'] })).batches, ['i64', 'ts_ms', 'f64']);
    for (const workers of [0, 2]) {
      const first = 7; // rows of an imaginary earlier file
      const n = f.rowGroups.reduce((s, g) => s + g.numRows, 0);
      const into = Object.fromEntries(['i64', 'ts_ms', 'f64'].map((c) => [c, { buffer: new SharedArrayBuffer(8 * (first + n)), firstRow: first }]));
      const placed: boolean[] = [];
      const r = await readRowGroups(f, {
        workers,
        reuseBuffers: true,
        timestamps: 'us',
        columns: ['i64', 'ts_ms', 'f64', 's_low'],
        into,
        onBatch: (b) => {
          for (const name of ['i64', 'ts_ms', 'f64']) {
            const c = b.columns[name] as { values: BigInt64Array | Float64Array };
            placed.push(c.values.buffer === into[name].buffer && c.values.byteOffset === 8 * (first + b.rowStart));
          }
        },
      });
      expect(r.ok).toBe(true);
      expect(placed).toEqual(Array(9).fill(true));
      // every value landed at first + row, the f64 nulls included (validity is separate; those slots hold 0)
      expect(Array.from(new BigInt64Array(into.i64.buffer, 8 * first, n))).toEqual(want[0]);
      expect(Array.from(new BigInt64Array(into.ts_ms.buffer, 8 * first, n))).toEqual(want[1]);
      const f64 = new Float64Array(into.f64.buffer, 8 * first, n);
      want[2].forEach((v, i) => expect(v === null ? 0 : f64[i]).toBe(v ?? 0));
      // a later read with recycling does not write into the shared memory
      const before = new BigInt64Array(into.i64.buffer).slice();
      await readAll(f, { workers, reuseBuffers: true, columns: ['i64'] });
      expect(new BigInt64Array(into.i64.buffer)).toEqual(before);
    }
  });

  it('leaves a column unplaced (values still right) when the fallback reader decodes it or the slot is too small', async () => {
    const f = files.small_groups;
    const n = f.rowGroups.reduce((s, g) => s + g.numRows, 0);
    for (const [opts, size] of [[{ fastPath: false }, n], [{}, n - 1]] as const) {
      const buffer = new SharedArrayBuffer(8 * size);
      const got: bigint[] = [];
      const r = await readRowGroups(f, {
        ...opts,
        workers: 0,
        columns: ['i64'],
        into: { i64: { buffer, firstRow: 0 } },
        onBatch: (b) => void got.push(...(b.columns.i64 as { values: BigInt64Array }).values),
      });
      expect(r.ok).toBe(true);
      expect(got).toEqual(batchColumns((await readAll(f, { columns: ['i64'] })).batches, ['i64'])[0]);
    }
  });

  it('selects columns and row groups; iterates; rejects unknown columns and row groups', async () => {
    const f = files.small_groups;
    const batches: Batch[] = [];
    for await (const b of iterateRowGroups(f.path, { columns: ['s_low', 'i32'], rowGroups: [2, 0], workers: 0 })) batches.push(b);
    expect(batches.map((b) => b.rowGroup)).toEqual([2, 0]);
    expect(Object.keys(batches[0].columns)).toEqual(['s_low', 'i32']);
    expect(batches[0].rowStart).toBe(f.rowGroups[2].rowStart);
    const i32 = batches[0].columns.i32;
    expect(i32.type === 'int32' && i32.values[0]).toBe(f.rowGroups[2].rowStart);
    const bad = await readRowGroups(f, { columns: ['nope'], onBatch: () => {} });
    expect(!bad.ok && bad.error.code).toBe('invalid_argument');
    const badGroup = await readRowGroups(f, { rowGroups: [9], onBatch: () => {} });
    expect(!badGroup.ok && badGroup.error.code).toBe('invalid_argument');
    await expect(async () => {
      for await (const _ of iterateRowGroups(tmp.file('missing.parquet'))) void _;
    }).rejects.toMatchObject({ code: 'io_error' });
  });
});
