// Historical retrieval semantics beyond the worked examples: timestamp units
// and zones, ISO strings, int32 / string / composite keys, service
// projections (aliases, join-key maps), on-demand views, nulls, entity
// timestamp detection, order and duplicates, and the errors.
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Float64,
  Int32,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  Timestamp,
  TimeUnit,
  Utf8,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { main } from '../../../offline/cli/main.ts';
import { getHistoricalFeatures, type HistoricalRequest } from '../../../offline/historical/get-historical-features.ts';
import { makeRepo } from '../support/repo-fixture.ts';

const T = Date.UTC(2025, 0, 1); // ms
const MIN = 60_000;

const YAML = `entities:
  - { name: driver, join_keys: [driver_id], value_type: Int64 }
  - { name: rider, join_keys: [rider_id], value_type: Int32 }
  - { name: zone, join_keys: [zone], value_type: String }
sources:
  - { name: units_src, type: file, path: "data/units/*.arrow", timestamp_field: ts }
  - { name: iso_src, type: file, path: data/iso.csv, timestamp_field: when, field_mapping: { zone_name: zone, v: level } }
  - { name: vals, type: request, schema: [{ name: bonus, dtype: Float64 }] }
feature_views:
  - { name: units, entities: [rider], ttl: 0, source: units_src, schema: [{ name: score, dtype: Float64 }] }
  - { name: iso, entities: [zone, driver], ttl: 1h, source: iso_src, schema: [{ name: level, dtype: Int64 }, { name: tag, dtype: String }] }
on_demand_feature_views:
  - name: boosted
    sources: [{ view: units, features: [score] }, vals]
    schema: [{ name: boosted_score, dtype: Float64 }]
    transformation: { module: ./transforms.ts, function: boost }
feature_services:
  - name: svc
    features:
      - { view: iso, features: [level], alias: home, join_key_map: { driver_id: origin_driver } }
      - { view: iso, features: [level, tag] }
      - { view: units, features: [score] }
`;

const TRANSFORMS = `export function boost(row) {
  return { boosted_score: row.score === null ? null : row.score * 2 + row.bonus };
}
`;

/** One Arrow file of (rider_id int32, ts in `unit` with `tz`, score) rows. */
function unitsFile(unit: TimeUnit, tz: string | null, rows: { rider: number; ms: number; score: number | null }[]): Uint8Array {
  const per: Record<number, bigint> = { [TimeUnit.SECOND]: 1000n, [TimeUnit.MILLISECOND]: 1n, [TimeUnit.MICROSECOND]: 1n, [TimeUnit.NANOSECOND]: 1n };
  const mul: Record<number, bigint> = { [TimeUnit.SECOND]: 1n, [TimeUnit.MILLISECOND]: 1n, [TimeUnit.MICROSECOND]: 1000n, [TimeUnit.NANOSECOND]: 1_000_000n };
  const data = BigInt64Array.from(rows, (r) => (BigInt(r.ms) * mul[unit]) / per[unit]);
  const ts = makeVector(makeData({ type: new Timestamp(unit, tz), length: rows.length, data }));
  return tableToIPC(
    new Table({
      rider_id: vectorFromArray(rows.map((r) => r.rider), new Int32()),
      ts,
      score: vectorFromArray(rows.map((r) => r.score), new Float64()),
    }),
    'file',
  );
}

async function repo(): Promise<string> {
  return makeRepo({
    'larder.yaml': 'project: sem\n',
    'features.yaml': YAML,
    'transforms.ts': TRANSFORMS,
    'data/units/a-seconds.arrow': unitsFile(TimeUnit.SECOND, null, [{ rider: 1, ms: T, score: 1 }]),
    'data/units/b-millis.arrow': unitsFile(TimeUnit.MILLISECOND, 'UTC', [{ rider: 1, ms: T + MIN, score: 2 }, { rider: 2, ms: T, score: null }]),
    'data/units/c-micros.arrow': unitsFile(TimeUnit.MICROSECOND, 'Europe/Oslo', [{ rider: 1, ms: T + 2 * MIN, score: 3 }]),
    'data/units/d-nanos.arrow': unitsFile(TimeUnit.NANOSECOND, 'UTC', [{ rider: 1, ms: T + 3 * MIN, score: 4 }, { rider: 3, ms: T, score: 5 }]),
    'data/iso.csv': [
      'zone_name,driver_id,when,v,tag',
      'north,7,2025-01-01T00:00:00Z,1,a',
      'north,7,2025-01-01T02:00:00+02:00,2,b', // = 00:00Z: same time as the first, later in file: wins ties
      'north,7,2025-01-01T00:30:00,3,', // naive = UTC; null tag
      'south,7,2025-01-01 00:10:00.5Z,4,d',
      'north,8,2025-01-01T00:00:00Z,5,e',
    ].join('\n'),
  });
}

