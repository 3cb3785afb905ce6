// The Node SDK (offline/ingest): push to=offline appends a Parquet file
// beside the batch source, and historical retrieval (which reads the batch
// source's files) returns the pushed values; online writes through the
// repo's SQLite store; invalid batches write nothing; older never wins.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeData, makeVector, Table, TimestampMicrosecond, Float32, Int64, vectorFromArray } from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { getHistoricalFeatures } from '../../../offline/historical/get-historical-features.ts';
import { openIngest, push, writeToOnlineStore } from '../../../offline/ingest/ingest.ts';
import { run } from '../cli/cli-support.ts';
import { DATA_END_MS, driverStatsTsRepo, makeRepo } from '../support/repo-fixture.ts';

const HOUR_MS = 3_600_000;
// An hour after the generated data ends: only pushed rows can be the latest there.
const PUSH_MS = DATA_END_MS + HOUR_MS;
const iso = (ms: number) => new Date(ms).toISOString();

let repo: string;

async function listPushed(): Promise<string[]> {
  const dir = join(repo, 'data/_pushed');
  const names = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.parquet')).sort();
}

async function historical(ids: number[], atMs: number, features = ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips']) {
  const r = await getHistoricalFeatures({ repo, entities: ids.map((driver_id) => ({ driver_id, event_timestamp: new Date(atMs) })), features });
  if (!r.ok) throw new Error(r.error.message);
  return { conv: ids.map((_, i) => r.value.getChild('conv_rate')!.get(i)), trips: ids.map((_, i) => r.value.getChild('avg_daily_trips')!.get(i)) };
}

beforeAll(async () => {
  repo = await makeRepo(driverStatsTsRepo('ingest_test'));
  const a = await run(repo, 'apply');
  if (a.code !== 0) throw new Error(a.err);
});

describe('Node SDK push', () => {
  it('to=offline: rows land in data/_pushed/driver_stats/<day>/ and historical retrieval returns them', async () => {
    const before = await historical([1001, 1002], PUSH_MS);
    const r = await push(repo, 'driver_stats_push_source', [
      { driver_id: 1001, event_timestamp: new Date(PUSH_MS), created: new Date(PUSH_MS), conv_rate: 0.125, acc_rate: 0.5, avg_daily_trips: 777 },
      { driver_id: 1002, event_timestamp: iso(PUSH_MS), created: null, conv_rate: 0.25, acc_rate: 0.5, avg_daily_trips: 888n },
    ], { to: 'offline' });
    expect(r.ok && r.value).toMatchObject({ rows: 2, written: 0, views: [] });
    const key = r.ok ? r.value.offlineKey! : '';
    expect(key).toMatch(new RegExp(`^data/_pushed/driver_stats/${iso(PUSH_MS).slice(0, 10)}/b-[0-9a-f]{32}\\.parquet$`));
    expect((await readFile(join(repo, key))).subarray(0, 4).toString()).toBe('PAR1');

    const after = await historical([1001, 1002, 1003], PUSH_MS);
    expect(after.conv).toEqual([Math.fround(0.125), Math.fround(0.25), expect.any(Number)]);
    expect(after.trips).toEqual([777n, 888n, expect.anything()]);
    // One hour earlier the pushed rows are in the future: the generated values come back.
    const earlier = await historical([1001, 1002], PUSH_MS - 1);
    expect(earlier).toEqual(before);
    expect(earlier.trips).not.toContain(777n);
  });

  it('the push-fed view reads the same pushed rows (shared batch source)', async () => {
    const fresh = await historical([1001], PUSH_MS, ['driver_hourly_stats_fresh:conv_rate', 'driver_hourly_stats_fresh:avg_daily_trips']);
    expect(fresh.trips).toEqual([777n]);
  });

  it('an Arrow Table pushes online_and_offline; an invalid batch writes nothing anywhere', async () => {
    const us = BigInt(PUSH_MS + HOUR_MS) * 1000n;
    const table = new Table({
      driver_id: vectorFromArray([1003n], new Int64()),
      event_timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: 1, data: BigInt64Array.of(us) })),
      conv_rate: vectorFromArray([0.5], new Float32()),
      acc_rate: vectorFromArray([0.5], new Float32()),
      avg_daily_trips: vectorFromArray([999n], new Int64()),
    });
    const s = await openIngest(repo);
    expect(s.ok).toBe(true);
    if (!s.ok) return;
    try {
      const r = await s.value.push('driver_stats_push_source', table, { to: 'online_and_offline' });
      expect(r.ok && r.value).toMatchObject({ rows: 1, written: 1, views: ['driver_hourly_stats_fresh'] });
      expect((await historical([1003], PUSH_MS + HOUR_MS)).trips).toEqual([999n]);

      const pushedBefore = await listPushed();
      const bad = await s.value.push('driver_stats_push_source', [
        { driver_id: 1004, event_timestamp: iso(PUSH_MS), conv_rate: 0.1, acc_rate: 0.1, avg_daily_trips: 1 },
        { driver_id: 'x', event_timestamp: iso(PUSH_MS), conv_rate: 'fast', acc_rate: 0.1, avg_daily_trips: 1 },
      ], { to: 'online_and_offline' });
      expect(bad.ok).toBe(false);
      if (!bad.ok) {
        expect(bad.error.code).toBe('invalid_rows');
        expect((bad.error.details as { issues: { row: number; column: string }[] }).issues[0]).toMatchObject({ row: 1, column: 'conv_rate' });
      }
      expect(await listPushed()).toEqual(pushedBefore);
      expect((await historical([1004], PUSH_MS)).trips).not.toContain(1n);
    } finally {
      await s.value.close();
    }
  });

  it('pushing the same rows again rewrites the same file (no duplicate rows)', async () => {
    const rows = [{ driver_id: 1005, event_timestamp: iso(PUSH_MS), conv_rate: 0.75, acc_rate: 0.5, avg_daily_trips: 5 }];
    const a = await push(repo, 'driver_stats_push_source', rows, { to: 'offline' });
    const before = await listPushed();
    const b = await push(repo, 'driver_stats_push_source', rows, { to: 'offline' });
    expect(a.ok && b.ok && a.value.offlineKey === b.value.offlineKey).toBe(true);
    expect(await listPushed()).toEqual(before);
  });

  it('writeToOnlineStore: newer wins, older is skipped', async () => {
    const row = (ms: number, conv: number) => ({ driver_id: [2001], event_timestamp: [iso(ms)], created: [null], conv_rate: [conv], acc_rate: [0.5], avg_daily_trips: [1] });
    const w1 = await writeToOnlineStore(repo, 'driver_hourly_stats', row(PUSH_MS + HOUR_MS, 0.9));
    expect(w1.ok && w1.value).toMatchObject({ rows: 1, written: 1, skipped: 0 });
    const w2 = await writeToOnlineStore(repo, 'driver_hourly_stats', row(PUSH_MS, 0.1));
    expect(w2.ok && w2.value).toMatchObject({ rows: 1, written: 0, skipped: 1 });
    const unknown = await writeToOnlineStore(repo, 'nope', row(PUSH_MS, 0.1));
    expect(!unknown.ok && unknown.error.code).toBe('unknown_feature_view');
  });
});

