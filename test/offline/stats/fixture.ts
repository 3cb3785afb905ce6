// Seeded data for the statistics tests: two Parquet files of several row groups
// each, with nulls, NaN, zeros, an all-null column, float32, int64, bool, and
// strings with clear heavy hitters and a long tail.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { writeParquet, type WriteColumn } from '../../../offline/parquet/index.ts';
import type { FeatureStatistics } from '../../../src/core/schema/statistics.ts';
import { rng } from '../../support/rng.ts';
import { type RefNumeric, type RefString, refNumeric, refString } from './reference-stats.ts';

export const T0 = 1_735_689_600_000_000; // 2025-01-01T00:00:00Z in µs
export const STEP = 60_000_000; // one minute

export interface Rows {
  event_timestamp: number[]; // µs
  driver_id: bigint[];
  price: (number | null)[];
  qty: (bigint | null)[];
  rate: (number | null)[]; // float32-exact
  flag: (boolean | null)[];
  empty: null[];
  city: (string | null)[];
  note: (string | null)[];
}

export const SCHEMA: WriteColumn[] = [
  { name: 'event_timestamp', type: 'timestamp' },
  { name: 'driver_id', type: 'int64' },
  { name: 'price', type: 'double' },
  { name: 'qty', type: 'int64' },
  { name: 'rate', type: 'float' },
  { name: 'flag', type: 'bool' },
  { name: 'empty', type: 'double' },
  { name: 'city', type: 'string' },
  { name: 'note', type: 'string' },
];

const HEAVY = ['paris', 'tokyo', 'lima'];

export function makeRows(n: number, seed: number, first: number): Rows {
  const r = rng(seed);
  const rows: Rows = { event_timestamp: [], driver_id: [], price: [], qty: [], rate: [], flag: [], empty: [], city: [], note: [] };
  for (let i = 0; i < n; i++) {
    rows.event_timestamp.push(T0 + (first + i) * STEP);
    rows.driver_id.push(BigInt(r.int(1, 500)));
    const p = r.next();
    rows.price.push(p < 0.1 ? null : p < 0.11 ? Number.NaN : p < 0.13 ? 0 : Math.round((r.next() * 200 - 40) * 1e6) / 1e6);
    rows.qty.push(r.bool(0.05) ? null : BigInt(r.int(0, 10_000)));
    rows.rate.push(r.bool(0.02) ? null : Math.fround(r.next() ** 3));
    rows.flag.push(r.bool(0.1) ? null : r.bool(0.3));
    rows.empty.push(null);
    const c = r.next();
    rows.city.push(c < 0.05 ? null : c < 0.35 ? HEAVY[0] : c < 0.55 ? HEAVY[1] : c < 0.65 ? HEAVY[2] : `city-${r.int(0, 149)}`);
    rows.note.push(r.bool(0.01) ? null : `note ${r.int(0, 4999)} ${'é'.repeat(r.int(0, 3))}`);
  }
  return rows;
}

export function concatRows(...parts: Rows[]): Rows {
  const out = makeRows(0, 0, 0);
  for (const p of parts) for (const k of Object.keys(out) as (keyof Rows)[]) (out[k] as unknown[]).push(...(p[k] as unknown[]));
  return out;
}

export function sliceRows(rows: Rows, keep: (i: number) => boolean): Rows {
  const out = makeRows(0, 0, 0);
  for (let i = 0; i < rows.event_timestamp.length; i++) if (keep(i)) for (const k of Object.keys(out) as (keyof Rows)[]) (out[k] as unknown[]).push(rows[k][i]);
  return out;
}

export async function writeRows(path: string, rows: Rows, rowGroupRows: number): Promise<void> {
  const n = rows.event_timestamp.length;
  const columns: Record<string, readonly (string | number | bigint | boolean | null)[]> = {
    ...rows,
    event_timestamp: rows.event_timestamp.map((t) => BigInt(t)),
  };
  const w = await writeParquet(path, { schema: SCHEMA, batches: [{ numRows: n, columns }], rowGroupRows });
  if (!w.ok) throw new Error(w.error.message);
}