const get = (t: Table, name: string) => Array.from({ length: t.numRows }, (_, i) => t.getChild(name)!.get(i) as unknown);
const d = (ms: number) => new Date(ms);

async function ok(req: HistoricalRequest): Promise<Table> {
  const r = await getHistoricalFeatures(req);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function fails(req: HistoricalRequest): Promise<string> {
  const r = await getHistoricalFeatures(req);
  if (r.ok) throw new Error('expected an error');
  return `${r.error.code}: ${r.error.message}`;
}

describe('historical retrieval semantics', () => {
  it('reads timestamps in s, ms, us, ns, with and without zones, over a glob; int32 keys; nulls', async () => {
    const dir = await repo();
    const riders = [1, 1, 1, 1, 1, 2, 3, 4, 1];
    const times = [T - 1, T, T + MIN - 1, T + 2 * MIN, T + 10 * MIN, T, T, T, T + 3 * MIN];
    const t = await ok({ repo: dir, entities: riders.map((rider_id, i) => ({ rider_id, event_timestamp: d(times[i]) })), features: ['units:score'] });
    expect(get(t, 'score')).toEqual([null, 1, 1, 3, 4, null, 5, null, 4]);
    expect(get(t, 'rider_id')).toEqual(riders);
  });

  it('reads ISO timestamps with offsets and naive (UTC) ones from CSV; composite string + int64 keys; field_mapping; ttl', async () => {
    const dir = await repo();
    const rows = [
      { zone: 'north', driver_id: 7n, event_timestamp: d(T) },
      { zone: 'north', driver_id: 7n, event_timestamp: d(T + 45 * MIN) },
      { zone: 'north', driver_id: 7n, event_timestamp: d(T + 91 * MIN) }, // 00:30 is > 1 h old
      { zone: 'south', driver_id: 7n, event_timestamp: d(T + 10 * MIN) }, // 00:10:00.5 is after
      { zone: 'south', driver_id: 7n, event_timestamp: d(T + 11 * MIN) },
      { zone: 'north', driver_id: 8n, event_timestamp: d(T) },
      { zone: 'north', driver_id: 9n, event_timestamp: d(T) },
      { zone: 'north', driver_id: 7n, event_timestamp: d(T) }, // duplicate of row 0
    ];
    const t = await ok({ repo: dir, entities: rows, features: ['iso:level', 'iso:tag'] });
    expect(get(t, 'level')).toEqual([2n, 3n, null, null, 4n, 5n, null, 2n]);
    expect(get(t, 'tag')).toEqual(['b', null, null, null, 'd', 'e', null, 'b']);
    expect(get(t, 'zone')).toEqual(rows.map((r) => r.zone));
  });

  it('feature services: projections, aliases and join-key maps (full names), on-demand views after the join', async () => {
    const dir = await repo();
    const entities = [
      { zone: 'north', driver_id: 8n, origin_driver: 7n, rider_id: 1, bonus: 0.5, ts: d(T + 2 * MIN) },
      { zone: 'north', driver_id: 7n, origin_driver: 8n, rider_id: 2, bonus: 1, ts: d(T + 2 * MIN) },
    ];
    const t = await ok({ repo: dir, entities, featureService: 'svc', fullFeatureNames: true });
    expect(t.schema.fields.map((f) => f.name)).toEqual(['zone', 'driver_id', 'origin_driver', 'rider_id', 'bonus', 'ts', 'home__level', 'iso__level', 'iso__tag', 'units__score']);
    expect(get(t, 'home__level')).toEqual([2n, 5n]);
    expect(get(t, 'iso__level')).toEqual([5n, 2n]);
    expect(get(t, 'units__score')).toEqual([3, null]);
    const o = await ok({ repo: dir, entities, features: ['boosted:boosted_score', 'units:score'] });
    expect(get(o, 'boosted_score')).toEqual([6.5, null]);
    expect(get(o, 'score')).toEqual([3, null]);
  });

  it('finds the entity timestamp: event_timestamp, else the only timestamp column, else an error', async () => {
    const dir = await repo();
    const base = { repo: dir, features: ['units:score'] };
    expect(get(await ok({ ...base, entities: [{ rider_id: 1, when: d(T) }] }), 'score')).toEqual([1]);
    expect(await fails({ ...base, entities: [{ rider_id: 1, note: 'x' }] })).toMatch(/^missing_entity_column: the entity table has no timestamp column/);
    expect(await fails({ ...base, entities: [{ rider_id: 1, a: d(T), b: d(T) }] })).toMatch(/^missing_entity_column: .*several timestamp columns \(a, b\)/);
    expect(await fails({ ...base, entities: [{ rider_id: 1, event_timestamp: null }] })).toMatch(/^invalid_entity_value: entity timestamp "event_timestamp" row 0/);
  });

  it('reports errors with codes', async () => {
    const dir = await repo();
    const e = [{ rider_id: 1, zone: 'north', driver_id: 7n, event_timestamp: d(T) }];
    expect(await fails({ repo: dir, entities: e, features: ['nope:score'] })).toMatch(/^unknown_feature_view: /);
    expect(await fails({ repo: dir, entities: e, features: ['units:nope'] })).toMatch(/^unknown_feature: /);
    expect(await fails({ repo: dir, entities: e, featureService: 'nope' })).toMatch(/^unknown_feature_service: /);
    expect(await fails({ repo: dir, entities: e, featureService: 'svc' })).toMatch(/^feature_name_collision: feature "level"/);
    expect(await fails({ repo: dir, entities: [{ event_timestamp: d(T) }], features: ['units:score'] })).toMatch(/^missing_entity_column: the entity table has no column "rider_id"/);
    expect(await fails({ repo: dir, entities: [{ rider_id: 'one', event_timestamp: d(T) }], features: ['units:score'] })).toMatch(/^invalid_entity_value: entity column "rider_id" is string, but join key "rider_id" is int32/);
    expect(await fails({ repo: dir, entities: [{ rider_id: 1.5, event_timestamp: d(T) }], features: ['units:score'] })).toMatch(/^invalid_entity_value: .*not a whole number/);
    expect(await fails({ repo: dir, entities: [{ rider_id: 1, score: 2, event_timestamp: d(T) }], features: ['units:score'] })).toMatch(/^feature_name_collision: /);
    await writeFile(join(dir, 'data/units/e-bad.arrow'), 'not arrow at all');
    expect(await fails({ repo: dir, entities: e, features: ['units:score'] })).toMatch(/^corrupt_data: feature view "units": .*e-bad.arrow/);
  });
});

describe('larder historical errors', () => {
  async function cli(dir: string, args: string[]): Promise<{ code: number; errs: string[] }> {
    const errs: string[] = [];
    const code = await main(['historical', ...args], { cwd: dir, out: () => undefined, err: (l) => errs.push(l) });
    return { code, errs };
  }

  it('prints one line with a code, exits 1 (2 for usage), and leaves nothing at --out', async () => {
    const dir = await repo();
    await writeFile(join(dir, 'ents.csv'), 'rider_id,event_timestamp\n1,2025-01-01T00:00:00Z\nx,2025-01-01T00:00:00Z\n');
    await writeFile(join(dir, 'bad.parquet'), 'PAR1 this is not parquet PAR1');
    await writeFile(join(dir, 'nots.csv'), 'rider_id,label\n1,a\n');
    const cases: [string[], number, RegExp][] = [
      [['--entities', 'ents.csv', '--features', 'units:score', '--out', 'o.parquet'], 1, /^error\[invalid_entity_value\]: entity column "rider_id" row 1: "x" is not a whole number/],
      [['--entities', 'bad.parquet', '--features', 'units:score', '--out', 'o.parquet'], 1, /^error\[corrupt_file\]: entities .*bad.parquet/],
      [['--entities', 'missing.csv', '--features', 'units:score', '--out', 'o.parquet'], 1, /^error\[io_error\]: cannot read entities/],
      [['--entities', 'nots.csv', '--features', 'units:score', '--out', 'o.parquet'], 1, /^error\[missing_entity_column\]: the entity table has no timestamp column/],
      [['--entities', 'ents.csv', '--features', 'iso:level,iso:tag', '--service', 'svc', '--out', 'o.parquet'], 2, /^error\[usage\]: give exactly one of/],
      [['--entities', 'ents.csv', '--features', 'units:score', '--out', 'o.txt'], 2, /^error\[usage\]: --out o.txt/],
      [['--entities', 'ents.csv', '--features', 'units:score'], 2, /^error\[usage\]: --out FILE is required/],
      [['--entities', 'ents.csv', '--service', 'svc', '--out', 'o.csv'], 1, /^error\[feature_name_collision\]/],
      [['--entities', 'ents.csv', '--features', 'units', '--out', 'o.csv'], 1, /^error\[invalid_feature_reference\]/],
    ];
    for (const [args, code, line] of cases) {
      const r = await cli(dir, args);
      expect(r.errs.length, args.join(' ')).toBe(1);
      expect(r.errs[0]).toMatch(line);
      expect(r.code).toBe(code);
    }
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith('o.') || f.startsWith('.o.'))).toEqual([]);
    expect(existsSync(join(dir, 'o.parquet'))).toBe(false);
  });
});

