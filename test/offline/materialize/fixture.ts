// Seeded source rows for materialization tests, written as Parquet (several
// files, small row groups), CSV and Arrow IPC, plus the plain-TypeScript
// reference: the latest row per key in an inclusive window.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Bool, Float64, Int64, makeData, makeVector, Table, TimestampMicrosecond, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { microsToRfc3339 } from '../../../src/core/time.ts';
import { writeParquet } from '../../../offline/parquet/index.ts';
import { rng } from '../../support/rng.ts';

/** One source row (source column names: `drv` is mapped to driver_id, `rate_src` to rate). */
export interface SourceRow {
  readonly drv: bigint;
  readonly city: string;
  /** epoch µs */
  readonly ts: bigint;
  /** epoch µs or null */
  readonly created: bigint | null;
  readonly rate_src: number | null;
  readonly trips: bigint | null;
  readonly label: string | null;
  readonly flag: boolean | null;
}

export const T0 = BigInt(Date.UTC(2025, 0, 1)) * 1000n;
export const SEC = 1_000_000n;

/** n rows over `keys` drivers and 3 cities, event times on a 10 s grid in [T0, T0 + span s] and 3 created times (many full ties). */
export function randomRows(seed: number, n: number, keys: number, spanSeconds: number): SourceRow[] {
  const r = rng(seed);
  const cities = ['ams', 'oslo', 'zürich'];
  const out: SourceRow[] = [];
  for (let i = 0; i < n; i++) {
    out.push({
      drv: BigInt(1000 + r.int(0, keys - 1)),
      city: r.pick(cities),
      ts: T0 + BigInt(r.int(0, Math.floor(spanSeconds / 10)) * 10) * SEC,
      created: r.bool(0.2) ? null : T0 + BigInt(r.int(0, 2)) * SEC,
      rate_src: r.bool(0.1) ? null : Math.round(r.next() * 1e6) / 1e6,
      trips: r.bool(0.1) ? null : BigInt(r.int(-5, 1_000_000)),
      label: r.bool(0.1) ? null : `l${r.int(0, 999)}`,
      flag: r.bool(0.1) ? null : r.bool(),
    });
  }
  return out;
}

export const SOURCE_SCHEMA = [
  { name: 'drv', type: 'int64' },
  { name: 'city', type: 'string' },
  { name: 'ts', type: 'timestamp' },
  { name: 'created', type: 'timestamp' },
  { name: 'rate_src', type: 'double' },
  { name: 'trips', type: 'int64' },
  { name: 'label', type: 'string' },
  { name: 'flag', type: 'bool' },
] as const;

export async function writeRowsParquet(path: string, rows: readonly SourceRow[], rowGroupRows: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const col = <K extends keyof SourceRow>(k: K) => rows.map((x) => x[k]) as (string | number | bigint | boolean | null)[];
  const r = await writeParquet(path, {
    schema: SOURCE_SCHEMA.map((c) => ({ ...c, nullable: c.name !== 'drv' && c.name !== 'ts' && c.name !== 'city' })),
    batches: [{ numRows: rows.length, columns: Object.fromEntries(SOURCE_SCHEMA.map((c) => [c.name, col(c.name)])) }],
    rowGroupRows,
  });
  if (!r.ok) throw new Error(r.error.message);
}

const csvCell = (v: unknown): string => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV with RFC 3339 timestamps (µs), empty cells for nulls, CRLF line ends and a quoted header. */
export async function writeRowsCsv(path: string, rows: readonly SourceRow[]): Promise<void> {
  const lines = ['"drv",city,ts,created,rate_src,trips,label,flag'];
  for (const x of rows) {
    lines.push(
      [x.drv, x.city, microsToRfc3339(Number(x.ts)), x.created === null ? null : microsToRfc3339(Number(x.created)), x.rate_src, x.trips, x.label, x.flag]
        .map(csvCell)
        .join(','),
    );
  }
  await writeFile(path, `${lines.join('\r\n')}\r\n`);
}

/** Exact µs timestamps (Arrow's builders take milliseconds as numbers). */
function timestampVector(values: readonly (bigint | null)[]) {
  const data = new BigInt64Array(values.length);
  const nullBitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  values.forEach((v, i) => {
    if (v === null) nullCount++;
    else {
      data[i] = v;
      nullBitmap[i >> 3] |= 1 << (i & 7);
    }
  });
  return makeVector(makeData({ type: new TimestampMicrosecond(), length: values.length, data, nullBitmap, nullCount }));
}

