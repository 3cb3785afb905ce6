// Faults inside workerd over real KV and D1: the online store failing
// mid-request (FaultyOnlineStore), a store that throws, and the registry
// store unavailable when the Worker starts. Every failure must be a 503
// `store_unavailable` envelope, never a 500 or a crash, and a failed write
// must leave the stores byte-identical (snapshotStores); on KV, which has no
// transactions, a store dying mid-write is repaired by the retry.
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import { ok } from '../../src/core/errors.ts';
import { indexRegistry } from '../../src/core/registry/registry-index.ts';
import { RegistryDocument } from '../../src/core/schema/registry-document.ts';
import { D1OnlineStore } from '../../src/stores/d1/d1-online-store.ts';
import { KvOnlineStore } from '../../src/stores/kv/kv-online-store.ts';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { FaultyOnlineStore, type FaultMode } from '../../src/stores/testing/faulty-online-store.ts';
import { createApp, createWorker, type Env } from '../../src/worker/index.ts';
import { fixtureDoc, fixtureTransforms } from '../serving/fixture-registry.ts';
import { testKernel } from '../support/kernel.ts';
import { snapshotStores } from './fuzz/store-snapshot.ts';

const e = env as unknown as Env;
const T = '2021-12-31T23:00:00Z';
// The fixture plus a second view fed by the same push source, so one push spans two views.
const doc = RegistryDocument.parse({
  ...fixtureDoc,
  project: 'faults',
  featureViews: [
    ...fixtureDoc.featureViews,
    { ...fixtureDoc.featureViews[0], name: 'driver_hourly_copy', features: [fixtureDoc.featureViews[0].features[0]] },
  ],
});
const registry = indexRegistry(doc);

const stores = { kv: () => new KvOnlineStore(e.ONLINE_KV), d1: () => new D1OnlineStore(e.DB) };

function appOver(store: FaultyOnlineStore) {
  return createApp({ project: 'faults', kernel: testKernel, registry: { get: async () => ok(registry) }, online: store, transforms: fixtureTransforms as never });
}
const post = (app: ReturnType<typeof createApp>, path: string, body: unknown) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const snap = () => snapshotStores(e.ONLINE_KV as never, e.DB);
const read = { features: ['driver_hourly_stats:conv_rate', 'driver_profile:name'], entities: { driver_id: [1, 2] } };
const hourly = (id: number, rate: number) => ({
  feature_view_name: 'driver_hourly_stats',
  df: { driver_id: [id, id + 1], event_timestamp: [T, T], created: [null, null], conv_rate: [rate, rate], acc_rate: [0.5, 0.5], avg_daily_trips: [1, 2] },
});
const profile = (id: number) => ({
  feature_view_name: 'driver_profile',
  df: { driver_id: [id, id + 1], event_timestamp: [T, T], created: [null, null], name: ['a', 'b'], active: [true, false], photo: [null, null], ratings: [[1], []], joined: [null, null], tags: [null, null], acc_rate: [0.1, 0.2] },
});

async function expect503(res: Response) {
  expect(res.status).toBe(503);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('store_unavailable');
  expect(typeof body.error.message).toBe('string');
}