/** Two files, 4 row groups each: 7,000 + 5,000 rows. */
export async function writeFixture(dir: string): Promise<Rows> {
  await mkdir(join(dir, 'data'), { recursive: true });
  const a = makeRows(7000, 11, 0);
  const b = makeRows(5000, 12, 7000);
  await writeRows(join(dir, 'data', 'part-0.parquet'), a, 2000);
  await writeRows(join(dir, 'data', 'part-1.parquet'), b, 1500);
  return concatRows(a, b);
}

const num = (x: number | bigint | boolean | null): number | null => (x === null ? null : Number(x));

export function numericRef(rows: Rows, name: 'price' | 'qty' | 'rate' | 'flag' | 'empty'): RefNumeric {
  return refNumeric((rows[name] as (number | bigint | boolean | null)[]).map(num));
}

export function stringRef(rows: Rows, name: 'city' | 'note'): RefString {
  return refString(rows[name]);
}

const HLL_SE = 1.04 / Math.sqrt(4096);

/** Exact where the kernel is exact; quantiles within 1% relative error; distinct within 3 standard errors. */
export function expectNumeric(f: FeatureStatistics, ref: RefNumeric): void {
  expect(f.rows).toBe(ref.rows);
  expect(f.count).toBe(ref.count);
  expect(f.nulls).toBe(ref.nulls);
  expect(f.nullRate).toBe(ref.rows === 0 ? 0 : ref.nulls / ref.rows);
  const n = f.numeric!;
  expect(n.nans).toBe(ref.nans);
  expect(n.zeros).toBe(ref.zeros);
  expect(n.min).toBe(ref.min);
  expect(n.max).toBe(ref.max);
  if (ref.mean === null) expect(n.mean).toBeNull();
  else expect(Math.abs(n.mean! - ref.mean)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(ref.mean)));
  if (ref.stdDev === null) expect(n.stdDev).toBeNull();
  else expect(Math.abs(n.stdDev! - ref.stdDev)).toBeLessThanOrEqual(1e-9 * ref.stdDev);
  const qs = { p1: 0.01, p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95, p99: 0.99 } as const;
  for (const [k, q] of Object.entries(qs)) {
    const exact = ref.quantile(q);
    const got = n.quantiles[k as keyof typeof qs];
    if (exact === null) expect(got).toBeNull();
    else expect(Math.abs(got! - exact), `${f.name} ${k}: ${got} vs exact ${exact}`).toBeLessThanOrEqual(0.01 * Math.abs(exact) + 1e-12);
  }
  expect(Math.abs(f.distinct - ref.distinct)).toBeLessThanOrEqual(3 * HLL_SE * ref.distinct + 1);
  const finite = ref.count - ref.nans;
  expect(n.histogram.reduce((s, b) => s + b.count, 0)).toBe(finite);
  if (finite > 0) {
    expect(n.histogram[0].low).toBe(ref.min);
    expect(n.histogram.at(-1)!.high).toBe(ref.max);
  }
}

export function expectString(f: FeatureStatistics, ref: RefString, heavy: number): void {
  expect(f.rows).toBe(ref.rows);
  expect(f.count).toBe(ref.count);
  expect(f.nulls).toBe(ref.nulls);
  const s = f.string!;
  expect(s.avgLength).toBeCloseTo(ref.avgLength!, 9);
  expect(s.minLength).toBe(ref.minLength);
  expect(s.maxLength).toBe(ref.maxLength);
  expect(Math.abs(f.distinct - ref.distinct)).toBeLessThanOrEqual(3 * HLL_SE * ref.distinct + 1);
  // Heavy hitters: in order, with exact counts when the sketch lost nothing, else within its bound.
  for (let i = 0; i < heavy; i++) {
    const [value, count] = ref.counts[i];
    expect(s.topValues[i].value).toBe(value);
    expect(s.topValues[i].count).toBeLessThanOrEqual(count);
    expect(s.topValues[i].count + s.topValuesError).toBeGreaterThanOrEqual(count);
    if (s.topValuesError === 0) expect(s.topValues[i].count).toBe(count);
  }
}
