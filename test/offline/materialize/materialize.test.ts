import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OnlineStore } from '../../../src/core/online-store.ts';
import { nextRegistry } from '../../../src/core/registry/plan.ts';
import { indexRegistry, type RegistryIndex } from '../../../src/core/registry/registry-index.ts';
import { microsToRfc3339 } from '../../../src/core/time.ts';
import type { KernelInstance } from '../../../src/kernel/instance.ts';
import type { ServingContext } from '../../../src/serving/context.ts';
import { getOnlineFeatures } from '../../../src/serving/online-features.ts';
import { MemoryOnlineStore } from '../../../src/stores/memory/memory-online-store.ts';
import { SqliteOnlineStore } from '../../../src/stores/sqlite/sqlite-online-store.ts';
import { materialize, type MaterializeMode, type ViewOutcome } from '../../../offline/materialize/materialize.ts';
import { nodeKernel } from '../../../offline/parquet/kernel.ts';
import { loadRepo } from '../../../offline/repo/load-repo.ts';
import { makeRepo } from '../support/repo-fixture.ts';
import {
  FEATURES_YAML,
  latestPerKeyReference,
  randomRows,
  SEC,
  T0,
  writeRowsArrow,
  writeRowsCsv,
  writeRowsParquet,
  type SourceRow,
} from './fixture.ts';

const PROJECT = 'mat';
let kernel: KernelInstance;
beforeAll(async () => {
  kernel = await nodeKernel();
});

/** A repo with the fixture's definitions and the rows as Parquet (`files` parts), CSV and Arrow. */
async function setupRepo(rows: readonly SourceRow[], options: { files?: number; rowGroupRows?: number } = {}): Promise<{ dir: string; registry: RegistryIndex }> {
  const dir = await makeRepo({ 'larder.yaml': `project: ${PROJECT}\n`, 'features.yaml': FEATURES_YAML });
  const files = options.files ?? 3;
  const per = Math.ceil(rows.length / files);
  for (let f = 0; f < files; f++) await writeRowsParquet(join(dir, `data/stats/part-${f}.parquet`), rows.slice(f * per, (f + 1) * per), options.rowGroupRows ?? 97);
  await writeRowsCsv(join(dir, 'data/stats.csv'), rows);
  await writeRowsArrow(join(dir, 'data/stats.arrow'), rows, options.rowGroupRows ?? 97);
  const repo = await loadRepo(dir, { now: '2025-01-01T00:00:00Z' });
  if (!repo.ok) throw new Error(repo.issues.map((i) => i.message).join('\n'));
  const { next } = nextRegistry(null, PROJECT, repo.build.objects, '2025-01-01T00:00:00Z');
  return { dir, registry: indexRegistry(next!) };
}

function context(registry: RegistryIndex, online: OnlineStore): ServingContext {
  return { project: PROJECT, kernel, registry, online, transforms: new Map(), now: () => Number(T0 + 3600n * SEC) };
}

