// POST /push inside workerd over real local KV and R2: JSON and Arrow IPC
// bodies, to=online / offline / online_and_offline, invalid batches (nothing
// written anywhere), out-of-order writes, and corrupt Arrow bodies.
import { env } from 'cloudflare:workers';
import { makeData, makeVector, tableToIPC, tableFromArrays, vectorFromArray, Table, TimestampMicrosecond, Int64, Float32 } from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { createWorker, type Env } from '../../src/worker/index.ts';
import { fixtureDoc, fixtureTransforms } from '../serving/fixture-registry.ts';

const PROJECT = 'push_test';
const baseEnv = env as unknown as Env;
const worker = createWorker({ transforms: Object.fromEntries(fixtureTransforms) as never });
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const e: Env = { ...baseEnv, LARDER_PROJECT: PROJECT, LARDER_ONLINE_STORE: 'kv' };

function post(path: string, body: BodyInit | Uint8Array, type = 'application/json', envOver: Partial<Env> = {}) {
  return worker.fetch!(new Request(`http://larder.test${path}`, { method: 'POST', headers: { 'content-type': type }, body: body as BodyInit }) as never, { ...e, ...envOver }, ctx) as Promise<Response>;
}
const push = (body: unknown, envOver: Partial<Env> = {}) => post('/push', JSON.stringify(body), 'application/json', envOver);