for (const [name, make] of Object.entries(stores)) {
  describe(`online store failing mid-request (${name})`, () => {
    let store: FaultyOnlineStore;
    let app: ReturnType<typeof createApp>;
    beforeEach(async () => {
      store = new FaultyOnlineStore(make());
      app = appOver(store);
      expect((await post(app, '/write-to-online-store', profile(1))).status).toBe(200);
      store.heal();
    });

    for (const mode of ['error', 'throw'] as FaultMode[])
      it(`a read that fails (${mode}) is a 503 store_unavailable`, async () => {
        store.failNth(0, mode, { op: 'read' });
        await expect503(await post(app, '/get-online-features', read));
        // the second view's read failing, after the first succeeded
        store.heal().failNth(1, mode, { op: 'read' });
        await expect503(await post(app, '/get-online-features', read));
        store.heal();
        expect((await post(app, '/get-online-features', read)).status).toBe(200);
      });

    for (const [m, mode] of (['error', 'throw', 'partial'] as FaultMode[]).entries())
      it(`a single-table write that fails (${mode}) is a 503, and a rejected write changes no byte (except partial: reported)`, async () => {
        const before = await snap();
        store.failNth(0, mode, { op: 'write' });
        await expect503(await post(app, '/write-to-online-store', profile(100 + 10 * m)));
        const after = await snap();
        if (mode === 'partial') expect(after).not.toBe(before); // the store itself died mid-batch: see the report
        else expect(after).toBe(before);
        // retried after the store recovers: the full batch is stored (newer-wins makes the retry idempotent)
        store.heal();
        expect(await (await post(app, '/write-to-online-store', profile(100 + 10 * m))).json()).toMatchObject({ rows: 2 });
        const got = (await (await post(app, '/get-online-features', { features: ['driver_profile:name'], entities: { driver_id: [100 + 10 * m, 101 + 10 * m] } })).json()) as { results: { values: unknown[] }[] };
        expect(got.results[1].values).toEqual(['a', 'b']);
      });

    it('a store throwing during a push is a 503, not a 500', async () => {
      store.failNth(0, 'throw', { op: 'write' });
      const res = await post(app, '/push', { push_source_name: 'driver_push', df: hourly(30, 0.3).df, to: 'online' });
      await expect503(res);
    });

    // A write is several tables (the view's, then each precomputed service projecting it; a push:
    // every fed view and their services), computed first and written as ONE writeTables unit.
    // When the store refuses the unit, no table holds the new values.
    it('a write whose precomputed-service table fails leaves nothing half-written', async () => {
      const before = await snap();
      store.failNth(0, 'error', { op: 'write', table: /driver_model_fast/ });
      await expect503(await post(app, '/write-to-online-store', hourly(20, 0.2)));
      expect(await snap()).toBe(before);
      expect(store.calls.filter((c) => c.op === 'write').map((c) => c.table)).toEqual([
        expect.stringMatching(/driver_hourly_stats/),
        expect.stringMatching(/driver_model_fast/),
      ]);
    });
    it('a push whose second view fails leaves the first view unwritten', async () => {
      const before = await snap();
      store.failNth(0, 'error', { op: 'write', table: /driver_hourly_copy/ });
      await expect503(await post(app, '/push', { push_source_name: 'driver_push', df: hourly(40, 0.4).df, to: 'online' }));
      expect(await snap()).toBe(before);
      store.heal();
      expect(await (await post(app, '/push', { push_source_name: 'driver_push', df: hourly(40, 0.4).df, to: 'online' })).json()).toMatchObject({ rows: 2, views: ['driver_hourly_stats', 'driver_hourly_copy'] });
      expect(await snap()).not.toBe(before);
    });

    if (name === 'kv')
      // KV has no transactions (documented best effort): a store dying mid-unit leaves part written,
      // and the same write repeated repairs it (newer wins; equal timestamps replace).
      it('kv: a push dying mid-unit leaves part written, and a retry repairs every table', async () => {
        const before = await snap();
        store.failNth(0, 'partial', { op: 'write', table: /driver_model_fast/ });
        // recent rows: the hourly views have a one-day TTL
        const recent = new Date(Date.now() - 60_000).toISOString();
        const body = { push_source_name: 'driver_push', df: { ...hourly(50, 0.5).df, event_timestamp: [recent, recent] }, to: 'online' };
        await expect503(await post(app, '/push', body));
        const part = await snap();
        expect(part).not.toBe(before);
        store.heal();
        expect(await (await post(app, '/push', body)).json()).toMatchObject({ rows: 2 });
        const q = { entities: { driver_id: [50, 51] } };
        const fast = (await (await post(app, '/get-online-features', { ...q, feature_service: 'driver_model_fast' })).json()) as { metadata: { feature_names: string[] }; results: { values: unknown[] }[] };
        const conv = fast.metadata.feature_names.indexOf('conv_rate');
        expect(fast.results[conv].values).toEqual([0.5, 0.5]);
        const views = (await (await post(app, '/get-online-features', { ...q, features: ['driver_hourly_stats:conv_rate', 'driver_hourly_copy:conv_rate'], full_feature_names: true })).json()) as { results: { values: unknown[] }[] };
        expect(views.results.slice(1).map((r) => r.values)).toEqual([[0.5, 0.5], [0.5, 0.5]]);
      });
  });
}

describe('a KV put failing midway (real KV, no injected wrapper): best effort, a retry repairs', () => {
  it('the write is a 503, some keys hold the new values, and the same write again stores every table', async () => {
    let failAt = 2; // the third put of the unit throws
    const kv = e.ONLINE_KV;
    const flaky = {
      get: (keys: string[], type: 'text') => kv.get(keys, type),
      put: async (k: string, v: string) => {
        if (failAt-- === 0) throw new Error('KV put refused');
        return kv.put(k, v);
      },
      delete: (k: string) => kv.delete(k),
      list: (o: { prefix: string; cursor?: string | null; limit?: number }) => kv.list(o),
    };
    const app = appOver(new FaultyOnlineStore(new KvOnlineStore(flaky)));
    const recent = new Date(Date.now() - 60_000).toISOString();
    const body = { push_source_name: 'driver_push', df: { ...hourly(70, 0.7).df, event_timestamp: [recent, recent] }, to: 'online' };
    const before = await snap();
    await expect503(await post(app, '/push', body));
    expect(await snap()).not.toBe(before); // two puts landed: KV has no transactions
    expect(await (await post(app, '/push', body)).json()).toMatchObject({ rows: 2, written: 4 });
    const q = { entities: { driver_id: [70, 71] } };
    const fast = (await (await post(app, '/get-online-features', { ...q, feature_service: 'driver_model_fast' })).json()) as { metadata: { feature_names: string[] }; results: { values: unknown[] }[] };
    const f7 = Math.fround(0.7); // conv_rate is float32
    expect(fast.results[fast.metadata.feature_names.indexOf('conv_rate')].values).toEqual([f7, f7]);
    const views = (await (await post(app, '/get-online-features', { ...q, features: ['driver_hourly_stats:conv_rate', 'driver_hourly_copy:conv_rate'], full_feature_names: true })).json()) as { results: { values: unknown[] }[] };
    expect(views.results.slice(1).map((r) => r.values)).toEqual([[f7, f7], [f7, f7]]);
  });
});