async function run(ctx: ServingContext, dir: string, mode: MaterializeMode, extra: { views?: string[]; maxCandidates?: number; maxHeldBytes?: number; writeChunk?: number } = {}): Promise<ViewOutcome[]> {
  const r = await materialize({ ctx, repoDir: dir, mode, watermarks: { path: join(dir, 'data/materialization.json'), store: 'test' }, ...extra });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const range = (start: bigint, end: bigint): MaterializeMode => ({ kind: 'range', start, end });

interface Read {
  status: string;
  rate: unknown;
  trips: unknown;
  label: unknown;
  flag: unknown;
  ts: number;
}

/** Read every feature of a view (or a service) for entity rows. */
async function readOnline(ctx: ServingContext, target: { view: string } | { service: string }, entities: Record<string, unknown[]>): Promise<Read[]> {
  const selection = 'view' in target ? { features: ['rate', 'trips', 'label', 'flag'].map((f) => `${target.view}:${f}`) } : { featureService: target.service };
  // includeStale: views with a ttl are read long after their window; staleness is not what is tested here.
  const r = await getOnlineFeatures(ctx, { selection, entities, includeStale: true });
  if (!r.ok) throw new Error(r.error.message);
  const col = (name: string) => r.value.results.find((c) => c.name === name)!;
  const n = Object.values(entities)[0].length;
  return Array.from({ length: n }, (_, i) => ({
    status: col('trips').statuses[i] === 'NOT_FOUND' ? 'NOT_FOUND' : 'FOUND',
    rate: col('rate').values[i],
    trips: col('trips').values[i],
    label: col('label').values[i],
    flag: col('flag').values[i],
    ts: Math.max(...['rate', 'trips', 'label', 'flag'].map((f) => col(f).eventTimestamps[i])),
  }));
}

function expected(row: SourceRow | undefined): Read {
  if (row === undefined) return { status: 'NOT_FOUND', rate: null, trips: null, label: null, flag: null, ts: 0 };
  return { status: 'FOUND', rate: row.rate_src, trips: row.trips, label: row.label, flag: row.flag, ts: Number(row.ts) };
}

/** Every driver the data could hold, plus ones it never does. */
const DRIVERS = [...Array.from({ length: 210 }, (_, i) => BigInt(1000 + i)), 9999n];

async function expectDriversMatch(ctx: ServingContext, view: string, ref: Map<bigint, SourceRow>): Promise<void> {
  const got = await readOnline(ctx, { view }, { driver_id: DRIVERS.map(Number) });
  expect(got).toEqual(DRIVERS.map((d) => expected(ref.get(d))));
}

/** Every stored row. A precomputed service row's created_ts is its write time (bumped by each refresh), so it is left out. */
function dumpSqlite(db: DatabaseSync): unknown[] {
  return db
    .prepare("SELECT tbl, hex(entity_key) AS k, event_ts, CASE WHEN tbl LIKE 'svc:%' THEN NULL ELSE created_ts END AS created_ts, hex(value) AS v FROM online_rows ORDER BY tbl, k")
    .all();
}

describe('materialize (library)', () => {
  it('gives the reference latest row per key from Parquet, CSV and Arrow sources (inclusive window, field mapping, composite keys)', async () => {
    const rows = randomRows(7, 3000, 200, 1000);
    const { dir, registry } = await setupRepo(rows);
    const db = new DatabaseSync(join(dir, 'data/online.db'));
    const ctx = context(registry, new SqliteOnlineStore(db));
    const start = T0 + 200n * SEC;
    const end = T0 + 800n * SEC;
    const out = await run(ctx, dir, range(start, end));
    expect(out.map((o) => o.view)).toEqual(['stats', 'stats_arrow', 'stats_by_city', 'stats_csv', 'stats_fresh']);
    const ref = latestPerKeyReference(rows, (r) => r.drv, start, end);
    expect(ref.size).toBeGreaterThan(150);
    expect(out[0]).toMatchObject({ status: 'done', files: 3, rowsRead: 3000, written: ref.size, skipped: 0, nullKeyRows: 0 });
    for (const view of ['stats', 'stats_csv', 'stats_arrow', 'stats_fresh']) await expectDriversMatch(ctx, view, ref);

    const byCity = latestPerKeyReference(rows, (r) => `${r.drv}|${r.city}`, start, end);
    const pairs = DRIVERS.flatMap((d) => ['ams', 'oslo', 'zürich', 'rome'].map((c) => [d, c] as const));
    const got = await readOnline(ctx, { view: 'stats_by_city' }, { driver_id: pairs.map(([d]) => Number(d)), city: pairs.map(([, c]) => c) });
    expect(got).toEqual(pairs.map(([d, c]) => expected(byCity.get(`${d}|${c}`))));
    db.close();
  });

  it('fills the memory store the same way and refreshes precomputed services', async () => {
    const rows = randomRows(8, 1500, 120, 600);
    const { dir, registry } = await setupRepo(rows, { files: 2, rowGroupRows: 64 });
    const ctx = context(registry, new MemoryOnlineStore());
    const start = T0 + 100n * SEC;
    const end = T0 + 500n * SEC;
    await run(ctx, dir, range(start, end), { views: ['stats'] });
    const ref = latestPerKeyReference(rows, (r) => r.drv, start, end);
    await expectDriversMatch(ctx, 'stats', ref);
    const svc = await readOnline(ctx, { service: 'stats_svc' }, { driver_id: DRIVERS.map(Number) });
    expect(svc).toEqual(DRIVERS.map((d) => expected(ref.get(d))));
    // Views not asked for were not written.
    const csv = await readOnline(ctx, { view: 'stats_csv' }, { driver_id: [1000, 1001] });
    expect(csv.map((r) => r.status)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });

  it("keeps Feast's tie-break (later event, then later created, null created lowest, then the later row) and both window bounds", async () => {
    const T = T0 + 100n * SEC;
    const DAY = 86_400n * SEC;
    const row = (drv: number, ts: bigint, created: bigint | null, trips: number): SourceRow => ({
      drv: BigInt(drv), city: 'ams', ts, created, rate_src: trips / 100, trips: BigInt(trips), label: `v${trips}`, flag: trips % 20 === 0,
    });
    const rows = [
      row(1001, T, T, 10), row(1001, T, T + DAY, 20), // same event time: later created wins
      row(1002, T, T + DAY, 30), row(1002, T + DAY, T, 40), // later event wins over later created
      row(1003, T, T, 60), row(1003, T, null, 50), // a null created timestamp is lowest
      row(1004, T, T, 70), row(1004, T, T, 80), // full tie: the later row (another row group, another file)
      row(1005, T - 1n, T, 90), // just before the window
      row(1006, T, T, 100), // at the start (inclusive)
      row(1007, T + DAY, T, 110), // at the end (inclusive)
      row(1008, T + DAY + 1n, T, 120), // just after
    ];
    const { dir, registry } = await setupRepo(rows, { files: 2, rowGroupRows: 1 });
    const ctx = context(registry, new MemoryOnlineStore());
    await run(ctx, dir, range(T, T + DAY), { views: ['stats', 'stats_csv', 'stats_arrow'] });
    for (const view of ['stats', 'stats_csv', 'stats_arrow']) {
      const got = await readOnline(ctx, { view }, { driver_id: [1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008] });
      expect(got.map((g) => g.trips), view).toEqual([20n, 40n, 60n, 80n, null, 100n, 110n, null]);
      expect(got.map((g) => g.status), view).toEqual(['FOUND', 'FOUND', 'FOUND', 'FOUND', 'NOT_FOUND', 'FOUND', 'FOUND', 'NOT_FOUND']);
    }
  });

  it('incremental runs: first from END - ttl, then from the watermark; --lookback picks up late rows; re-runs change nothing', async () => {
    const rows = randomRows(11, 2000, 150, 1000);
    const { dir, registry } = await setupRepo(rows);
    const db = new DatabaseSync(join(dir, 'data/online.db'));
    const ctx = context(registry, new SqliteOnlineStore(db));
    const ttl = 600n * SEC;
    const end1 = T0 + 500n * SEC;
    const end2 = T0 + 900n * SEC;
    const incremental = (end: bigint, lookback = 0n) => run(ctx, dir, { kind: 'incremental', end, lookback }, { views: ['stats_fresh'] });

    const [first] = await incremental(end1);
    expect(first).toMatchObject({ status: 'done', window: { start: end1 - ttl, end: end1 } });
    await expectDriversMatch(ctx, 'stats_fresh', latestPerKeyReference(rows, (r) => r.drv, end1 - ttl, end1));
    const marks = JSON.parse(await readFile(join(dir, 'data/materialization.json'), 'utf8'));
    expect(marks).toMatchObject({ version: 1, project: PROJECT, views: { stats_fresh: { watermark: microsToRfc3339(Number(end1)), store: 'test' } } });
    expect(marks.views.stats_fresh.table).toMatch(/^stats_fresh@[0-9a-f]{8}$/);

    const [second] = await incremental(end2);
    expect(second).toMatchObject({ status: 'done', window: { start: end1, end: end2 } });
    const before = latestPerKeyReference(rows, (r) => r.drv, end1 - ttl, end2);
    await expectDriversMatch(ctx, 'stats_fresh', before);

    // Rows arriving late: event times before the watermark, in a new file.
    const late = Array.from({ length: 150 }, (_, i): SourceRow => ({
      drv: BigInt(1000 + i), city: 'ams', ts: end2 - BigInt(1 + ((i * 37) % 100)) * SEC, created: T0 + 10n * SEC,
      rate_src: -i, trips: BigInt(-i), label: `late${i}`, flag: true,
    }));
    await writeRowsParquet(join(dir, 'data/stats/part-9.parquet'), late, 50);
    const [skippedLate] = await incremental(end2);
    expect(skippedLate).toMatchObject({ status: 'done', window: { start: end2, end: end2 } });
    await expectDriversMatch(ctx, 'stats_fresh', before);

    const [withLookback] = await incremental(end2, 120n * SEC);
    expect(withLookback).toMatchObject({ status: 'done', window: { start: end2 - 120n * SEC, end: end2 } });
    const after = latestPerKeyReference([...rows, ...late], (r) => r.drv, end1 - ttl, end2);
    expect([...after.values()].filter((r) => r.label?.startsWith('late')).length).toBeGreaterThan(20);
    await expectDriversMatch(ctx, 'stats_fresh', after);

    const state = dumpSqlite(db);
    await incremental(end2, 120n * SEC);
    await run(ctx, dir, range(end2 - 120n * SEC, end2), { views: ['stats_fresh'] });
    expect(dumpSqlite(db)).toEqual(state);
    // A range run never moves the watermark back; an END before it is up to date.
    const [upToDate] = await incremental(end1);
    expect(upToDate).toEqual({ status: 'up_to_date', view: 'stats_fresh', watermark: microsToRfc3339(Number(end2)) });
    db.close();
  });

  it('ends in the same state whether candidates are flushed early or held, and when run twice', async () => {
    const rows = randomRows(12, 2500, 300, 800);
    const { dir, registry } = await setupRepo(rows, { files: 2, rowGroupRows: 101 });
    const dumps: unknown[][] = [];
    for (const extra of [{}, { maxCandidates: 7, writeChunk: 13 }, { maxHeldBytes: 1 }]) {
      const db = new DatabaseSync(':memory:');
      const ctx = context(registry, new SqliteOnlineStore(db));
      await run(ctx, dir, range(T0 + 100n * SEC, T0 + 700n * SEC), { views: ['stats', 'stats_by_city'], ...extra });
      const once = dumpSqlite(db);
      await run(ctx, dir, range(T0 + 100n * SEC, T0 + 700n * SEC), { views: ['stats', 'stats_by_city'], ...extra });
      expect(dumpSqlite(db)).toEqual(once);
      dumps.push(once);
      db.close();
    }
    expect(dumps[0].length).toBeGreaterThan(300);
    expect(dumps[1]).toEqual(dumps[0]);
    expect(dumps[2]).toEqual(dumps[0]);
  });

  it('CSV: leaves out rows with a null join key; a value that does not fit names the file and column', async () => {
    const { dir, registry } = await setupRepo(randomRows(2, 10, 3, 10), { files: 1 });
    const ctx = context(registry, new MemoryOnlineStore());
    const csv = (body: string) => writeFile(join(dir, 'data/stats.csv'), `drv,city,ts,created,rate_src,trips,label,flag\n${body}`);
    await csv('1001,ams,2025-01-01T00:00:10Z,,0.5,7,"a, ""quoted"" label",true\n,ams,2025-01-01T00:00:20Z,,0.9,9,x,false\n1001,ams,2025-01-01 00:00:05,,0.1,1,old,false');
    const [done] = await run(ctx, dir, range(T0, T0 + 60n * SEC), { views: ['stats_csv'] });
    expect(done).toMatchObject({ status: 'done', rowsRead: 3, nullKeyRows: 1, written: 1 });
    const [got] = await readOnline(ctx, { view: 'stats_csv' }, { driver_id: [1001] });
    expect(got).toEqual({ status: 'FOUND', rate: 0.5, trips: 7n, label: 'a, "quoted" label', flag: true, ts: Number(T0 + 10n * SEC) });

    await csv('1001,ams,2025-01-01T00:00:10Z,,0.5,seven,a,true\n');
    const bad = await materialize({ ctx, repoDir: dir, mode: range(T0, T0 + 60n * SEC), views: ['stats_csv'], watermarks: { path: join(dir, 'w.json'), store: 'test' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_rows', message: expect.stringMatching(/^data\/stats\.csv: .*trips.*"seven" is not a valid int64/) } });
  });

  it('names unknown and offline views', async () => {
    const { dir, registry } = await setupRepo(randomRows(1, 10, 3, 10), { files: 1 });
    const ctx = context(registry, new MemoryOnlineStore());
    const mode = range(T0, T0 + 10n * SEC);
    const watermarks = { path: join(dir, 'data/materialization.json'), store: 'test' };
    const unknown = await materialize({ ctx, repoDir: dir, mode, watermarks, views: ['nope'] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_feature_view', message: expect.stringContaining('"nope"') } });
    const offline = await materialize({ ctx, repoDir: dir, mode, watermarks, views: ['stats_offline'] });
    expect(offline).toMatchObject({ ok: false, error: { code: 'invalid_argument', message: expect.stringContaining('not online') } });
  });
});
