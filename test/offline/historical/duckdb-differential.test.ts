// Differential test: getHistoricalFeatures against an independent reference,
// DuckDB SQL with window functions (ROW_NUMBER over each entity row's
// candidates ordered by event time desc, created desc nulls last, then source
// order desc: the later row wins exact ties), NOT an ASOF join. Seeded random
// data with many ties, null created timestamps, duplicate entity rows, several
// views (composite keys, ttl 0 and > 0, Parquet split over files, CSV, Arrow),
// filterByCreatedTimestamp on and off, one and several kernel partitions.
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHistoricalFeatures } from '../../../offline/historical/get-historical-features.ts';
import { writeParquet } from '../../../offline/parquet/index.ts';
import { rng } from '../../support/rng.ts';
import { randomRows, SEC, sourceYaml, T0, writeRowsArrow, writeRowsCsv, writeRowsParquet, type SourceRow } from '../materialize/fixture.ts';
import { makeRepo } from '../support/repo-fixture.ts';

const SCHEMA = '[{ name: rate, dtype: Float64 }, { name: trips, dtype: Int64 }, { name: label, dtype: String }, { name: flag, dtype: Bool }]';
const YAML = `entities:
  - { name: driver, join_keys: [driver_id], value_type: Int64 }
  - { name: city, join_keys: [city], value_type: String }
sources:
${sourceYaml('pq', 'data/stats', 'format: parquet, ')}
${sourceYaml('csv', 'data/stats.csv')}
${sourceYaml('arrow', 'data/stats.arrow')}
feature_views:
  - { name: v0, entities: [driver], ttl: 0, source: pq, schema: ${SCHEMA} }
  - { name: v60, entities: [driver], ttl: 60, source: pq, schema: ${SCHEMA} }
  - { name: vcity, entities: [driver, city], ttl: 120, source: pq, schema: ${SCHEMA} }
  - { name: vcsv, entities: [driver], ttl: 30, source: csv, schema: ${SCHEMA} }
  - { name: varrow, entities: [driver], ttl: 0, source: arrow, schema: ${SCHEMA} }
`;
const VIEWS = [
  { name: 'v0', ttl: 0, city: false },
  { name: 'v60', ttl: 60, city: false },
  { name: 'vcity', ttl: 120, city: true },
  { name: 'vcsv', ttl: 30, city: false },
  { name: 'varrow', ttl: 0, city: false },
];
const FEATURES = ['rate', 'trips', 'label', 'flag'];
const SRC_COL: Record<string, string> = { rate: 'rate_src', trips: 'trips', label: 'label', flag: 'flag' };

let db: DuckDBConnection;
beforeAll(async () => {
  db = await (await DuckDBInstance.create(':memory:', { threads: '1' })).connect();
});
afterAll(() => db.closeSync());

interface Case {
  dir: string;
  rows: SourceRow[];
}

async function setup(seed: number, sourceRows: number, keys: number, entityRows: number): Promise<Case> {
  const rows = randomRows(seed, sourceRows, keys, 600);
  const dir = await makeRepo({ 'larder.yaml': 'project: diff\n', 'features.yaml': YAML });
  const per = Math.ceil(rows.length / 3);
  for (let f = 0; f < 3; f++) await writeRowsParquet(join(dir, `data/stats/part-${f}.parquet`), rows.slice(f * per, (f + 1) * per), 101);
  await writeRowsCsv(join(dir, 'data/stats.csv'), rows);
  await writeRowsArrow(join(dir, 'data/stats.arrow'), rows, 113);
  // Entities: keys a little beyond the source's (some never match), times on the same 10 s grid
  // (many equal to event times), and duplicate rows.
  const r = rng(seed * 7 + 1);
  const ents: { eid: bigint; driver_id: bigint; city: string; event_timestamp: bigint; note: string }[] = [];
  for (let i = 0; i < entityRows; i++) {
    if (i > 0 && r.bool(0.15)) {
      const d = ents[r.int(0, ents.length - 1)];
      ents.push({ ...d, eid: BigInt(i) });
      continue;
    }
    ents.push({
      eid: BigInt(i),
      driver_id: BigInt(1000 + r.int(0, keys + 2)),
      city: r.pick(['ams', 'oslo', 'zürich']),
      event_timestamp: T0 + BigInt(r.int(-6, 70) * 10) * SEC,
      note: `n${i}`,
    });
  }
  const w = await writeParquet(join(dir, 'entities.parquet'), {
    schema: [
      { name: 'eid', type: 'int64' },
      { name: 'driver_id', type: 'int64' },
      { name: 'city', type: 'string' },
      { name: 'event_timestamp', type: 'timestamp' },
      { name: 'note', type: 'string' },
    ],
    batches: [{ numRows: ents.length, columns: Object.fromEntries(['eid', 'driver_id', 'city', 'event_timestamp', 'note'].map((c) => [c, ents.map((e) => e[c as keyof typeof e])])) }],
    rowGroupRows: 500,
  });
  if (!w.ok) throw new Error(w.error.message);
  return { dir, rows };
}

