import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { parquetReadObjects } from 'hyparquet';
import { asyncBufferFromFile } from 'hyparquet/src/node.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeParquetWorkers,
  openParquet,
  readRowGroups,
  writeParquet,
  type Batch,
  type WriteBatch,
  type WriteColumn,
} from '../../../offline/parquet/index.ts';
import { rng } from '../../support/rng.ts';
import { batchColumns, duck, duckColumns, firstMismatch, tempDir } from './support.ts';

let db: DuckDBConnection;
const tmp = tempDir();

beforeAll(async () => {
  db = await duck();
});

afterAll(async () => {
  await closeParquetWorkers();
  tmp.remove();
});

const SCHEMA: WriteColumn[] = [
  { name: 'id', type: 'int64', nullable: false },
  { name: 'i32', type: 'int32' },
  { name: 'f32', type: 'float' },
  { name: 'f64', type: 'double' },
  { name: 'flag', type: 'bool' },
  { name: 'name', type: 'string' },
  { name: 'ts', type: 'timestamp' },
  { name: 'day', type: 'date' },
  { name: 'req', type: 'double', nullable: false },
];

/** Seeded rows as JS values (null = null), and batches built from them in the three accepted input forms. */
function sample(seed: number, sizes: number[]): { rows: Record<string, unknown[]>; batches: WriteBatch[] } {
  const r = rng(seed);
  const rows: Record<string, unknown[]> = Object.fromEntries(SCHEMA.map((c) => [c.name, []]));
  const batches: WriteBatch[] = [];
  let id = 0n;
  const words = ['', 'a', 'ünïcödé', 'emoji 🎉', 'x'.repeat(300), 'tab\tnew\nline'];
  for (const [bi, n] of sizes.entries()) {
    const cols: Record<string, unknown[]> = Object.fromEntries(SCHEMA.map((c) => [c.name, []]));
    for (let i = 0; i < n; i++) {
      const nul = (p: number) => r.bool(p);
      cols.id.push(id++ * 7919n - 3n ** 39n);
      cols.i32.push(nul(0.2) ? null : r.int(-(2 ** 31), 2 ** 31 - 1));
      cols.f32.push(nul(0.1) ? null : Math.fround((r.next() - 0.5) * 1e6));
      cols.f64.push(nul(0.3) ? null : r.pick([r.next() * 1e300, -0.5, Infinity, -Infinity, r.int(-5, 5)]));
      cols.flag.push(nul(0.25) ? null : r.bool());
      cols.name.push(nul(0.15) ? null : r.bool(0.5) ? r.pick(words) : `w${r.int(0, 1e6)}`);
      cols.ts.push(nul(0.1) ? null : BigInt(r.int(-2e9, 2e9)) * 1_000_003n);
      cols.day.push(nul(0.1) ? null : r.int(-30000, 60000));
      cols.req.push(r.next());
    }
    for (const c of SCHEMA) rows[c.name].push(...cols[c.name]);
    const form = bi % 3;
    const columns: Record<string, WriteBatch['columns'][string]> = {};
    for (const c of SCHEMA) {
      const vals = cols[c.name];
      if (form === 0 || vals.some((v) => v === null)) columns[c.name] = vals as never;
      else if (c.type === 'int64' || c.type === 'timestamp') columns[c.name] = BigInt64Array.from(vals as bigint[]);
      else if (c.type === 'double') columns[c.name] = form === 1 ? Float64Array.from(vals as number[]) : { type: 'double', values: Float64Array.from(vals as number[]), validity: null };
      else columns[c.name] = vals as never;
    }
    batches.push({ numRows: n, columns });
  }
  return { rows, batches };
}

/** The written values per column (DuckDB and our reader give the same forms back). */
const expected = (rows: Record<string, unknown[]>): unknown[][] => SCHEMA.map((c) => rows[c.name]);

async function readBack(path: string): Promise<unknown[][]> {
  const batches: Batch[] = [];
  const r = await readRowGroups(path, { workers: 0, onBatch: (b) => void batches.push(b) });
  if (!r.ok) throw new Error(r.error.message);
  return batchColumns(batches, SCHEMA.map((c) => c.name));
}