describe('a D1 batch failing at its last statement (real D1 rollback, no injected wrapper)', () => {
  it('a write whose last upsert violates a constraint is a 503 and changes no byte of any table', async () => {
    // A D1 whose batches end with an upsert that breaks NOT NULL: D1 runs the batch as one transaction.
    let broken = true;
    const db = {
      prepare: (sql: string) => e.DB.prepare(sql),
      batch: (stmts: D1PreparedStatement[]) =>
        e.DB.batch(broken ? [...stmts, e.DB.prepare("INSERT INTO online_rows (project, tbl, entity_key, event_ts, created_ts, value) VALUES ('faults', 'x', x'00', 0, 0, NULL)")] : stmts),
    };
    const app = appOver(new FaultyOnlineStore(new D1OnlineStore(db as never)));
    const before = await snap();
    await expect503(await post(app, '/push', { push_source_name: 'driver_push', df: hourly(60, 0.6).df, to: 'online' }));
    expect(await snap()).toBe(before);
    broken = false;
    expect(await (await post(app, '/push', { push_source_name: 'driver_push', df: hourly(60, 0.6).df, to: 'online' })).json()).toMatchObject({ rows: 2, written: 4 });
    expect(await snap()).not.toBe(before);
  });
});

describe('registry store unavailable', () => {
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
  const paths: [string, RequestInit?][] = [
    ['/get-online-features', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(read) }],
    ['/push', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ push_source_name: 'driver_push', df: hourly(1, 0.1).df }) }],
    ['/registry'],
    ['/registry/feature-views'],
    ['/registry/freshness'],
    ['/registry/feature-views/driver_hourly_stats/freshness'],
    ['/registry/feature-views/driver_hourly_stats/statistics'],
  ];

  it('a Worker whose D1 registry is down at start answers 503 store_unavailable, and /health still answers', async () => {
    const down = { prepare() { throw new Error('D1 is unreachable'); }, batch() { throw new Error('D1 is unreachable'); } };
    const worker = createWorker();
    const broken: Env = { ...e, DB: down as never, LARDER_PROJECT: 'faults' };
    for (const [path, init] of paths) await expect503((await worker.fetch!(new Request(`http://larder${path}`, init) as never, broken, ctx)) as Response);
    expect(((await worker.fetch!(new Request('http://larder/health') as never, broken, ctx)) as Response).status).toBe(200);
  });

  it('a registry that throws or returns an error is a 503, and the app serves once it recovers', async () => {
    let state: 'throw' | 'error' | 'up' = 'throw';
    const reg = {
      get: async () => {
        if (state === 'throw') throw new Error('registry binding gone');
        if (state === 'error') return { ok: false as const, error: { code: 'store_unavailable' as const, message: 'down' } };
        return ok(registry);
      },
    };
    const app = createApp({ project: 'faults', kernel: testKernel, registry: reg, online: new KvOnlineStore(e.ONLINE_KV) });
    for (const s of ['throw', 'error'] as const) {
      state = s;
      for (const [path, init] of paths) await expect503(await app.request(path, init));
    }
    state = 'up';
    expect((await app.request('/registry')).status).toBe(200);
    expect((await app.request(paths[0][0], paths[0][1])).status).toBe(200);
  });

  it('a metadata store that throws (statistics, watermarks) is a 503, not a 500', async () => {
    const down = async () => {
      throw new Error('metadata binding gone');
    };
    const metadata = { get: down, put: down, list: down, delete: down };
    const app = createApp({ project: 'faults', kernel: testKernel, registry: { get: async () => ok(registry) }, online: new KvOnlineStore(e.ONLINE_KV), metadata });
    for (const path of ['/registry/freshness', '/registry/feature-views/driver_hourly_stats/freshness', '/registry/feature-views/driver_hourly_stats/statistics'])
      await expect503(await app.request(path));
  });

  it('a D1 registry store over a real D1 is the path the Worker uses (sanity: it serves when up)', async () => {
    const w = await new D1RegistryStore(e.DB).write(doc, 0);
    expect(w.ok || w.error.code === 'conflict').toBe(true);
    const worker = createWorker();
    const res = (await worker.fetch!(new Request('http://larder/registry') as never, { ...e, LARDER_PROJECT: 'faults' }, ctx)) as Response;
    expect(res.status).toBe(200);
  });
});