describe('pushed rows in (local) R2', () => {
  it('the SDK pushes into the local R2 state; pulled into the repo, historical retrieval sees them', async () => {
    const { openLocalR2, pullPushedObjects } = await import('../../../offline/ingest/local-r2.ts');
    const r2 = await openLocalR2(repo);
    if (!r2.ok) throw new Error(r2.error.message);
    try {
      const at = PUSH_MS + 5 * HOUR_MS;
      const r = await push(repo, 'driver_stats_push_source', [{ driver_id: 1001, event_timestamp: iso(at), conv_rate: 0.5, acc_rate: 0.5, avg_daily_trips: 31337 }], { to: 'offline', offline: r2.value.writer });
      expect(r.ok).toBe(true);
      const key = r.ok ? r.value.offlineKey! : '';
      expect((await r2.value.writer.list('data/_pushed/')).ok).toBe(true);
      // Only in R2 so far: the folder does not have it.
      expect(await listPushed()).not.toContain(key.slice('data/_pushed/'.length));
      expect((await historical([1001], at)).trips).not.toEqual([31337n]);
      const pulled = await pullPushedObjects(r2.value.writer, repo);
      expect(pulled.ok && pulled.value.copied).toBe(1);
      expect((await historical([1001], at)).trips).toEqual([31337n]);
      const again = await pullPushedObjects(r2.value.writer, repo);
      expect(again.ok && again.value).toEqual({ copied: 0, unchanged: 1 });
    } finally {
      await r2.value.close();
    }
  });

  it('offline_store {type: r2} in larder.yaml: the SDK writes to the local R2 state by default', async () => {
    const { openLocalR2 } = await import('../../../offline/ingest/local-r2.ts');
    const dir = await makeRepo({ ...driverStatsTsRepo('ingest_r2'), 'larder.yaml': 'project: ingest_r2\noffline_store: { type: r2 }\n' });
    expect((await run(dir, 'apply')).code).toBe(0);
    const s = await openIngest(dir);
    if (!s.ok) throw new Error(s.error.message);
    let key = '';
    try {
      expect(s.value.offlineWhere).toBe('r2 OFFLINE');
      const r = await s.value.push('driver_stats_push_source', [{ driver_id: 1001, event_timestamp: iso(PUSH_MS), conv_rate: 0.5, acc_rate: 0.5, avg_daily_trips: 5 }], { to: 'offline' });
      key = r.ok ? r.value.offlineKey! : '';
      expect(key).toMatch(/^data\/_pushed\/driver_stats\//);
    } finally {
      await s.value.close();
    }
    const r2 = await openLocalR2(dir);
    if (!r2.ok) throw new Error(r2.error.message);
    try {
      expect((await r2.value.writer.list('data/_pushed/')).ok && (await r2.value.writer.list('data/_pushed/'))).toEqual({ ok: true, value: [key] });
    } finally {
      await r2.value.close();
    }
    // Historical retrieval pulls the pushed file from the local R2 state by itself (no pullPushedObjects call).
    const r = await getHistoricalFeatures({ repo: dir, entities: [{ driver_id: 1001, event_timestamp: new Date(PUSH_MS) }], features: ['driver_hourly_stats:avg_daily_trips'] });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.getChild('avg_daily_trips')!.get(0)).toBe(5n);
    expect(await readdir(join(dir, 'data/_pushed/driver_stats'), { recursive: true })).toContainEqual(expect.stringMatching(/\.parquet$/));
  });

  it('offline_store {type: r2} without any local R2 state: nothing is pulled and nothing is started', async () => {
    const { syncPushedFromR2 } = await import('../../../offline/ingest/local-r2.ts');
    const dir = await makeRepo({ ...driverStatsTsRepo('ingest_r2_none'), 'larder.yaml': 'project: ingest_r2_none\noffline_store: { type: r2 }\n' });
    const { loadConfig } = await import('../../../offline/repo/load-config.ts');
    const loaded = await loadConfig(dir);
    if ('issues' in loaded) throw new Error('config');
    expect(await syncPushedFromR2(dir, loaded.config)).toEqual({ ok: true, value: null });
    expect((await run(dir, 'apply')).code).toBe(0);
  });
});
