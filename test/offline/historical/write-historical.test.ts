// The streamed path (writeHistoricalFeatures): output chunk by chunk in input
// order, with features spilled by output chunk or held whole, must equal the
// in-memory path (getHistoricalFeatures + writeTable) row for row, for
// .parquet, .csv and .arrow; and a failure mid-way leaves nothing at `out`.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC, type Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHistoricalFeatures } from '../../../offline/historical/get-historical-features.ts';
import { writeHistoricalFeatures } from '../../../offline/historical/write-historical.ts';
import { writeTable } from '../../../offline/historical/write-output.ts';
import { writeParquet } from '../../../offline/parquet/index.ts';
import { rng } from '../../support/rng.ts';
import { randomRows, SEC, sourceYaml, T0, writeRowsCsv, writeRowsParquet } from '../materialize/fixture.ts';
import { makeRepo } from '../support/repo-fixture.ts';

const NUM = '[{ name: rate, dtype: Float64 }, { name: trips, dtype: Int64 }, { name: flag, dtype: Bool }]';
const YAML = `entities:
  - { name: driver, join_keys: [driver_id], value_type: Int64 }
  - { name: city, join_keys: [city], value_type: String }
sources:
${sourceYaml('pq', 'data/stats', 'format: parquet, ')}
${sourceYaml('csv', 'data/stats.csv')}
  - { name: req, type: request, schema: [{ name: bonus, dtype: Float64 }] }
feature_views:
  - { name: v0, entities: [driver], ttl: 0, source: pq, schema: ${NUM} }
  - { name: vcity, entities: [driver, city], ttl: 120, source: pq, schema: ${NUM} }
  - { name: vcsv, entities: [driver], ttl: 30, source: csv, schema: ${NUM} }
  - { name: vlabel, entities: [driver], ttl: 60, source: pq, schema: [{ name: label, dtype: String }, { name: rate, dtype: Float64 }] }
on_demand_feature_views:
  - name: od
    sources: [{ view: v0, features: [rate] }, req]
    schema: [{ name: rate_plus, dtype: Float64 }]
    transformation: { module: ./transforms.ts, function: plus }
`;
const TRANSFORMS = `export function plus(row) {
  if (row.bonus === 999) throw new Error('boom at bonus 999');
  return { rate_plus: row.rate === null ? null : row.rate + row.bonus };
}
`;
const FEATURES = ['v0:rate', 'v0:trips', 'v0:flag', 'vcity:rate', 'vcity:trips', 'vcity:flag', 'vcsv:rate', 'vcsv:trips', 'vcsv:flag', 'vlabel:label', 'vlabel:rate', 'od:rate_plus'];

let db: DuckDBConnection;
beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
});
afterAll(() => db.closeSync());

/** A repo with seeded sources and an entity file of `n` rows (duplicates included); `poison` puts bonus 999 at that row. */
async function setup(seed: number, n: number, poison: number | null = null): Promise<string> {
  const rows = randomRows(seed, 4000, 60, 600);
  const dir = await makeRepo({ 'larder.yaml': 'project: stream\n', 'features.yaml': YAML, 'transforms.ts': TRANSFORMS });
  const per = Math.ceil(rows.length / 3);
  for (let f = 0; f < 3; f++) await writeRowsParquet(join(dir, `data/stats/part-${f}.parquet`), rows.slice(f * per, (f + 1) * per), 257);
  await writeRowsCsv(join(dir, 'data/stats.csv'), rows);
  const r = rng(seed * 3 + 1);
  const ents: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && r.bool(0.15)) {
      ents.push({ ...ents[r.int(0, ents.length - 1)], eid: BigInt(i), bonus: i === poison ? 999 : i + 0.5 });
      continue;
    }
    ents.push({
      eid: BigInt(i),
      driver_id: BigInt(1000 + r.int(0, 62)),
      city: r.pick(['ams', 'oslo', 'zürich']),
      event_timestamp: T0 + BigInt(r.int(-6, 70) * 10) * SEC,
      bonus: i === poison ? 999 : i + 0.5,
    });
  }
  const names = ['eid', 'driver_id', 'city', 'event_timestamp', 'bonus'];
  const w = await writeParquet(join(dir, 'entities.parquet'), {
    schema: [
      { name: 'eid', type: 'int64' },
      { name: 'driver_id', type: 'int64' },
      { name: 'city', type: 'string' },
      { name: 'event_timestamp', type: 'timestamp' },
      { name: 'bonus', type: 'double' },
    ],
    batches: [{ numRows: n, columns: Object.fromEntries(names.map((c) => [c, ents.map((e) => e[c] as number | bigint | string)])) }],
    rowGroupRows: 700,
  });
  if (!w.ok) throw new Error(w.error.message);
  return dir;
}

const req = (dir: string) => ({ repo: dir, entities: join(dir, 'entities.parquet'), features: FEATURES, fullFeatureNames: true, partitions: 4 });

async function inMemory(dir: string): Promise<Table> {
  const r = await getHistoricalFeatures(req(dir));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const text = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));

async function parquetRows(path: string): Promise<string[]> {
  return ((await db.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)).getRows() as unknown[][]).map(text);
}

function arrowRows(t: Table): string[] {
  const cols = t.schema.fields.map((f) => t.getChild(f.name)!);
  return Array.from({ length: t.numRows }, (_, i) => text(cols.map((c) => c.get(i) as unknown)));
}