/** Arrow IPC file, in record batches of `batchRows`. */
export async function writeRowsArrow(path: string, rows: readonly SourceRow[], batchRows: number): Promise<void> {
  const batches = [];
  for (let i = 0; i < rows.length; i += batchRows) {
    const part = rows.slice(i, i + batchRows);
    const t = new Table({
      drv: vectorFromArray(part.map((x) => x.drv), new Int64()),
      city: vectorFromArray(part.map((x) => x.city), new Utf8()),
      ts: timestampVector(part.map((x) => x.ts)),
      created: timestampVector(part.map((x) => x.created)),
      rate_src: vectorFromArray(part.map((x) => x.rate_src), new Float64()),
      trips: vectorFromArray(part.map((x) => x.trips), new Int64()),
      label: vectorFromArray(part.map((x) => x.label), new Utf8()),
      flag: vectorFromArray(part.map((x) => x.flag), new Bool()),
    });
    batches.push(...t.batches);
  }
  await writeFile(path, tableToIPC(new Table(batches), 'file'));
}

/**
 * The reference: per key, among rows with start <= ts <= end, the greatest
 * ts, then the greatest created (null lowest), then the later row in source
 * order. Rows are given in source order (files by name, rows in file order).
 */
export function latestPerKeyReference<K>(rows: readonly SourceRow[], keyOf: (r: SourceRow) => K, start: bigint, end: bigint): Map<K, SourceRow> {
  const best = new Map<K, SourceRow>();
  const cr = (r: SourceRow) => r.created ?? -(2n ** 63n);
  for (const r of rows) {
    if (r.ts < start || r.ts > end) continue;
    const k = keyOf(r);
    const b = best.get(k);
    if (b === undefined || r.ts > b.ts || (r.ts === b.ts && cr(r) >= cr(b))) best.set(k, r);
  }
  return best;
}

/** A larder.yaml file-source line for files written from SourceRows (their column names mapped to the view's). */
export const sourceYaml = (name: string, path: string, format = '') =>
  `  - { name: ${name}, type: file, path: ${path}, ${format}timestamp_field: ts, created_timestamp_column: created, field_mapping: { drv: driver_id, rate_src: rate } }`;

export const FEATURES_YAML = `entities:
  - name: driver
    join_keys: [driver_id]
    value_type: Int64
  - name: city
    join_keys: [city]
    value_type: String

sources:
  - name: stats_parquet
    type: file
    path: data/stats
    format: parquet
    timestamp_field: ts
    created_timestamp_column: created
    field_mapping: { drv: driver_id, rate_src: rate }
  - name: stats_csv
    type: file
    path: data/stats.csv
    timestamp_field: ts
    created_timestamp_column: created
    field_mapping: { drv: driver_id, rate_src: rate }
  - name: stats_arrow
    type: file
    path: data/stats.arrow
    timestamp_field: ts
    created_timestamp_column: created
    field_mapping: { drv: driver_id, rate_src: rate }
  - name: stats_push
    type: push
    batch_source: stats_parquet

feature_views:
  - name: stats
    entities: [driver]
    ttl: 0
    schema: &schema
      - { name: rate, dtype: Float64 }
      - { name: trips, dtype: Int64 }
      - { name: label, dtype: String }
      - { name: flag, dtype: Bool }
    source: stats_parquet
    online: true
  - name: stats_by_city
    entities: [driver, city]
    ttl: 0
    schema: *schema
    source: stats_parquet
    online: true
  - name: stats_csv
    entities: [driver]
    ttl: 0
    schema: *schema
    source: stats_csv
    online: true
  - name: stats_arrow
    entities: [driver]
    ttl: 0
    schema: *schema
    source: stats_arrow
    online: true
  - name: stats_fresh
    entities: [driver]
    ttl: 10m
    schema: *schema
    source: stats_push
    online: true
  - name: stats_offline
    entities: [driver]
    ttl: 0
    schema: *schema
    source: stats_parquet
    online: false

feature_services:
  - name: stats_svc
    features: [stats]
    precompute: true
`;
