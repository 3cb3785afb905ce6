// Online serving over the real kernel and the memory store; runs in Node and
// inside workerd (the KV and D1 adapters are covered by the store contract).
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryOnlineStore } from '../../src/stores/memory/memory-online-store.ts';
import type { ServingContext } from '../../src/serving/context.ts';
import { getOnlineFeatures, type OnlineFeaturesResult } from '../../src/serving/online-features.ts';
import { writeViewFrame } from '../../src/serving/write-rows.ts';
import { testKernel } from '../support/kernel.ts';
import { DAY, fixtureRegistry, fixtureTransforms } from './fixture-registry.ts';

const T = Date.UTC(2021, 11, 31, 23) * 1000; // µs
const NOW = T + 3_600_000_000; // one hour later
const iso = (us: number) => new Date(us / 1000).toISOString();

let ctx: ServingContext;
beforeEach(async () => {
  ctx = {
    project: 'serving_test',
    kernel: await testKernel(),
    registry: fixtureRegistry(),
    online: new MemoryOnlineStore(),
    transforms: fixtureTransforms as ServingContext['transforms'],
    now: () => NOW,
  };
});

async function seedHourly(rows: { id: number; conv: number | null; acc: number; trips: number; ts: number; created?: number }[]) {
  const r = await writeViewFrame(ctx, 'driver_hourly_stats', {
    driver_id: rows.map((x) => x.id),
    event_timestamp: rows.map((x) => iso(x.ts)),
    created: rows.map((x) => (x.created === undefined ? null : iso(x.created))),
    conv_rate: rows.map((x) => x.conv),
    acc_rate: rows.map((x) => x.acc),
    avg_daily_trips: rows.map((x) => x.trips),
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function col(res: OnlineFeaturesResult, name: string) {
  const i = res.featureNames.indexOf(name);
  if (i < 0) throw new Error(`no column ${name} in ${res.featureNames}`);
  return res.results[i];
}

describe('getOnlineFeatures', () => {
  it('answers the Feast wire example: join keys first, PRESENT and NOT_FOUND', async () => {
    await seedHourly([{ id: 1001, conv: 0.7037263512611389, acc: 0.8724706768989563, trips: 12, ts: T }]);
    const r = await getOnlineFeatures(ctx, {
      selection: { features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate'] },
      entities: { driver_id: [1001, 9999] },
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.featureNames).toEqual(['driver_id', 'conv_rate', 'acc_rate']);
    expect(col(r.value, 'driver_id')).toMatchObject({ values: [1001, 9999], statuses: ['PRESENT', 'PRESENT'], eventTimestamps: [0, 0] });
    expect(col(r.value, 'conv_rate')).toMatchObject({
      values: [Math.fround(0.7037263512611389), null],
      statuses: ['PRESENT', 'NOT_FOUND'],
      eventTimestamps: [T, 0],
    });
    expect(col(r.value, 'acc_rate').values).toEqual([Math.fround(0.8724706768989563), null]);
  });

  it('enforces ttl at read time: OUTSIDE_MAX_AGE with a null value, stale on request', async () => {
    await seedHourly([
      { id: 1, conv: 0.5, acc: 0.1, trips: 1, ts: NOW - DAY * 1e6 }, // exactly at the bound: fresh
      { id: 2, conv: 0.6, acc: 0.2, trips: 2, ts: NOW - DAY * 1e6 - 1 }, // 1 µs too old
    ]);
    const req = { selection: { features: ['driver_hourly_stats:conv_rate'] }, entities: { driver_id: [1, 2] } };
    const r = await getOnlineFeatures(ctx, req);
    if (!r.ok) throw new Error(r.error.message);
    expect(col(r.value, 'conv_rate')).toMatchObject({ values: [0.5, null], statuses: ['PRESENT', 'OUTSIDE_MAX_AGE'] });
    const stale = await getOnlineFeatures(ctx, { ...req, includeStale: true });
    expect(stale.ok && col(stale.value, 'conv_rate')).toMatchObject({ values: [0.5, Math.fround(0.6)], statuses: ['PRESENT', 'OUTSIDE_MAX_AGE'] });
  });

  it('reports NULL_VALUE for a stored null, and keeps the newer stored row', async () => {
    await seedHourly([{ id: 7, conv: null, acc: 0.3, trips: 3, ts: T }]);
    await seedHourly([{ id: 7, conv: 0.9, acc: 0.9, trips: 9, ts: T - 1 }]); // older: ignored
    const r = await getOnlineFeatures(ctx, {
      selection: { features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:avg_daily_trips'] },
      entities: { driver_id: [7] },
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(col(r.value, 'conv_rate')).toMatchObject({ values: [null], statuses: ['NULL_VALUE'], eventTimestamps: [T] });
    expect(col(r.value, 'avg_daily_trips')).toMatchObject({ values: [3n], statuses: ['PRESENT'] });
  });

  it('serves every dtype, with full feature names, and refuses silent name collisions', async () => {
    const w = await writeViewFrame(ctx, 'driver_profile', {
      driver_id: [5],
      event_timestamp: [iso(T)],
      created: [null],
      name: ['Zoë'],
      active: [true],
      photo: ['AP8='],
      ratings: [[4.5, 5]],
      joined: [1_600_000_000],
      tags: [['a', '']],
      acc_rate: [0.25],
    });
    expect(w).toMatchObject({ ok: true, value: { written: 1 } });
    await seedHourly([{ id: 5, conv: 0.5, acc: 0.75, trips: 1, ts: T }]);
    const all = ['name', 'active', 'photo', 'ratings', 'joined', 'tags', 'acc_rate'].map((n) => `driver_profile:${n}`);
    const clash = await getOnlineFeatures(ctx, { selection: { features: [...all, 'driver_hourly_stats:acc_rate'] }, entities: { driver_id: [5] } });
    expect(clash).toMatchObject({ ok: false, error: { code: 'feature_name_collision' } });
    const r = await getOnlineFeatures(ctx, {
      selection: { features: [...all, 'driver_hourly_stats:acc_rate'] },
      entities: { driver_id: [5] },
      fullFeatureNames: true,
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.featureNames).toEqual(['driver_id', ...all.map((x) => x.replace(':', '__')), 'driver_hourly_stats__acc_rate']);
    expect(r.value.results.slice(1).map((c) => c.values[0])).toEqual([
      'Zoë', true, new Uint8Array([0, 255]), [4.5, 5], 1_600_000_000_000_000n, ['a', ''], 0.25, 0.75,
    ]);
  });

  it('serves composite keys (string + int32)', async () => {
    const w = await writeViewFrame(ctx, 'store_stats', { city: ['Paris', 'Paris', 'Köln'], store_no: [1, 2, 1], ts: [iso(T), iso(T), iso(T)], sales: [10, 20, 30], open: [true, false, true] });
    expect(w.ok).toBe(true);
    const r = await getOnlineFeatures(ctx, {
      selection: { features: ['store_stats:sales'] },
      entities: { city: ['Köln', 'Paris', 'Paris', 'Berlin'], store_no: [1, 2, 1, 1] },
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.featureNames).toEqual(['city', 'store_no', 'sales']);
    expect(col(r.value, 'sales')).toMatchObject({ values: [30, 20, 10, null], statuses: ['PRESENT', 'PRESENT', 'PRESENT', 'NOT_FOUND'] });
  });

  it('serves feature services with aliases and join-key maps; precomputed gives the same answer', async () => {
    await seedHourly([{ id: 1, conv: 0.25, acc: 0.5, trips: 1, ts: T }, { id: 2, conv: 0.75, acc: 1, trips: 2, ts: T }]);
    await writeViewFrame(ctx, 'driver_profile', {
      driver_id: [1], event_timestamp: [iso(T)], created: [null], name: ['Ann'], active: [true], photo: [null], ratings: [[]], joined: [null], tags: [null], acc_rate: [null],
    });
    const plain = await getOnlineFeatures(ctx, { selection: { featureService: 'driver_model' }, entities: { driver_id: [1, 2, 3] }, fullFeatureNames: true });
    if (!plain.ok) throw new Error(plain.error.message);
    expect(plain.value.featureNames).toEqual(['driver_id', 'hourly__conv_rate', 'hourly__acc_rate', 'driver_profile__name']);
    expect(plain.value.results.map((c) => c.values)).toEqual([[1, 2, 3], [0.25, 0.75, null], [0.5, 1, null], ['Ann', null, null]]);
    const fast = await getOnlineFeatures(ctx, { selection: { featureService: 'driver_model_fast' }, entities: { driver_id: [1, 2, 3] }, fullFeatureNames: true });
    if (!fast.ok) throw new Error(fast.error.message);
    expect(fast.value).toEqual(plain.value);

    const rider = await getOnlineFeatures(ctx, { selection: { featureService: 'rider_model' }, entities: { rider_driver: [2] } });
    expect(rider.ok && rider.value.featureNames).toEqual(['rider_driver', 'conv_rate']);
    expect(rider.ok && rider.value.results[1].values).toEqual([0.75]);
  });

  it('runs on-demand views over stored features and request data', async () => {
    await seedHourly([{ id: 1, conv: 0.5, acc: 0.5, trips: 1, ts: T }]);
    const r = await getOnlineFeatures(ctx, {
      selection: { features: ['conv_plus:conv_rate_plus_val'] },
      entities: { driver_id: [1, 2], val_to_add: [10, 20] },
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.featureNames).toEqual(['driver_id', 'conv_rate_plus_val']);
    expect(col(r.value, 'conv_rate_plus_val')).toMatchObject({ values: [10.5, null], statuses: ['PRESENT', 'NULL_VALUE'] });
    const missing = await getOnlineFeatures(ctx, { selection: { features: ['conv_plus:conv_rate_plus_val'] }, entities: { driver_id: [1] } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'missing_entity_column' } });
  });

  it('names unknown views, features, services and bad keys', async () => {
    const ask = (selection: { features: string[] } | { featureService: string }, entities: Record<string, unknown[]> = { driver_id: [1] }) =>
      getOnlineFeatures(ctx, { selection, entities });
    expect(await ask({ features: ['nope:x'] })).toMatchObject({ ok: false, error: { code: 'unknown_feature_view', details: { featureView: 'nope' } } });
    expect(await ask({ features: ['driver_hourly_stats:x'] })).toMatchObject({ ok: false, error: { code: 'unknown_feature', details: { feature: 'x' } } });
    expect(await ask({ features: ['conv_rate'] })).toMatchObject({ ok: false, error: { code: 'invalid_feature_reference' } });
    expect(await ask({ featureService: 'nope' })).toMatchObject({ ok: false, error: { code: 'unknown_feature_service' } });
    expect(await ask({ features: ['driver_hourly_stats:conv_rate'] }, { rider: [1] })).toMatchObject({ ok: false, error: { code: 'missing_entity_column' } });
    expect(await ask({ features: ['driver_hourly_stats:conv_rate'] }, { driver_id: ['x'] })).toMatchObject({ ok: false, error: { code: 'invalid_entity_value' } });
    expect(await ask({ features: ['driver_hourly_stats:conv_rate'] }, { driver_id: [1, 2], other: [1] })).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('refuses an invalid batch whole, naming rows and columns, and writes nothing', async () => {
    await seedHourly([{ id: 1, conv: 0.5, acc: 0.5, trips: 1, ts: T }]);
    const bad = await writeViewFrame(ctx, 'driver_hourly_stats', {
      driver_id: [1, 2],
      event_timestamp: [iso(T + 5), 'not a time'],
      created: [null, null],
      conv_rate: [0.1, 'high'],
      acc_rate: [0.1, 0.1],
      avg_daily_trips: [1, 1.5],
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_rows' } });
    const issues = (bad as { error: { details: { issues: { row: number; column: string }[] } } }).error.details.issues;
    expect(issues.map((i) => `${i.row}:${i.column}`)).toEqual(['1:event_timestamp', '1:conv_rate', '1:avg_daily_trips']);
    const r = await getOnlineFeatures(ctx, { selection: { features: ['driver_hourly_stats:conv_rate'] }, entities: { driver_id: [1, 2] } });
    expect(r.ok && col(r.value, 'conv_rate').values).toEqual([0.5, null]);
    const missingCol = await writeViewFrame(ctx, 'driver_hourly_stats', { driver_id: [1], event_timestamp: [iso(T)] });
    expect(missingCol).toMatchObject({ ok: false, error: { code: 'invalid_rows' } });
  });
});