describe('output files', () => {
  it('writes multi-chunk tables with nulls to Parquet, CSV and Arrow with the same values', async () => {
    const { writeTable } = await import('../../../offline/historical/write-output.ts');
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const { readFile } = await import('node:fs/promises');
    const { tableFromIPC } = await import('apache-arrow');
    const dir = await repo();
    const part = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ rider_id: [1, 2, 3, 4][(from + i) % 4], event_timestamp: d(T + (from + i) * 30_000), n: from + i, note: (from + i) % 3 ? `r${from + i}` : null }));
    const t1 = (await ok({ repo: dir, entities: part(0, 7), features: ['units:score'] })).slice(0, 7);
    const entities = new Table(t1.schema, [...new Table({ ...Object.fromEntries(t1.schema.fields.map((f) => [f.name, t1.getChild(f.name)!])) }).slice(0, 3).batches, ...t1.slice(3).batches]);
    const t = await ok({ repo: dir, entities: new Table({ rider_id: entities.getChild('rider_id')!, event_timestamp: entities.getChild('event_timestamp')!, n: entities.getChild('n')!, note: entities.getChild('note')! }), features: ['units:score'] });
    expect(t.batches.length).toBeGreaterThan(1);
    const want = Array.from({ length: t.numRows }, (_, i) => [t.getChild('n')!.get(i), t.getChild('note')!.get(i), t.getChild('score')!.get(i), Number(t.getChild('event_timestamp')!.get(i))]);
    expect(want.map((r) => r[2])).toEqual([1, null, 5, null, 3, null, 5]);
    for (const f of ['o.parquet', 'o.csv', 'o.arrow']) {
      const w = await writeTable(t, join(dir, f));
      if (!w.ok) throw new Error(w.error.message);
    }
    const a = tableFromIPC(await readFile(join(dir, 'o.arrow')));
    expect(Array.from({ length: a.numRows }, (_, i) => [a.getChild('n')!.get(i), a.getChild('note')!.get(i), a.getChild('score')!.get(i), Number(a.getChild('event_timestamp')!.get(i))])).toEqual(want);
    const db = await (await DuckDBInstance.create(':memory:')).connect();
    for (const f of ['o.parquet', 'o.csv']) {
      const rows = (await db.runAndReadAll(`SELECT n::DOUBLE, note, score::DOUBLE, epoch_ms(event_timestamp::TIMESTAMPTZ)::DOUBLE FROM '${join(dir, f)}'`)).getRows();
      expect(rows, f).toEqual(want);
    }
    db.closeSync();
  });
});
