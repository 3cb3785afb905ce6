import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeParquet } from '../../../offline/parquet/index.ts';
import { computeDrift } from '../../../offline/validate/drift.ts';
import { bucketOf, jensenShannonDistance, populationStabilityIndex } from '../../../offline/validate/drift-metrics.ts';
import { repoRegistry } from '../../../offline/validate/repo-registry.ts';
import { run } from '../cli/cli-support.ts';
import { makeRepo } from '../support/repo-fixture.ts';

const HOUR = 3_600_000_000n;
const T0 = BigInt(Date.UTC(2025, 0, 1)) * 1000n;
const N = 4000; // rows per window
const iso = (h: number) => new Date(Number((T0 + BigInt(h) * HOUR) / 1000n)).toISOString();

/** mulberry32: a small seeded PRNG, so the data (and the figures) are the same every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const normal = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const pick = (r: () => number, cats: readonly [string, number][]) => {
  let u = r();
  for (const [c, p] of cats) if ((u -= p) < 0) return c;
  return cats[cats.length - 1]![0];
};

const YAML = `entities:
  - { name: driver, join_keys: [driver_id], value_type: Int64 }
sources:
  - { name: src, type: file, path: data/drift.parquet, timestamp_field: event_timestamp }
feature_views:
  - name: all
    entities: [driver]
    source: src
    schema:
      - { name: x_same, dtype: Float64 }
      - { name: x_shift, dtype: Float64 }
      - { name: n_same, dtype: Int64 }
      - { name: cat_same, dtype: String }
      - { name: cat_new, dtype: String }
      - { name: tags, dtype: "Array(String)" }
  - name: stable
    entities: [driver]
    source: src
    schema:
      - { name: x_same, dtype: Float64 }
      - { name: n_same, dtype: Int64 }
      - { name: cat_same, dtype: String }
`;

const CATS: [string, number][] = [['a', 0.5], ['b', 0.3], ['c', 0.2]];
const NEW_CATS: [string, number][] = [['z', 0.6], ['a', 0.2], ['b', 0.1], ['c', 0.1]];

let repo: string;
beforeAll(async () => {
  repo = await makeRepo({ 'larder.yaml': 'project: drift_test\n', 'features.yaml': YAML, 'data/.keep': '' });
  const r = rng(42);
  const rows = 2 * N;
  const cols = {
    driver_id: [] as bigint[], event_timestamp: [] as bigint[], x_same: [] as (number | null)[], x_shift: [] as number[],
    n_same: [] as bigint[], cat_same: [] as string[], cat_new: [] as string[],
  };
  for (let i = 0; i < rows; i++) {
    const current = i >= N; // baseline: hours 0..99, current: hours 100..199
    cols.driver_id.push(BigInt(i % 100));
    cols.event_timestamp.push(T0 + BigInt(Math.floor(i / 40)) * HOUR);
    cols.x_same.push(r() < 0.05 ? null : normal(r));
    cols.x_shift.push(normal(r) + (current ? 1 : 0));
    cols.n_same.push(BigInt(Math.floor(r() * 5)));
    cols.cat_same.push(pick(r, CATS));
    cols.cat_new.push(pick(r, current ? NEW_CATS : CATS));
  }
  const w = await writeParquet(join(repo, 'data/drift.parquet'), {
    schema: [
      { name: 'driver_id', type: 'int64' }, { name: 'event_timestamp', type: 'timestamp' }, { name: 'x_same', type: 'double' },
      { name: 'x_shift', type: 'double' }, { name: 'n_same', type: 'int64' }, { name: 'cat_same', type: 'string' }, { name: 'cat_new', type: 'string' },
    ],
    batches: [{ numRows: rows, columns: cols }],
    rowGroupRows: 3000,
  });
  if (!w.ok) throw new Error(w.error.message);
});

describe('drift metrics', () => {
  it('PSI and JS distance are 0 for equal distributions and grow with the difference', () => {
    expect(populationStabilityIndex([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 12);
    expect(jensenShannonDistance([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 6);
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(1, 12);
    // (0.5-0.9)ln(0.5/0.9)... computed by hand: 0.4*ln(9/5)... = (0.9-0.5)ln(1.8) + (0.1-0.5)ln(0.2)
    expect(populationStabilityIndex([5, 5], [9, 1])).toBeCloseTo(0.4 * Math.log(1.8) + -0.4 * Math.log(0.2), 12);
  });

  it('buckets are (-inf, e0], (e0, e1], ..., (ek, inf)', () => {
    expect([-1, 0, 0.5, 1, 2, 3].map((v) => bucketOf([0, 1, 2], v))).toEqual([0, 0, 1, 1, 2, 3]);
  });
});

describe('drift between windows', () => {
  const baseline = { start: T0, end: T0 + 99n * HOUR };
  const current = { start: T0 + 100n * HOUR, end: T0 + 199n * HOUR };

  it('flags a shifted mean and a new dominant category, not identical distributions', async () => {
    const reg = await repoRegistry(repo);
    if (!reg.ok) throw new Error(reg.error.message);
    const r = await computeDrift({ dir: repo, registry: reg.value, view: reg.value.featureViews.get('all')!, baseline, current });
    if (!r.ok) throw new Error(r.error.message);
    expect([r.value.baselineRows, r.value.currentRows]).toEqual([N, N]);
    const by = Object.fromEntries(r.value.features.map((f) => [f.feature, f]));
    expect(by.x_same!.metric).toBe('psi');
    expect(by.x_same!.value!).toBeLessThan(0.05);
    expect(by.n_same!.value!).toBeLessThan(0.05);
    expect(by.x_shift!.value!).toBeGreaterThan(0.5); // one standard deviation
    expect(by.cat_same!.metric).toBe('js_distance');
    expect(by.cat_same!.value!).toBeLessThan(0.05);
    expect(by.cat_new!.value!).toBeGreaterThan(0.3);
    expect(r.value.features.filter((f) => f.drifted).map((f) => f.feature)).toEqual(['x_shift', 'cat_new']);
    expect(by.tags).toMatchObject({ metric: null, drifted: false, detail: 'not compared (list<string>)' });
    expect(by.x_same!.baseline.nulls).toBeGreaterThan(100);
    expect(by.cat_new!.detail).toMatch(/^top "a" 0\.\d\d -> "z" 0\.\d\d$/);
  });

  it('the CLI exits 1 when a feature drifted and 0 when none did', async () => {
    const drifted = await run(repo, 'validate', '--view', 'all', '--baseline', `${iso(0)}..${iso(99)}`, '--current', `${iso(100)}..${iso(199)}`);
    expect(drifted.code).toBe(1);
    const lines = drifted.out.split('\n');
    expect(lines[1]).toBe('all: 2 of 6 features drifted (baseline 4,000 rows, current 4,000 rows)');
    expect(lines.find((l) => l.includes('x_shift'))).toMatch(/^ {2}DRIFT x_shift: PSI \d+\.\d{4} \(threshold 0\.2\); mean -?0\.0\d+ -> (0\.9|1\.0)\d*; nulls 0\.00 -> 0\.00$/);
    expect(lines.find((l) => l.includes('cat_same'))).toMatch(/^ {2}ok {4}cat_same: JS distance 0\.0\d{3} \(threshold 0\.1\)/);
    const stable = await run(repo, 'validate', '--view', 'stable', '--baseline', `${iso(0)}..${iso(99)}`, '--current', `${iso(100)}..${iso(199)}`);
    expect(stable.code).toBe(0);
    expect(stable.out.split('\n')[1]).toBe('stable: no feature drifted (baseline 4,000 rows, current 4,000 rows)');
    // A huge threshold: nothing drifts.
    const lax = await run(repo, 'validate', '--view', 'all', '--baseline', `${iso(0)}..${iso(99)}`, '--current', `${iso(100)}..${iso(199)}`, '--threshold', '100', '--js-threshold', '1');
    expect(lax.code).toBe(0);
  });

  it('refuses an empty window', async () => {
    const r = await run(repo, 'validate', '--view', 'all', '--baseline', `${iso(500)}..${iso(600)}`, '--current', `${iso(100)}..${iso(199)}`);
    expect([r.code, r.err]).toEqual([1, 'error[invalid_argument]: the baseline window holds no rows of all']);
  });
});
