import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeParquet } from '../../../offline/parquet/index.ts';
import { run } from '../cli/cli-support.ts';
import { makeRepo } from '../support/repo-fixture.ts';

const HOUR = 3_600_000_000n;
const T0 = BigInt(Date.UTC(2025, 0, 1)) * 1000n;
const iso = (h: number) => new Date(Number((T0 + BigInt(h) * HOUR) / 1000n)).toISOString().replace('.000', '');

const YAML = `entities:
  - { name: driver, join_keys: [driver_id], value_type: Int64 }
sources:
  - { name: trips_src, type: file, path: data/trips.parquet, timestamp_field: event_timestamp }
feature_views:
  - name: trips
    entities: [driver]
    source: trips_src
    min_rows: 3
    schema:
      - { name: rate, dtype: Float64, expectations: { min: 0, max: 1 } }
      - { name: city, dtype: String, expectations: { allowed_values: [ams, ber], required: true } }
      - { name: trips, dtype: Int64, expectations: { max_null_rate: 0.25 } }
      - { name: note, dtype: String }
`;

// Hours 0..4 pass every expectation; hours 5..9 break some.
const ROWS: [number, number | null, string | null, bigint | null][] = [
  [0, 0, 'ams', 1n],
  [1, 0.5, 'ber', 2n],
  [2, 1, 'ams', null],
  [3, 0.25, 'ber', 4n],
  [4, 0.75, 'ams', 5n],
  [5, 1.5, 'par', null],
  [6, -0.5, null, null],
  [7, 0.5, 'ams', null],
  [8, 2, 'ber', 9n],
  [9, 0.1, 'rom', 10n],
];

let repo: string;
beforeAll(async () => {
  repo = await makeRepo({
    'larder.yaml': 'project: validate_test\n',
    'features.yaml': YAML,
    'data/bad.csv': `driver_id,event_timestamp,rate,city,trips\n1,${iso(0)},0.5,ams,1\n2,${iso(1)},abc,ber,2\n3,${iso(2)},7,ams,\n`,
  });
  const w = await writeParquet(join(repo, 'data/trips.parquet'), {
    schema: [
      { name: 'driver_id', type: 'int64' },
      { name: 'event_timestamp', type: 'timestamp' },
      { name: 'rate', type: 'double' },
      { name: 'city', type: 'string' },
      { name: 'trips', type: 'int64' },
      { name: 'note', type: 'string' },
    ],
    batches: [
      {
        numRows: ROWS.length,
        columns: {
          driver_id: ROWS.map((_, i) => BigInt(i + 1)),
          event_timestamp: ROWS.map(([h]) => T0 + BigInt(h) * HOUR),
          rate: ROWS.map((r) => r[1]),
          city: ROWS.map((r) => r[2]),
          trips: ROWS.map((r) => r[3]),
          note: ROWS.map(() => null),
        },
      },
    ],
    rowGroupRows: 4, // several row groups: examples keep their global row numbers
  });
  if (!w.ok) throw new Error(w.error.message);
});

describe('larder validate', () => {
  it('exits 0 and says so when every expectation passes in the window', async () => {
    const r = await run(repo, 'validate', '--view', 'trips', '--end', iso(4));
    expect(r.err).toBe('');
    expect(r.out.split('\n')).toEqual([
      'Validating feature view trips over source trips_src (the beginning .. 2025-01-01T04:00:00Z)',
      'trips: 5 expectations passed over 5 rows.',
    ]);
    expect(r.code).toBe(0);
  });

  it('exits 1 with every violated expectation, counts and examples', async () => {
    const r = await run(repo, 'validate', '--view', 'trips');
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      'Validating feature view trips over source trips_src (all rows)',
      'trips: 4 expectations of 5 failed over 10 rows (4 rows break a row-level expectation):',
      '  rate: expected 0 <= value <= 1: 3 of 10 rows outside (rows 5: 1.5, 6: -0.5, 8: 2)',
      '  city: expected one of ["ams", "ber"]: 2 of 10 rows not allowed (rows 5: "par", 9: "rom")',
      '  city: expected no nulls (required): 1 of 10 rows null (row 6)',
      '  trips: expected null rate <= 0.25: null rate 0.4 (4 of 10 rows null) (rows 2, 5, 6, 7)',
    ]);
  });

  it('prints the report as JSON with --json (same exit code)', async () => {
    const r = await run(repo, 'validate', '--view', 'trips', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ view: 'trips', rows: 10, checked: 5, offendingRows: 4, source: 'source trips_src', files: [{ file: 'data/trips.parquet', firstRow: 0 }] });
    expect(doc.violations[0]).toEqual({
      column: 'rate', feature: 'rate', expectation: 'range', expected: '0 <= value <= 1', rows: 10, count: 3,
      examples: [{ row: 5, value: 1.5 }, { row: 6, value: -0.5 }, { row: 8, value: 2 }],
    });
  });

  it('checks min rows over the window', async () => {
    const r = await run(repo, 'validate', '--view', 'trips', '--start', iso(3), '--end', iso(4));
    expect(r.code).toBe(1);
    expect(r.out).toContain('(dataset): expected at least 3 rows: found 2 rows');
  });

  it('checks a CSV file against a view, reporting values that do not fit the dtype', async () => {
    const r = await run(repo, 'validate', '--file', 'data/bad.csv', '--against', 'trips');
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      'Validating feature view trips over data/bad.csv (all rows)',
      'trips: 2 expectations of 5 failed over 3 rows (2 rows break a row-level expectation):',
      '  rate: expected 0 <= value <= 1: 1 of 3 rows outside (row 2: 7)',
      '  rate: expected values of type float64: 1 of 3 rows do not fit (row 1: "abc")',
      '  trips: expected null rate <= 0.25: null rate 0.3333 (1 of 3 rows null) (row 2)',
    ]);
  });

  it('gives user errors exit 1 and usage errors exit 2', async () => {
    const unknown = await run(repo, 'validate', '--view', 'nope');
    expect([unknown.code, unknown.err]).toEqual([1, expect.stringMatching(/^error\[unknown_feature_view\]: feature view "nope" is not defined/)]);
    const missing = await run(repo, 'validate', '--file', 'data/none.csv', '--against', 'trips');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error\[not_found\]/);
    for (const args of [
      [],
      ['--file', 'data/bad.csv'],
      ['--against', 'trips'],
      ['--view', 'trips', '--file', 'data/bad.csv', '--against', 'trips'],
      ['--view', 'trips', '--start', 'yesterday-ish'],
      ['--view', 'trips', '--start', iso(5), '--end', iso(1)],
      ['--view', 'trips', '--baseline', `${iso(0)}..${iso(1)}`],
      ['--view', 'trips', '--baseline', 'x', '--current', `${iso(0)}..${iso(1)}`],
      ['--view', 'trips', '--threshold', '0.3'],
      ['--view', 'trips', '--bogus'],
    ]) {
      const r = await run(repo, 'validate', ...args);
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.err).toMatch(/^error\[usage\]: /);
    }
  });
});
