// Feast's worked examples A (tie-break), B (as-of-known-time) and C (ttl)
// from domain.md, end to end through getHistoricalFeatures and the CLI.
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { tableFromIPC, type Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { getHistoricalFeatures } from '../../../offline/historical/get-historical-features.ts';
import { writeParquet } from '../../../offline/parquet/index.ts';
import { main } from '../../../offline/cli/main.ts';
import { makeRepo } from '../support/repo-fixture.ts';

const DAY = 86_400_000_000n;
const HOUR = 3_600_000_000n;
const T = BigInt(Date.UTC(2025, 0, 1)) * 1000n;
const iso = (us: bigint) => new Date(Number(us / 1000n)).toISOString();

const YAML = `entities:
  - { name: driver, join_keys: [driver_id], value_type: Int64 }
sources:
  - { name: a_src, type: file, path: data/a.parquet, timestamp_field: event_timestamp, created_timestamp_column: created }
  - { name: b_src, type: file, path: data/b.csv, timestamp_field: event_timestamp, created_timestamp_column: created }
  - { name: c_src, type: file, path: data/c.csv, timestamp_field: event_timestamp }
feature_views:
  - { name: a, entities: [driver], ttl: 0, source: a_src, schema: [{ name: value, dtype: Int64 }] }
  - { name: b, entities: [driver], ttl: 7d, source: b_src, schema: [{ name: conv_rate, dtype: Float64 }] }
  - { name: c, entities: [driver], ttl: 1d, source: c_src, schema: [{ name: acc_rate, dtype: Float64 }] }
`;

async function exampleRepo(now: bigint): Promise<string> {
  const dir = await makeRepo({
    'larder.yaml': 'project: examples\n',
    'features.yaml': YAML,
    'data/b.csv': `driver_id,event_timestamp,created,conv_rate\n1,2025-01-01T10:00:00Z,2025-01-01T12:00:00Z,0.4\n1,2025-01-01T10:00:00Z,2025-01-03T00:00:00Z,0.6\n`,
    'data/c.csv': `driver_id,event_timestamp,acc_rate\n1,${iso(now - HOUR)},0.9\n2,${iso(now - 2n * DAY)},0.5\n`,
  });
  const w = await writeParquet(join(dir, 'data/a.parquet'), {
    schema: [
      { name: 'driver_id', type: 'int64' },
      { name: 'value', type: 'int64' },
      { name: 'event_timestamp', type: 'timestamp' },
      { name: 'created', type: 'timestamp' },
    ],
    batches: [
      {
        numRows: 4,
        columns: {
          driver_id: [1001n, 1001n, 1002n, 1002n],
          value: [10n, 20n, 30n, 40n],
          event_timestamp: [T, T, T, T + DAY],
          created: [T, T + DAY, T + DAY, T],
        },
      },
    ],
  });
  if (!w.ok) throw new Error(w.error.message);
  return dir;
}

const col = (t: Table, name: string) => Array.from(t.getChild(name)!.toArray() as ArrayLike<unknown>, (x) => x);
const values = (t: Table, name: string) => Array.from({ length: t.numRows }, (_, i) => t.getChild(name)!.get(i) as unknown);

describe('Feast worked examples', () => {
  const now = BigInt(Date.UTC(2025, 5, 1, 12)) * 1000n;

  it('A: same event time -> later created wins; later event time beats later created', async () => {
    const repo = await exampleRepo(now);
    const r = await getHistoricalFeatures({
      repo,
      entities: [
        { driver_id: 1001n, event_timestamp: new Date(Number((T + 2n * DAY) / 1000n)) },
        { driver_id: 1002n, event_timestamp: new Date(Number((T + 2n * DAY) / 1000n)) },
      ],
      features: ['a:value'],
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(values(r.value, 'value')).toEqual([20n, 40n]);
    expect(col(r.value, 'driver_id')).toEqual([1001n, 1002n]);
  });

  it('B: default takes the latest created; filterByCreatedTimestamp takes what was known at t', async () => {
    const repo = await exampleRepo(now);
    const entities = [{ driver_id: 1, event_timestamp: '2025-01-02T00:00:00Z' }];
    const plain = await getHistoricalFeatures({ repo, entities, features: ['b:conv_rate'] });
    const known = await getHistoricalFeatures({ repo, entities, features: ['b:conv_rate'], filterByCreatedTimestamp: true });
    if (!plain.ok || !known.ok) throw new Error('failed');
    expect(values(plain.value, 'conv_rate')).toEqual([0.6]);
    expect(values(known.value, 'conv_rate')).toEqual([0.4]);
  });

  it('C: ttl 1 day: a row 1 h old is found, a row 2 days old is not', async () => {
    const repo = await exampleRepo(now);
    const at = new Date(Number(now / 1000n));
    const r = await getHistoricalFeatures({ repo, entities: [{ driver_id: 1n, event_timestamp: at }, { driver_id: 2n, event_timestamp: at }], features: ['c:acc_rate'], fullFeatureNames: true });
    if (!r.ok) throw new Error(r.error.message);
    expect(values(r.value, 'c__acc_rate')).toEqual([0.9, null]);
  });

  it('A, B and C through larder historical (CSV in, Arrow / CSV / Parquet out)', async () => {
    const repo = await exampleRepo(now);
    const lines = ['driver_id,event_timestamp,label', `1001,${iso(T + 2n * DAY)},x`, `1002,${iso(T + 2n * DAY)},y`, '1,2025-01-02T00:00:00Z,z', `1,${iso(now)},w`, `2,${iso(now)},v`, `1001,${iso(T + 2n * DAY)},x`];
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(repo, 'entities.csv'), `${lines.join('\n')}\n`);
    const errs: string[] = [];
    const io = { cwd: repo, out: () => undefined, err: (l: string) => errs.push(l) };
    const code = await main(['historical', '--entities', 'entities.csv', '--features', 'a:value,b:conv_rate,c:acc_rate', '--filter-by-created-timestamp', '--out', 'out.arrow'], io);
    expect(errs).toEqual([]);
    expect(code).toBe(0);
    const t = tableFromIPC(await readFile(join(repo, 'out.arrow')));
    expect(t.schema.fields.map((f) => f.name)).toEqual(['driver_id', 'event_timestamp', 'label', 'value', 'conv_rate', 'acc_rate']);
    expect(values(t, 'label')).toEqual(['x', 'y', 'z', 'w', 'v', 'x']);
    expect(values(t, 'value')).toEqual([20n, 40n, null, null, null, 20n]);
    expect(values(t, 'conv_rate')).toEqual([null, null, 0.4, null, null, null]);
    expect(values(t, 'acc_rate')).toEqual([null, null, null, 0.9, null, null]);
    for (const out of ['out.csv', 'out.parquet']) {
      expect(await main(['historical', '--entities', 'entities.csv', '--features', 'a:value,b:conv_rate,c:acc_rate', '--out', out], io)).toBe(0);
    }
    // CSV entity columns stay text in the output, so as entities again its driver_id is mistyped.
    expect(await main(['historical', '--entities', 'out.arrow', '--features', 'a:value', '--full-feature-names', '--out', 'again.arrow'], io)).toBe(1);
    expect(errs.splice(0)).toEqual(['error[invalid_entity_value]: entity column "driver_id" is string, but join key "driver_id" is int64']);
    // A typed Arrow IPC entity file.
    const { tableToIPC, Table: ArrowTable, vectorFromArray, Int64, Utf8 } = await import('apache-arrow');
    const typed = new ArrowTable({ driver_id: vectorFromArray([1001n, 1002n], new Int64()), event_timestamp: vectorFromArray([iso(T + 2n * DAY), iso(T)], new Utf8()) });
    await writeFile(join(repo, 'typed.arrow'), tableToIPC(typed, 'file'));
    expect(await main(['historical', '--entities', 'typed.arrow', '--features', 'a:value', '--out', 'again.arrow'], io)).toBe(0);
    expect(values(tableFromIPC(await readFile(join(repo, 'again.arrow'))), 'value')).toEqual([20n, 30n]);
    const csv = (await readFile(join(repo, 'out.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('driver_id,event_timestamp,label,value,conv_rate,acc_rate');
    expect(csv[3]).toBe('1,2025-01-02T00:00:00Z,z,,0.6,');
  });
});
