// `larder stats` end to end: files of each format, --format/--out, storing a
// view's statistics beside a file registry, describe, the Node app serving
// them (createApp), and the errors (exit codes, one line with a code).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Int64, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeKernel } from '../../../offline/parquet/kernel.ts';
import { FileMetadataStore } from '../../../offline/stores/file-metadata-store.ts';
import { FileRegistryStore } from '../../../offline/stores/file-registry-store.ts';
import { ok } from '../../../src/core/errors.ts';
import { indexRegistry } from '../../../src/core/registry/registry-index.ts';
import { ViewStatisticsSchema } from '../../../src/core/schema/statistics.ts';
import { toTfdvStatistics } from '../../../src/core/statistics/tfdv.ts';
import { MemoryOnlineStore } from '../../../src/stores/memory/memory-online-store.ts';
import { createApp } from '../../../src/worker/app.ts';
import { checkProtoJson, parseProto } from '../../core/statistics/proto-shape.ts';
import { run } from '../cli/cli-support.ts';
import { makeRows, writeRows } from './fixture.ts';
import { refNumeric, refString } from './reference-stats.ts';

const proto = parseProto(await readFile(new URL('../../core/statistics/fixtures/statistics.proto', import.meta.url), 'utf8'));

const YAML = `entities:
  - name: driver
    join_keys: [{ name: driver_id, value_type: int64 }]
sources:
  - name: trips
    type: file
    path: data/trips.parquet
    timestamp_field: event_timestamp
  - name: missing_src
    type: file
    path: data/missing.parquet
    timestamp_field: event_timestamp
feature_views:
  - name: trip_stats
    entities: [driver]
    source: trips
    schema:
      - { name: price, dtype: float64 }
      - { name: city, dtype: string }
  - name: other
    entities: [driver]
    source: trips
    schema:
      - { name: qty, dtype: int64 }
`;

let dir: string;
const rows = makeRows(3000, 5, 0);

// CSV and Arrow: a few columns with nulls, NaN and a string column.
const small = Array.from({ length: 500 }, (_, i) => ({
  id: BigInt(i),
  x: i % 10 === 0 ? null : i % 37 === 0 ? Number.NaN : (i * 7919) % 1000 / 8,
  label: i % 9 === 0 ? null : i % 3 === 0 ? 'alpha' : `v${i % 40}`,
}));
const csvText = ['id,x,label', ...small.map((r) => `${r.id},${r.x === null ? '' : Number.isNaN(r.x) ? 'NaN' : r.x},${r.label ?? ''}`)].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'larder-stats-cli-'));
  await writeFile(join(dir, 'larder.yaml'), 'project: stats_cli\n');
  await writeFile(join(dir, 'features.yaml'), YAML);
  await (await import('node:fs/promises')).mkdir(join(dir, 'data'), { recursive: true });
  await writeRows(join(dir, 'data', 'trips.parquet'), rows, 700);
  await writeFile(join(dir, 'small.csv'), `${csvText}\n`);
  const table = new Table({
    id: vectorFromArray(small.map((r) => r.id), new Int64()),
    x: vectorFromArray(small.map((r) => r.x), new Float64()),
    label: vectorFromArray(small.map((r) => r.label), new Utf8()),
  });
  await writeFile(join(dir, 'small.arrow'), tableToIPC(table, 'file'));
  await writeFile(join(dir, 'corrupt.parquet'), Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(300, 7), Buffer.from('PAR1')]));
  const applied = await run(dir, 'apply');
  expect(applied.code, applied.err).toBe(0);
});

function expectSmall(out: string) {
  const rec = ViewStatisticsSchema.parse(JSON.parse(out));
  const [id, x, label] = rec.features;
  const rx = refNumeric(small.map((r) => r.x));
  expect(rec.rowCount).toBe(500);
  expect(id).toMatchObject({ name: 'id', dtype: 'int64', count: 500, nulls: 0, numeric: { min: 0, max: 499, mean: 249.5 } });
  expect(x).toMatchObject({ name: 'x', count: rx.count, nulls: rx.nulls, numeric: { nans: rx.nans, min: rx.min, max: rx.max } });
  expect(x.numeric!.mean).toBeCloseTo(rx.mean!, 10);
  const rl = refString(small.map((r) => r.label));
  expect(label).toMatchObject({ name: 'label', dtype: 'string', count: rl.count, nulls: rl.nulls });
  expect(label.string!.topValues[0]).toEqual({ value: 'alpha', count: rl.counts[0][1] });
}