/** The reference for one view: one row per entity row (by eid), the features of the pick or nulls. */
async function reference(dir: string, view: (typeof VIEWS)[number], filter: boolean): Promise<unknown[][]> {
  const us = (x: string) => `epoch_us(${x})`;
  const cols = FEATURES.map((f) => `s.${SRC_COL[f]} AS ${f}`).join(', ');
  const sql = `
    WITH ents AS (SELECT * FROM read_parquet('${dir}/entities.parquet')),
    src AS (SELECT *, row_number() OVER (ORDER BY filename, file_row_number) AS src_order
            FROM read_parquet('${dir}/data/stats/*.parquet', filename = true, file_row_number = true)),
    cand AS (
      SELECT e.eid, ${cols},
             ROW_NUMBER() OVER (PARTITION BY e.eid ORDER BY ${us('s.ts')} DESC, ${us('s.created')} DESC NULLS LAST, s.src_order DESC) AS rn
      FROM ents e JOIN src s
        ON s.drv = e.driver_id ${view.city ? 'AND s.city = e.city' : ''}
       AND ${us('s.ts')} <= ${us('e.event_timestamp')}
       ${view.ttl > 0 ? `AND ${us('s.ts')} >= ${us('e.event_timestamp')} - ${view.ttl * 1_000_000}` : ''}
       ${filter ? `AND ${us('s.created')} <= ${us('e.event_timestamp')}` : ''})
    SELECT ${FEATURES.map((f) => `c.${f}`).join(', ')}
    FROM ents e LEFT JOIN cand c ON c.eid = e.eid AND c.rn = 1
    ORDER BY e.eid`;
  return (await db.runAndReadAll(sql)).getRows() as unknown[][];
}

function larderRows(t: Table, view: string): unknown[][] {
  const vecs = FEATURES.map((f) => t.getChild(`${view}__${f}`)!);
  return Array.from({ length: t.numRows }, (_, i) => vecs.map((v) => v.get(i) as unknown));
}

describe('historical retrieval vs DuckDB window-function reference', () => {
  const cases = [
    { seed: 11, sourceRows: 3000, keys: 40, entityRows: 2500, partitions: undefined },
    { seed: 12, sourceRows: 1500, keys: 8, entityRows: 1200, partitions: 8 },
    { seed: 13, sourceRows: 5000, keys: 200, entityRows: 3000, partitions: 4 },
  ];
  for (const c of cases)
    for (const filter of [false, true])
      it(`seed ${c.seed}, filterByCreatedTimestamp ${filter}, partitions ${c.partitions ?? 'auto'}`, async () => {
        const { dir } = await setup(c.seed, c.sourceRows, c.keys, c.entityRows);
        const r = await getHistoricalFeatures({
          repo: dir,
          entities: join(dir, 'entities.parquet'),
          features: VIEWS.flatMap((v) => FEATURES.map((f) => `${v.name}:${f}`)),
          fullFeatureNames: true,
          filterByCreatedTimestamp: filter,
          ...(c.partitions && { partitions: c.partitions }),
        });
        if (!r.ok) throw new Error(r.error.message);
        const t = r.value;
        expect(t.numRows).toBe(c.entityRows);
        expect(t.schema.fields.slice(0, 5).map((f) => f.name)).toEqual(['eid', 'driver_id', 'city', 'event_timestamp', 'note']);
        expect(Array.from({ length: t.numRows }, (_, i) => t.getChild('eid')!.get(i))).toEqual(Array.from({ length: c.entityRows }, (_, i) => BigInt(i)));
        let matched = 0;
        for (const v of VIEWS) {
          const got = larderRows(t, v.name);
          const want = await reference(dir, v, filter);
          expect(got.length).toBe(want.length);
          for (let i = 0; i < got.length; i++) {
            if (JSON.stringify(got[i], (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)) !== JSON.stringify(want[i], (_k, x) => (typeof x === 'bigint' ? `${x}n` : x)))
              expect({ view: v.name, row: i, got: got[i] }).toEqual({ view: v.name, row: i, got: want[i] });
            if (want[i].some((x) => x !== null)) matched++;
          }
        }
        expect(matched).toBeGreaterThan(c.entityRows); // the joins find rows, not only nulls
      }, 60_000);
});