async function online(ids: number[]) {
  const r = await post('/get-online-features', JSON.stringify({ features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips'], entities: { driver_id: ids }, include_stale: true }));
  const body = (await r.json()) as { results: { values: unknown[] }[] };
  return { conv: body.results[1].values, trips: body.results[2].values };
}

async function r2Keys(): Promise<string[]> {
  const l = await baseEnv.OFFLINE!.list({ prefix: '_pushed/' });
  return l.objects.map((o) => o.key).sort();
}
async function kvKeys(): Promise<string[]> {
  return (await baseEnv.ONLINE_KV.list()).keys.map((k) => k.name).sort();
}

const T1 = '2025-03-01T10:00:00Z';
const T2 = '2025-03-01T11:00:00Z';
const frame = (ids: number[], ts: string, conv: number[]) => ({
  driver_id: ids,
  event_timestamp: ids.map(() => ts),
  created: ids.map(() => null),
  conv_rate: conv,
  acc_rate: ids.map(() => 0.5),
  avg_daily_trips: ids.map((i) => i % 100),
});

beforeAll(async () => {
  const r = await new D1RegistryStore(baseEnv.DB).write({ ...fixtureDoc, project: PROJECT }, 0);
  if (!r.ok && r.error.code !== 'conflict') throw new Error(r.error.message);
});

describe('POST /push (JSON)', () => {
  it('to=offline writes one Parquet object into R2 under the batch source, and nothing online', async () => {
    const res = await push({ push_source_name: 'driver_push', df: frame([5001, 5002], T1, [0.25, 0.75]), to: 'offline' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: number; written: number; offline_key: string };
    expect(body).toMatchObject({ rows: 2, written: 0, views: [] });
    expect(body.offline_key).toMatch(/^_pushed\/d\/2025-03-01\/b-[0-9a-f]{32}\.parquet$/);
    const obj = await baseEnv.OFFLINE!.get(body.offline_key);
    expect(obj).not.toBeNull();
    const rows = await parquetReadObjects({ file: await obj!.arrayBuffer() });
    expect(rows.map((r) => [r.driver_id, r.conv_rate, r.avg_daily_trips, (r.event_timestamp as Date).toISOString(), r.created])).toEqual([
      [5001n, 0.25, 1n, '2025-03-01T10:00:00.000Z', null],
      [5002n, 0.75, 2n, '2025-03-01T10:00:00.000Z', null],
    ]);
    expect(await online([5001])).toEqual({ conv: [null], trips: [null] });
  });

  it('the same batch pushed twice lands on the same object (content-addressed key)', async () => {
    const a = (await (await push({ push_source_name: 'driver_push', df: frame([5003], T1, [0.5]), to: 'offline' })).json()) as { offline_key: string };
    const before = await r2Keys();
    const b = (await (await push({ push_source_name: 'driver_push', df: frame([5003], T1, [0.5]), to: 'offline' })).json()) as { offline_key: string };
    expect(b.offline_key).toBe(a.offline_key);
    expect(await r2Keys()).toEqual(before);
  });

  it('to=online_and_offline writes both', async () => {
    const res = await push({ push_source_name: 'driver_push', df: frame([5010], T1, [0.125]), to: 'online_and_offline' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { written: number; views: string[]; offline_key: string };
    expect(body).toMatchObject({ written: 1, views: ['driver_hourly_stats'] });
    expect(await baseEnv.OFFLINE!.head(body.offline_key)).not.toBeNull();
    expect(await online([5010])).toEqual({ conv: [0.125], trips: [10] });
  });

  it('an invalid batch is refused whole (422, rows and columns named) and writes nothing online or offline', async () => {
    const r2Before = await r2Keys();
    const kvBefore = await kvKeys();
    const df = frame([5020, 5021, 5022], T1, [0.1, 0.2, 0.3]);
    (df.conv_rate as unknown[])[2] = 'high';
    const res = await push({ push_source_name: 'driver_push', df, to: 'online_and_offline' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; details: { issues: { row: number; column: string }[] } } };
    expect(body.error.code).toBe('invalid_rows');
    expect(body.error.details.issues).toEqual([expect.objectContaining({ row: 2, column: 'conv_rate' })]);
    expect(await r2Keys()).toEqual(r2Before);
    expect(await kvKeys()).toEqual(kvBefore);
    expect(await online([5020])).toEqual({ conv: [null], trips: [null] });
  });

  it('out of order: an older push never replaces a newer value', async () => {
    expect((await push({ push_source_name: 'driver_push', df: frame([5030], T2, [0.9]) })).status).toBe(200);
    const older = await push({ push_source_name: 'driver_push', df: frame([5030], T1, [0.1]) });
    expect(await older.json()).toMatchObject({ written: 0, skipped: 1 });
    expect(await online([5030])).toEqual({ conv: [expect.closeTo(0.9, 6)], trips: [30] });
  });

  it('an empty batch writes nothing and names no object', async () => {
    const r2Before = await r2Keys();
    const res = await push({ push_source_name: 'driver_push', df: frame([], T1, []), to: 'online_and_offline' });
    expect(await res.json()).toEqual({ rows: 0, written: 0, skipped: 0, views: [], offline_key: null });
    expect(await r2Keys()).toEqual(r2Before);
  });

  it('without an OFFLINE binding, to=offline is 501 unsupported', async () => {
    const res = await push({ push_source_name: 'driver_push', df: frame([5040], T1, [0.1]), to: 'offline' }, { OFFLINE: undefined });
    expect(res.status).toBe(501);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported');
  });
});

function arrowBody(ids: bigint[], ts: string, conv: number[]): Uint8Array {
  const us = BigInt(Date.parse(ts)) * 1000n;
  const table = new Table({
    driver_id: vectorFromArray(ids, new Int64()),
    event_timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: ids.length, data: BigInt64Array.from(ids, () => us + 7n) })),
    conv_rate: vectorFromArray(conv, new Float32()),
    acc_rate: vectorFromArray(conv, new Float32()),
    avg_daily_trips: vectorFromArray(ids, new Int64()),
  });
  return tableToIPC(table, 'stream');
}

describe('POST /push (Arrow IPC stream)', () => {
  const ARROW = 'application/vnd.apache.arrow.stream';

  it('pushes an Arrow stream online and offline with µs timestamps kept', async () => {
    const res = await post('/push?push_source_name=driver_push&to=online_and_offline', arrowBody([5101n, 5102n], T1, [0.5, 0.25]), ARROW);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: number; written: number; offline_key: string };
    expect(body).toMatchObject({ rows: 2, written: 2 });
    expect(await online([5101, 5102])).toEqual({ conv: [0.5, 0.25], trips: [5101, 5102] });
    const rows = await parquetReadObjects({ file: await (await baseEnv.OFFLINE!.get(body.offline_key))!.arrayBuffer(), utf8: true });
    expect(rows.map((r) => r.driver_id)).toEqual([5101n, 5102n]);
    expect((rows[0].event_timestamp as Date).getTime()).toBe(Date.parse(T1));
    // The µs survive the Arrow -> frame conversion: the online event time is T1 + 7 µs.
    const r = await post('/get-online-features', JSON.stringify({ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [5101] }, include_stale: true }));
    expect(((await r.json()) as { results: { event_timestamps: string[] }[] }).results[1].event_timestamps).toEqual(['2025-03-01T10:00:00.000007Z']);
  });

  it('an invalid Arrow batch is 422 and writes nothing', async () => {
    const r2Before = await r2Keys();
    const table = tableFromArrays({ driver_id: [5201, 5202], event_timestamp: ['2025-03-01T10:00:00Z', 'never'], conv_rate: [0.1, 0.2], acc_rate: [0.1, 0.2], avg_daily_trips: [1, 2] });
    const res = await post('/push?push_source_name=driver_push&to=online_and_offline', tableToIPC(table, 'stream'), ARROW);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; details: { issues: { row: number; column: string }[] } } };
    expect(body.error.details.issues[0]).toMatchObject({ row: 1, column: 'event_timestamp' });
    expect(await r2Keys()).toEqual(r2Before);
    expect(await online([5201])).toEqual({ conv: [null], trips: [null] });
  });

  it('truncated, empty or garbage Arrow bodies are 400 invalid_arrow, never 5xx', async () => {
    const good = arrowBody([5301n], T1, [0.5]);
    for (const bad of [good.slice(0, good.length - 8), good.slice(0, good.length - 30), good.slice(0, 40), new Uint8Array(0), new TextEncoder().encode('{"not":"arrow"}'), new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])]) {
      const res = await post('/push?push_source_name=driver_push', bad, ARROW);
      expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([400, bad.length === 8 ? 'invalid_request' : 'invalid_arrow']);
    }
    expect(await online([5301])).toEqual({ conv: [null], trips: [null] });
  });

  it('the JSON limits hold for Arrow bodies (a 70 000-character string is 413 limit_exceeded)', async () => {
    const table = tableFromArrays({ driver_id: [5501], event_timestamp: [T1], conv_rate: [0.1], acc_rate: [0.1], avg_daily_trips: [1], note: ['x'.repeat(70_000)] });
    const res = await post('/push?push_source_name=driver_push', tableToIPC(table, 'stream'), ARROW);
    expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([413, 'limit_exceeded']);
    expect(await online([5501])).toEqual({ conv: [null], trips: [null] });
  });

  it('needs push_source_name and a known target', async () => {
    const body = arrowBody([5401n], T1, [0.5]);
    expect((await post('/push?to=online', body, ARROW)).status).toBe(400);
    expect((await post('/push?push_source_name=driver_push&to=somewhere', body, ARROW)).status).toBe(400);
    expect((await post('/push?push_source_name=nope', body, ARROW)).status).toBe(404);
  });
});