describe('writeHistoricalFeatures (streamed output)', () => {
  const N = 2300;
  for (const spill of [true, false])
    it(`equals the in-memory path row for row in .parquet, .csv and .arrow (spill ${spill}, chunks of 317 rows)`, async () => {
      const dir = await setup(21, N);
      const table = await inMemory(dir);
      expect(table.numRows).toBe(N);
      for (const ext of ['parquet', 'csv', 'arrow']) {
        const want = join(dir, `want.${ext}`);
        const got = join(dir, `got.${ext}`);
        expect((await writeTable(table, want)).ok).toBe(true);
        const w = await writeHistoricalFeatures({ ...req(dir), out: got, chunkRows: 317, spill });
        if (!w.ok) throw new Error(w.error.message);
        expect(w.value).toEqual({ rows: N, columns: 5 + FEATURES.length, chunks: Math.ceil(N / 317), spilled: spill });
        if (ext === 'csv') expect(await readFile(got, 'utf8')).toBe(await readFile(want, 'utf8'));
        else if (ext === 'arrow') {
          const g = tableFromIPC(await readFile(got));
          expect(g.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(table.schema.fields.map((f) => `${f.name}:${f.type}`));
          expect(arrowRows(g)).toEqual(arrowRows(table));
        } else {
          const g = await parquetRows(got);
          expect(g.length).toBe(N);
          expect(g).toEqual(await parquetRows(want));
        }
      }
      // The joins found rows (not only nulls), in input order.
      const eids = (await db.runAndReadAll(`SELECT eid FROM read_parquet('${join(dir, 'got.parquet')}')`)).getRows().map((r) => r[0]);
      expect(eids).toEqual(Array.from({ length: N }, (_, i) => BigInt(i)));
      const [[nonNull]] = (await db.runAndReadAll(`SELECT count(v0__rate) + count(vcity__trips) + count(vcsv__flag) + count(vlabel__label) FROM read_parquet('${join(dir, 'got.parquet')}')`)).getRows();
      expect(Number(nonNull)).toBeGreaterThan(N);
      // Parquet nulls are the in-memory table's nulls, column by column (the writer reuses the validity bytes behind Arrow bitmaps).
      const names = table.schema.fields.map((f) => f.name);
      const [counts] = (await db.runAndReadAll(`SELECT ${names.map((c) => `count("${c}")`).join(', ')} FROM read_parquet('${join(dir, 'got.parquet')}')`)).getRows();
      expect(counts.map(Number)).toEqual(names.map((c) => N - table.getChild(c)!.nullCount));
      expect(names.some((c) => table.getChild(c)!.nullCount > 0)).toBe(true);
      // Spill files are gone.
      expect((await readdir(dir)).filter((f) => f.endsWith('.spill') || f.includes('.tmp'))).toEqual([]);
    }, 60_000);

  it('the budget decides: a small output is not spilled, a large one is', async () => {
    const dir = await setup(22, 600);
    const small = await writeHistoricalFeatures({ ...req(dir), out: join(dir, 'a.parquet') });
    expect(small.ok && small.value.spilled).toBe(false);
    const big = await writeHistoricalFeatures({ ...req(dir), out: join(dir, 'b.parquet'), memoryBudgetBytes: 1000, chunkRows: 100 });
    expect(big.ok && big.value.spilled && big.value.chunks).toBe(6);
    expect(await parquetRows(join(dir, 'b.parquet'))).toEqual(await parquetRows(join(dir, 'a.parquet')));
  }, 60_000);

  it('an entity error wins over the source read started early, and no read work goes on after the answer', async () => {
    const dir = await setup(26, 50);
    const bad = join(dir, 'no-keys.parquet');
    const w = await writeParquet(bad, {
      schema: [{ name: 'eid', type: 'int64' }, { name: 'event_timestamp', type: 'timestamp' }],
      batches: [{ numRows: 2, columns: { eid: [1n, 2n], event_timestamp: [T0, T0] } }],
    });
    if (!w.ok) throw new Error(w.error.message);
    const events: string[] = [];
    const r = await getHistoricalFeatures({ ...req(dir), entities: bad, onProgress: (p) => void events.push(`${p.phase}:${p.view}:${p.rows}`) });
    expect(r.ok ? 'ok' : r.error.code).toBe('missing_entity_column');
    const seen = events.length;
    await new Promise((res) => setTimeout(res, 300));
    expect(events.length).toBe(seen);
    expect(events.every((e) => e.startsWith('read:'))).toBe(true);
  }, 60_000);

  it('an output in a missing directory is an io_error and creates nothing', async () => {
    const dir = await setup(24, 50);
    const w = await writeHistoricalFeatures({ ...req(dir), out: join(dir, 'no/such/dir/out.parquet') });
    expect(w.ok ? 'ok' : w.error.code).toBe('io_error');
    expect((await readdir(dir)).includes('no')).toBe(false);
  }, 60_000);

  for (const ext of ['parquet', 'csv', 'arrow'])
    it(`leaves nothing at --out (.${ext}) when a chunk fails mid-way`, async () => {
      const dir = await setup(23, 2000, 1500); // the transform throws at row 1500: chunk 4 of 7
      const out = join(dir, `out.${ext}`);
      const w = await writeHistoricalFeatures({ ...req(dir), out, chunkRows: 300, spill: true });
      expect(w.ok).toBe(false);
      if (!w.ok) expect(w.error.message).toMatch(/boom at bonus 999/);
      expect((await readdir(dir)).filter((f) => f.startsWith('out.') || f.startsWith('.out.'))).toEqual([]);
    }, 60_000);
});