describe('parquet writer', () => {
  it('writes files DuckDB, hyparquet and our reader read back equal (nulls, many pages and row groups)', async () => {
    const { rows, batches } = sample(7, [1, 0, 2500, 700, 3001]);
    const path = tmp.file('all.parquet');
    const w = await writeParquet(path, { schema: SCHEMA, batches, rowGroupRows: 2000, pageBytes: 4096 });
    if (!w.ok) throw new Error(w.error.message);
    expect(w.value.rows).toBe(6202);
    expect(w.value.rowGroups).toBe(6); // 1, 2000+500, 700, 2000+1001
    const want = expected(rows);

    const f = await openParquet(path);
    if (!f.ok) throw new Error(f.error.message);
    expect(f.value.schema.find((s) => s.name === 'ts')).toMatchObject({ type: 'timestamp', unit: 'us', utc: true });
    expect(f.value.schema.find((s) => s.name === 'id')?.nullable).toBe(false);

    const duckGot = await duckColumns(db, path, f.value.schema);
    SCHEMA.forEach((c, j) => expect(firstMismatch(duckGot[j], want[j]), `duckdb ${c.name}`).toBeNull());

    const ours = await readBack(path);
    SCHEMA.forEach((c, j) => expect(firstMismatch(ours[j], want[j]), `reader ${c.name}`).toBeNull());

    const objs = await parquetReadObjects({
      file: await asyncBufferFromFile(path),
      parsers: { timestampFromMicroseconds: (v: bigint) => v, dateFromDays: (d: number) => d },
    });
    SCHEMA.forEach((c, j) => {
      const got = objs.map((o) => {
        const v = (o as Record<string, unknown>)[c.name];
        return v === undefined ? null : v;
      });
      expect(firstMismatch(got, want[j]), `hyparquet ${c.name}`).toBeNull();
    });

    // Statistics DuckDB can use: min/max and null counts.
    const stats = (await db.runAndReadAll(`SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('${path}') WHERE row_group_id = 1`)).getRowObjects();
    const i32 = stats.find((s) => s.path_in_schema === 'i32')!;
    const g1 = want[1].slice(1, 2001).filter((v) => v !== null) as number[];
    expect(Number(i32.stats_min_value)).toBe(Math.min(...g1));
    expect(Number(i32.stats_max_value)).toBe(Math.max(...g1));
    expect(Number(i32.stats_null_count)).toBe(2000 - g1.length);
  });

  it('round-trips a DuckDB file through our reader and writer (timestamps in any unit become µs)', async () => {
    const src = tmp.file('duck-src.parquet');
    await db.run(`COPY (SELECT i::BIGINT AS k, CASE WHEN i % 3 = 0 THEN NULL ELSE 'v' || i END AS s,
      make_timestamp(1700000000000000 + i * 1234567)::TIMESTAMP_MS AS t_ms, i / 4.0 AS x, i % 2 = 0 AS b
      FROM range(4000) t(i)) TO '${src}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const schema: WriteColumn[] = [
      { name: 'k', type: 'int64' }, { name: 's', type: 'string' }, { name: 't_ms', type: 'timestamp' }, { name: 'x', type: 'double' }, { name: 'b', type: 'bool' },
    ];
    const batches: Batch[] = [];
    const r = await readRowGroups(src, { onBatch: (b) => void batches.push(b) });
    expect(r.ok).toBe(true);
    const out = tmp.file('duck-roundtrip.parquet');
    const w = await writeParquet(out, { schema, batches });
    expect(w.ok && w.value.rowGroups).toBe(2);
    const a = (await db.runAndReadAll(`SELECT k, s, epoch_us(t_ms), x, b FROM '${src}' ORDER BY k`)).getRows();
    const b = (await db.runAndReadAll(`SELECT k, s, epoch_us(t_ms), x, b FROM '${out}' ORDER BY k`)).getRows();
    expect(b).toEqual(a);
  });

  it('fails cleanly: nothing at the path or the temp path, an existing file untouched', async () => {
    const path = tmp.file('fail.parquet');
    writeFileSync(path, 'keep me');
    const nulls = await writeParquet(path, {
      schema: [{ name: 'a', type: 'double', nullable: false }],
      batches: [{ numRows: 2, columns: { a: [1, null] } }],
    });
    expect(!nulls.ok && nulls.error.code).toBe('invalid_argument');
    const missing = await writeParquet(path, { schema: [{ name: 'a', type: 'int32' }], batches: [{ numRows: 1, columns: {} }] });
    expect(!missing.ok && missing.error.code).toBe('invalid_argument');
    const wrongType = await writeParquet(path, { schema: [{ name: 'a', type: 'int32' }], batches: [{ numRows: 1, columns: { a: new Float64Array(1) } }] });
    expect(!wrongType.ok && wrongType.error.code).toBe('invalid_argument');
    async function* throwing(): AsyncGenerator<WriteBatch> {
      yield { numRows: 1, columns: { a: [1] } };
      throw new Error('source failed');
    }
    await expect(writeParquet(path, { schema: [{ name: 'a', type: 'int32' }], batches: throwing() })).rejects.toThrow('source failed');
    const noDir = await writeParquet(tmp.file('no/such/dir.parquet'), { schema: [{ name: 'a', type: 'int32' }], batches: [] });
    expect(!noDir.ok && noDir.error.code).toBe('io_error');
    expect(readdirSync(tmp.dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    expect(existsSync(path)).toBe(true);
    expect((await openParquet(path)).ok).toBe(false); // still the original text
  });

  it('writes an empty file (schema only) that DuckDB reads', async () => {
    const path = tmp.file('empty.parquet');
    const w = await writeParquet(path, { schema: SCHEMA, batches: [] });
    expect(w.ok && w.value.rows).toBe(0);
    const n = (await db.runAndReadAll(`SELECT count(*) FROM '${path}'`)).getRows()[0][0];
    expect(n).toBe(0n);
    const r = await readRowGroups(path, { onBatch: () => {} });
    expect(r.ok && r.value.rows).toBe(0);
  });
});
