import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getHistoricalFeatures } from '../../../offline/historical/get-historical-features.ts';
import { run } from '../cli/cli-support.ts';
import { makeRepo } from '../support/repo-fixture.ts';

const YAML = `entities:
  - { name: driver, join_keys: [driver_id], value_type: Int64 }
sources:
  - { name: src, type: file, path: data/stats.csv, timestamp_field: event_timestamp }
feature_views:
  - name: stats
    entities: [driver]
    source: src
    min_rows: 2
    schema:
      - { name: rate, dtype: Float64, expectations: { min: 0, max: 1, required: true } }
      - { name: city, dtype: String, expectations: { allowed_values: [ams, ber] } }
      - { name: trips, dtype: Int64 }
feature_services:
  - { name: svc, features: [{ view: stats, features: [rate] }, { view: stats, alias: again, features: [rate, city] }] }
`;

let repo: string;
beforeAll(async () => {
  repo = await makeRepo({
    'larder.yaml': 'project: hist_validate\n',
    'features.yaml': YAML,
    'data/stats.csv': 'driver_id,event_timestamp,rate,city,trips\n1,2025-01-01T00:00:00Z,0.5,ams,3\n2,2025-01-01T00:00:00Z,0.9,ber,4\n3,2025-01-01T00:00:00Z,1.7,par,5\n',
    'good.csv': 'driver_id,event_timestamp,label\n1,2025-01-02T00:00:00Z,1\n2,2025-01-02T00:00:00Z,0\n',
    // Driver 3 has an out-of-range rate and a city not allowed; driver 9 has no row (null rate).
    'bad.csv': 'driver_id,event_timestamp,label\n1,2025-01-02T00:00:00Z,1\n3,2025-01-02T00:00:00Z,0\n9,2025-01-02T00:00:00Z,1\n',
  });
});

describe('historical retrieval with validate', () => {
  it('returns the table when the training set meets the expectations', async () => {
    const r = await getHistoricalFeatures({ repo, entities: join(repo, 'good.csv'), features: ['stats:rate', 'stats:city'], validate: true });
    expect(r.ok && r.value.numRows).toBe(2);
  });

  it('fails with expectation_failed and per-view reports (aliases checked under their output names)', async () => {
    const r = await getHistoricalFeatures({ repo, entities: join(repo, 'bad.csv'), featureService: 'svc', fullFeatureNames: true, validate: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('expectation_failed');
    const { reports } = r.error.details as { reports: { view: string; violations: { column: string; expectation: string; count: number; examples: unknown[] }[] }[] };
    expect(reports.map((x) => x.view)).toEqual(['stats']);
    expect(reports[0]!.violations.map((v) => [v.column, v.expectation, v.count, v.examples])).toEqual([
      ['stats__rate', 'range', 1, [{ row: 1, value: 1.7 }]],
      ['stats__rate', 'required', 1, [{ row: 2, value: null }]],
      ['again__rate', 'range', 1, [{ row: 1, value: 1.7 }]],
      ['again__rate', 'required', 1, [{ row: 2, value: null }]],
      ['again__city', 'allowed_values', 1, [{ row: 1, value: 'par' }]],
    ]);
    // Without validate the same request succeeds.
    const plain = await getHistoricalFeatures({ repo, entities: join(repo, 'bad.csv'), featureService: 'svc', fullFeatureNames: true });
    expect(plain.ok).toBe(true);
  });

  it('checks the view min rows against the training set', async () => {
    const one = await makeRepo({ 'e.csv': 'driver_id,event_timestamp\n1,2025-01-02T00:00:00Z\n' });
    const r = await getHistoricalFeatures({ repo, entities: join(one, 'e.csv'), features: ['stats:trips'], validate: true });
    expect(!r.ok && r.error.message).toBe('the training set breaks an expectation of stats: stats: (dataset): expected at least 2 rows: found 1 row');
  });

  it('the CLI prints the report, writes nothing and exits 1; writes the file when it passes', async () => {
    const bad = await run(repo, 'historical', '--entities', 'bad.csv', '--features', 'stats:rate,stats:city', '--out', 'bad.parquet', '--validate');
    expect(bad.code).toBe(1);
    expect(bad.out.split('\n')).toEqual([
      'stats: 3 expectations of 4 failed over 3 rows (2 rows break a row-level expectation):',
      '  rate: expected 0 <= value <= 1: 1 of 3 rows outside (row 1: 1.7)',
      '  rate: expected no nulls (required): 1 of 3 rows null (row 2)',
      '  city: expected one of ["ams", "ber"]: 1 of 3 rows not allowed (row 1: "par")',
    ]);
    expect(bad.err).toMatch(/^error\[expectation_failed\]: the training set breaks 3 expectations of stats: /);
    expect(existsSync(join(repo, 'bad.parquet'))).toBe(false);
    const good = await run(repo, 'historical', '--entities', 'good.csv', '--features', 'stats:rate,stats:city', '--out', 'good.parquet', '--validate');
    expect([good.code, good.err]).toEqual([0, '']);
    expect(existsSync(join(repo, 'good.parquet'))).toBe(true);
  });
});
