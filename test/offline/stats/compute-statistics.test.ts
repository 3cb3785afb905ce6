// larder stats against plain-TS reference statistics on seeded data spread over
// two Parquet files of four row groups each (so every state is merged), for
// files, for a view, and for a view's event-time window.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeKernel } from '../../../offline/parquet/kernel.ts';
import { fileStatistics } from '../../../offline/stats/file-statistics.ts';
import { viewStatistics } from '../../../offline/stats/view-statistics.ts';
import { indexRegistry } from '../../../src/core/registry/registry-index.ts';
import type { RegistryDocument } from '../../../src/core/schema/registry-document.ts';
import { type ViewStatistics, ViewStatisticsSchema } from '../../../src/core/schema/statistics.ts';
import { run } from '../cli/cli-support.ts';
import { expectNumeric, expectString, numericRef, type Rows, sliceRows, STEP, stringRef, T0, writeFixture } from './fixture.ts';

const FEATURES_YAML = `entities:
  - name: driver
    join_keys: [{ name: driver_id, value_type: int64 }]
sources:
  - name: trips
    type: file
    path: data/*.parquet
    timestamp_field: event_timestamp
feature_views:
  - name: trip_stats
    entities: [driver]
    source: trips
    schema:
      - { name: price, dtype: float64 }
      - { name: qty, dtype: int64 }
      - { name: rate, dtype: float32 }
      - { name: flag, dtype: bool }
      - { name: empty, dtype: float64 }
      - { name: city, dtype: string }
      - { name: note, dtype: string }
`;

let dir: string;
let rows: Rows;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'larder-stats-'));
  rows = await writeFixture(dir);
  await writeFile(join(dir, 'larder.yaml'), 'project: stats_test\n');
  await writeFile(join(dir, 'features.yaml'), FEATURES_YAML);
  const applied = await run(dir, 'apply');
  expect(applied.code, applied.err).toBe(0);
});

function byName(r: ViewStatistics) {
  return Object.fromEntries(r.features.map((f) => [f.name, f]));
}

function expectAll(r: ViewStatistics, ref: Rows): void {
  const f = byName(r);
  expect(r.rowCount).toBe(ref.event_timestamp.length);
  for (const name of ['price', 'qty', 'rate', 'flag'] as const) expectNumeric(f[name], numericRef(ref, name));
  // All null: counts, and no values at all.
  expect(f.empty).toMatchObject({ rows: ref.empty.length, count: 0, nulls: ref.empty.length, nullRate: 1, distinct: 0 });
  expect(f.empty.numeric).toMatchObject({ min: null, max: null, mean: null, stdDev: null, histogram: [] });
  expect(Object.values(f.empty.numeric!.quantiles).every((q) => q === null)).toBe(true);
  expectString(f.city, stringRef(ref, 'city'), 3);
  expectString(f.note, stringRef(ref, 'note'), 0);
  expect(f.city.string!.topValuesError).toBe(0);
  expect(f.city.string!.topValues.slice(0, 3).map((t) => t.value)).toEqual(['paris', 'tokyo', 'lima']);
}

describe('statistics of seeded data over several files and row groups', () => {
  it('--file over a glob: every column, equal to the reference', async () => {
    const k = await nodeKernel();
    const r = await fileStatistics(k, dir, 'data/*.parquet', { workers: 0 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.files).toHaveLength(2);
    expect(ViewStatisticsSchema.parse(r.value.record)).toEqual(r.value.record);
    expect(r.value.record.features.map((f) => [f.name, f.dtype])).toEqual([
      ['event_timestamp', 'unix_timestamp'],
      ['driver_id', 'int64'],
      ['price', 'float64'],
      ['qty', 'int64'],
      ['rate', 'float32'],
      ['flag', 'bool'],
      ['empty', 'float64'],
      ['city', 'string'],
      ['note', 'string'],
    ]);
    expectAll(r.value.record, rows);
    // Timestamps are described in epoch seconds.
    const ts = byName(r.value.record).event_timestamp.numeric!;
    expect(ts.min).toBe(T0 / 1e6);
    expect(ts.max).toBe((T0 + (rows.event_timestamp.length - 1) * STEP) / 1e6);
  });

  it('a view over its source, the same with the decode workers', async () => {
    const k = await nodeKernel();
    const doc = JSON.parse(await (await import('node:fs/promises')).readFile(join(dir, 'data', 'registry.json'), 'utf8')) as RegistryDocument;
    const r = await viewStatistics(k, dir, indexRegistry(doc), 'trip_stats', { now: () => T0 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.files).toBe(2);
    expect(r.value.record).toMatchObject({ formatVersion: 1, view: 'trip_stats', computedAt: '2025-01-01T00:00:00Z', window: { start: null, end: null } });
    expect(r.value.record.features.map((f) => f.name)).toEqual(['price', 'qty', 'rate', 'flag', 'empty', 'city', 'note']);
    expectAll(r.value.record, rows);
  });

  it('a window keeps exactly the rows with start <= event time <= end (across the file boundary)', async () => {
    const lo = 6_500;
    const hi = 8_200;
    const start = new Date((T0 + lo * STEP) / 1000).toISOString();
    const end = new Date((T0 + hi * STEP) / 1000).toISOString();
    const out = await run(dir, 'stats', 'trip_stats', '--start', start, '--end', end, '--format', 'json');
    expect(out.code, out.err).toBe(0);
    const rec = ViewStatisticsSchema.parse(JSON.parse(out.out));
    expect(rec.window).toEqual({ start: start.replace('.000Z', 'Z'), end: end.replace('.000Z', 'Z') });
    expectAll(rec, sliceRows(rows, (i) => i >= lo && i <= hi));
  });

  it('unknown views are errors with a code', async () => {
    const k = await nodeKernel();
    const doc = JSON.parse(await (await import('node:fs/promises')).readFile(join(dir, 'data', 'registry.json'), 'utf8')) as RegistryDocument;
    const r = await viewStatistics(k, dir, indexRegistry(doc), 'nope');
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_feature_view' } });
  });
});
