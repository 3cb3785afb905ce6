// `larder serve`'s app (the Worker's Hono app on Node) with the folder
// offline store: POST /push to=offline (JSON and Arrow IPC) appends beside
// the batch source, and historical retrieval returns the pushed values.
import { makeData, makeVector, Table, TimestampMicrosecond, Float32, Int64, vectorFromArray, tableToIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getHistoricalFeatures } from '../../../offline/historical/get-historical-features.ts';
import { startServer, type RunningServer } from '../../../offline/serve/node-server.ts';
import { run } from '../cli/cli-support.ts';
import { DATA_END_MS, driverStatsTsRepo, makeRepo } from '../support/repo-fixture.ts';

const AT_MS = DATA_END_MS + 2 * 3_600_000;
let repo: string;
let server: RunningServer;

beforeAll(async () => {
  repo = await makeRepo(driverStatsTsRepo('serve_push'));
  expect((await run(repo, 'apply')).code).toBe(0);
  const s = await startServer({ repoDir: repo, port: 0 });
  if (!s.ok) throw new Error(s.error.message);
  server = s.value;
});
afterAll(() => server?.close());

async function trips(ids: number[], atMs: number): Promise<unknown[]> {
  const r = await getHistoricalFeatures({ repo, entities: ids.map((driver_id) => ({ driver_id, event_timestamp: new Date(atMs) })), features: ['driver_hourly_stats:avg_daily_trips'] });
  if (!r.ok) throw new Error(r.error.message);
  return ids.map((_, i) => r.value.getChild('avg_daily_trips')!.get(i));
}

describe('larder serve: POST /push to the historical store', () => {
  it('JSON to=online_and_offline: online now, and in historical retrieval', async () => {
    const res = await fetch(`${server.url}/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        push_source_name: 'driver_stats_push_source',
        to: 'online_and_offline',
        df: { driver_id: [1001], event_timestamp: [new Date(AT_MS).toISOString()], created: [null], conv_rate: [0.5], acc_rate: [0.5], avg_daily_trips: [4242] },
      }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 1, written: 1, views: ['driver_hourly_stats_fresh'] });
    expect(await trips([1001], AT_MS)).toEqual([4242n]);
    const online = await fetch(`${server.url}/get-online-features`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features: ['driver_hourly_stats_fresh:avg_daily_trips'], entities: { driver_id: [1001] }, include_stale: true }),
    });
    expect(((await online.json()) as { results: { values: unknown[] }[] }).results[1].values).toEqual([4242]);
  });

  it('Arrow IPC stream to=offline', async () => {
    const table = new Table({
      driver_id: vectorFromArray([1002n], new Int64()),
      event_timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: 1, data: BigInt64Array.of(BigInt(AT_MS) * 1000n) })),
      conv_rate: vectorFromArray([0.5], new Float32()),
      acc_rate: vectorFromArray([0.5], new Float32()),
      avg_daily_trips: vectorFromArray([4343n], new Int64()),
    });
    const res = await fetch(`${server.url}/push?push_source_name=driver_stats_push_source&to=offline`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.apache.arrow.stream' },
      body: tableToIPC(table, 'stream') as Uint8Array<ArrayBuffer>,
    });
    expect(res.status).toBe(200);
    expect(await trips([1002, 1001], AT_MS)).toEqual([4343n, 4242n]);
  });
});