describe('larder stats', () => {
  it('--file CSV prints a table', async () => {
    const r = await run(dir, 'stats', '--file', 'small.csv');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^small\.csv: 500 rows, computed /);
    expect(r.out).toMatch(/\nFEATURE +DTYPE +COUNT +NULLS +NULL% +MIN +MAX +MEAN/);
    expect(r.out).toMatch(/\nlabel +string +444 +56 +11\.2%/);
  });

  it('--file CSV and Arrow, --format json, agree with the reference', async () => {
    for (const f of ['small.csv', 'small.arrow']) {
      const r = await run(dir, 'stats', '--file', f, '--format', 'json');
      expect(r.code, r.err).toBe(0);
      expectSmall(r.out);
    }
  });

  it('--file Parquet --format tfdv --out FILE writes TFDV JSON that conforms to statistics.proto', async () => {
    const r = await run(dir, 'stats', '--file', 'data/trips.parquet', '--format', 'tfdv', '--out', 'trips.tfdv.json');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('trips.parquet: 3,000 rows, 9 features -> trips.tfdv.json (tfdv)');
    const tfdv = JSON.parse(await readFile(join(dir, 'trips.tfdv.json'), 'utf8'));
    expect(checkProtoJson(proto, 'DatasetFeatureStatisticsList', tfdv)).toEqual([]);
    expect(tfdv.datasets[0]).toMatchObject({ name: 'trips.parquet', numExamples: '3000' });
    const city = tfdv.datasets[0].features.find((f: { name: string }) => f.name === 'city');
    expect(city.stringStats.topValues[0]).toEqual({ value: 'paris', frequency: refString(rows.city).counts[0][1] });
  });

  it('VIEW: stores the record beside the registry; describe and the app (createApp on Node) show it', async () => {
    const r = await run(dir, 'stats', 'trip_stats', '--out', 'trip_stats.json');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('trip_stats: 3,000 rows, 2 features -> trip_stats.json (json)\nStored the statistics of trip_stats (beside data/registry.json).');
    const written = ViewStatisticsSchema.parse(JSON.parse(await readFile(join(dir, 'trip_stats.json'), 'utf8')));
    expect(written.features.map((f) => f.name)).toEqual(['price', 'city']);
    const stored = await new FileMetadataStore(join(dir, 'data', 'metadata')).get('stats_cli', 'statistics', 'trip_stats');
    expect(stored.ok && stored.value?.body).toEqual(written);

    const d = await run(dir, 'describe', 'trip_stats');
    expect(d.code, d.err).toBe(0);
    const price = refNumeric(rows.price);
    expect(JSON.parse(d.out).statistics).toEqual({
      computedAt: written.computedAt,
      window: { start: null, end: null },
      rowCount: 3000,
      features: [
        { name: 'price', count: price.count, nullRate: price.nulls / 3000, mean: written.features[0].numeric!.mean, min: price.min, max: price.max },
        { name: 'city', count: refString(rows.city).count, nullRate: refString(rows.city).nulls / 3000, mean: null, min: null, max: null },
      ],
    });
    expect(JSON.parse((await run(dir, 'describe', 'other')).out).statistics).toBeNull();

    const doc = await new FileRegistryStore(join(dir, 'data', 'registry.json')).read('stats_cli');
    const index = indexRegistry(doc.ok ? doc.value! : (null as never));
    const app = createApp({
      project: 'stats_cli',
      kernel: nodeKernel,
      registry: { get: async () => ok(index) },
      online: new MemoryOnlineStore(),
      metadata: new FileMetadataStore(join(dir, 'data', 'metadata')),
    });
    const res = await app.request('/registry/feature-views/trip_stats/statistics');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(written);
    const tfdv = await app.request('/registry/feature-views/trip_stats/statistics?format=tfdv');
    expect(await tfdv.json()).toEqual(toTfdvStatistics(written));
    const none = await app.request('/registry/feature-views/other/statistics');
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining('"other"') } });
    const unknown = await app.request('/registry/feature-views/nope/statistics');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found', details: { featureView: 'nope' } } });
  });

  it('user errors: exit 1 with one line and a code', async () => {
    const cases: [string[], RegExp][] = [
      [['stats', 'nope'], /^error\[unknown_feature_view\]: no feature view named nope \(feature views: /],
      [['stats', '--file', 'corrupt.parquet'], /^error\[corrupt_file\]: .*corrupt\.parquet/],
      [['stats', '--file', 'absent.parquet'], /^error\[not_found\]: no file matches absent\.parquet$/],
      [['stats', '--file', 'notes.txt'], /^error\[invalid_argument\]: notes\.txt: unknown file type/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(dir, ...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err.split('\n')).toHaveLength(1);
      expect(r.err).toMatch(re);
      expect(r.out).toBe('');
    }
  });

  it('usage errors: exit 2', async () => {
    for (const argv of [['stats'], ['stats', 'a', 'b'], ['stats', 'trip_stats', '--format', 'xml'], ['stats', 'trip_stats', '--file', 'small.csv'], ['stats', '--file', 'small.csv', '--start', 'now'], ['stats', 'trip_stats', '--start', 'yesterday']]) {
      const r = await run(dir, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/^error\[usage\]: .*\(see larder stats --help\)$/);
    }
  });
});
