import { describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/errors.ts';
import { choosePitPartitions, latestPerKey, mixKeys, NULL_TS, orderByFeatureRow, pitJoin, Status, type EntityRows, type FeatureRows } from '../../src/kernel/index.ts';
import { rng, type Rng } from '../support/rng.ts';
import { runtime, testKernel } from '../support/kernel.ts';
import { latestPerKeyRef, pitJoinRef } from '../reference/pit-join.ts';

const US = 1_000_000n;
const HOUR = 3600n * US;
const DAY = 24n * HOUR;
const at = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;
const I64_MAX = 2n ** 63n - 1n;
const U64_EXTREMES = [0n, 1n, I64_MAX, 2n ** 63n, 2n ** 64n - 1n];
const I64_EXTREMES = [NULL_TS, NULL_TS + 1n, NULL_TS + 2n, -1n, 0n, 1n, I64_MAX - 1n, I64_MAX];

const ents = (rows: [bigint, bigint][]): EntityRows => ({
  keys: BigUint64Array.from(rows, (r) => r[0]),
  ts: BigInt64Array.from(rows, (r) => r[1]),
});
const feats = (rows: [bigint, bigint, bigint][]): FeatureRows => ({
  keys: BigUint64Array.from(rows, (r) => r[0]),
  eventTs: BigInt64Array.from(rows, (r) => r[1]),
  createdTs: BigInt64Array.from(rows, (r) => r[2]),
});
const same = (a: Int32Array, b: Int32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

interface Modes { key: number; ts: number }

function key(r: Rng, m: Modes): bigint {
  switch (m.key) {
    case 0: return BigInt(r.int(0, 2)); // tiny key space: big groups
    case 1: return BigInt(r.int(0, 20));
    case 2: return r.pick(U64_EXTREMES);
    default: return BigInt.asUintN(64, r.i64()); // large key space
  }
}

function ts(r: Rng, m: Modes): bigint {
  switch (m.ts) {
    case 0: return BigInt(r.int(-5, 5)); // many ties
    case 1: return r.pick(I64_EXTREMES);
    case 2: return r.bool(0.5) ? r.pick(I64_EXTREMES) + BigInt(r.int(-3, 3)) * (r.bool() ? 1n : -1n) : BigInt(r.int(-5, 5));
    default: return r.i64();
  }
}

const clampI64 = (v: bigint): bigint => BigInt.asIntN(64, v) === v ? v : v < 0n ? NULL_TS : I64_MAX;

function randomFeatures(r: Rng, m: number, modes: Modes, allTied: boolean): FeatureRows {
  const f = { keys: new BigUint64Array(m), eventTs: new BigInt64Array(m), createdTs: new BigInt64Array(m) };
  for (let j = 0; j < m; j++) {
    f.keys[j] = allTied ? 1n : key(r, modes);
    f.eventTs[j] = allTied ? 0n : clampI64(ts(r, modes));
    const c = r.int(0, 9);
    f.createdTs[j] = allTied ? 0n : c < 2 ? NULL_TS : c < 4 ? f.eventTs[j] : clampI64(ts(r, modes));
  }
  return f;
}

function randomEntities(r: Rng, n: number, modes: Modes, allTied: boolean): EntityRows {
  const e = { keys: new BigUint64Array(n), ts: new BigInt64Array(n) };
  for (let i = 0; i < n; i++) {
    if (i > 0 && r.bool(0.15)) { // duplicate entity row
      const d = r.int(0, i - 1);
      e.keys[i] = e.keys[d];
      e.ts[i] = e.ts[d];
      continue;
    }
    e.keys[i] = allTied ? 1n : key(r, modes);
    e.ts[i] = allTied ? 0n : clampI64(ts(r, modes));
  }
  return e;
}

function randomTtl(r: Rng): bigint {
  const c = r.int(0, 9);
  if (c < 4) return 0n;
  if (c < 7) return BigInt(r.int(1, 6));
  if (c < 8) return I64_MAX;
  return BigInt.asUintN(63, r.i64());
}

function randomCase(r: Rng) {
  const big = r.bool(0.08);
  const n = r.bool(0.04) ? 0 : big ? r.int(20, 150) : r.int(1, 30);
  const m = r.bool(0.04) ? 0 : big ? r.int(50, 500) : r.int(1, 60);
  const modes = { key: r.int(0, 3), ts: r.int(0, 3) };
  const allTied = r.bool(0.03);
  return {
    entities: randomEntities(r, n, modes, allTied),
    features: randomFeatures(r, m, modes, allTied),
    ttl: randomTtl(r),
    filterByCreated: r.bool(),
  };
}

describe(`point-in-time join kernel (${runtime})`, () => {
  it("Feast example A: later created breaks an event tie; later event beats later created", async () => {
    const k = await testKernel();
    const T = at('2021-04-12T10:59:42Z');
    const f = feats([[1001n, T, T], [1001n, T, T + DAY], [1002n, T, T + DAY], [1002n, T + DAY, T]]);
    const e = ents([[1001n, T + 2n * DAY], [1002n, T + 2n * DAY]]);
    expect(Array.from(unwrap(pitJoin(k, e, f, { ttl: 0n })))).toEqual([1, 3]);
  });

  it('Feast example B: as-of-known-time with filterByCreated', async () => {
    const k = await testKernel();
    const ev = at('2025-01-01T10:00:00Z');
    const f = feats([[1n, ev, at('2025-01-01T12:00:00Z')], [1n, ev, at('2025-01-03T00:00:00Z')]]);
    const e = ents([[1n, at('2025-01-02T00:00:00Z')]]);
    expect(Array.from(unwrap(pitJoin(k, e, f, { ttl: 7n * DAY })))).toEqual([1]);
    expect(Array.from(unwrap(pitJoin(k, e, f, { ttl: 7n * DAY, filterByCreated: true })))).toEqual([0]);
  });

  it('Feast example C: ttl bounds the look-back', async () => {
    const k = await testKernel();
    const now = at('2026-11-30T00:00:00Z');
    const f = feats([[1n, now - HOUR, now - HOUR], [2n, now - 2n * DAY, now - 2n * DAY]]);
    const e = ents([[1n, now], [2n, now]]);
    expect(Array.from(unwrap(pitJoin(k, e, f, { ttl: DAY })))).toEqual([0, -1]);
    expect(Array.from(unwrap(pitJoin(k, e, f, { ttl: 0n })))).toEqual([0, 1]);
  });

  it('keeps both bounds inclusive, every entity row, and the later row on full ties', async () => {
    const k = await testKernel();
    const f = feats([[5n, 10n, 20n], [5n, 0n, 1n], [5n, 10n, 20n], [6n, 3n, NULL_TS], [6n, 3n, 0n]]);
    const e = ents([[5n, 10n], [5n, 10n], [5n, 9n], [5n, 19n], [6n, 3n], [7n, 100n]]);
    expect(Array.from(unwrap(pitJoin(k, e, f, { ttl: 10n })))).toEqual([2, 2, 1, 2, 4, -1]);
    expect(Array.from(unwrap(pitJoin(k, e, f, { ttl: 9n })))).toEqual([2, 2, 1, 2, 4, -1]);
    expect(Array.from(unwrap(pitJoin(k, e, f, { ttl: 8n })))).toEqual([2, 2, -1, -1, 4, -1]);
    // created <= t is inclusive; null created never qualifies with the filter
    expect(Array.from(unwrap(pitJoin(k, e, f, { ttl: 0n, filterByCreated: true })))).toEqual([1, 1, 1, 1, 4, -1]);
    expect(Array.from(unwrap(pitJoin(k, ents([[5n, 20n]]), f, { ttl: 0n, filterByCreated: true })))).toEqual([2]);
  });

  it('handles empty inputs and rejects bad arguments', async () => {
    const k = await testKernel();
    expect(unwrap(pitJoin(k, ents([]), feats([]), { ttl: 0n })).length).toBe(0);
    expect(Array.from(unwrap(pitJoin(k, ents([[1n, 1n]]), feats([]), { ttl: 0n })))).toEqual([-1]);
    expect(pitJoin(k, ents([[1n, 1n]]), feats([]), { ttl: -1n }).ok).toBe(false);
    expect(pitJoin(k, { keys: new BigUint64Array(2), ts: new BigInt64Array(1) }, feats([]), { ttl: 0n }).ok).toBe(false);
  });

  it('matches the reference on 10,000 seeded random joins', async () => {
    const k = await testKernel();
    const r = rng(0x91717);
    for (let c = 0; c < 10_000; c++) {
      const { entities, features, ttl, filterByCreated } = randomCase(r);
      const opts = { ttl, filterByCreated, chunkRows: r.bool(0.3) ? r.int(1, 7) : undefined, regionBits: r.bool(0.5) ? r.int(1, 6) : undefined, roundRows: r.bool(0.3) ? r.int(1, 20) : undefined };
      const got = unwrap(pitJoin(k, entities, features, opts));
      const want = pitJoinRef(entities, features, ttl, filterByCreated);
      if (!same(got, want)) expect({ case: c, ttl, filterByCreated, got: Array.from(got) }).toEqual({ case: c, ttl, filterByCreated, got: Array.from(want) });
    }
  });

  it('gives the same answers partitioned and unpartitioned', async () => {
    const k = await testKernel();
    const r = rng(0x9a27);
    for (let c = 0; c < 40; c++) {
      const n = r.int(0, 2000);
      const m = r.int(0, 8000);
      const modes = { key: r.bool(0.2) ? r.int(0, 2) : 3, ts: r.int(0, 3) };
      const entities = randomEntities(r, n, modes, false);
      const features = randomFeatures(r, m, modes, false);
      const opts = { ttl: randomTtl(r), filterByCreated: r.bool() };
      const whole = unwrap(pitJoin(k, entities, features, { ...opts, partitions: 1 }));
      const parts = unwrap(pitJoin(k, entities, features, { ...opts, partitions: r.pick([2, 4, 16, 64, 256]), chunkRows: r.int(100, 5000), regionBits: r.int(0, 8), roundRows: r.int(100, 20_000) }));
      expect(same(whole, parts)).toBe(true);
      if (c < 3) expect(same(whole, pitJoinRef(entities, features, opts.ttl, opts.filterByCreated))).toBe(true);
    }
    // large enough for the clustered probe (many table regions), several chunks, raw keys
    const modes = { key: 3, ts: 0 };
    const entities = randomEntities(r, 100_000, modes, false);
    const features = randomFeatures(r, 200_000, modes, false);
    const whole = unwrap(pitJoin(k, entities, features, { ttl: 3n, partitions: 1, chunkRows: 1 }));
    expect(same(whole, unwrap(pitJoin(k, entities, features, { ttl: 3n })))).toBe(true);
    expect(same(whole, unwrap(pitJoin(k, entities, features, { ttl: 3n, partitions: 8, chunkRows: 70_000 })))).toBe(true);
    const mixed = { keys: unwrap(mixKeys(k, entities.keys)), ts: entities.ts };
    const mixedF = { ...features, keys: unwrap(mixKeys(k, features.keys)) };
    expect(same(whole, unwrap(pitJoin(k, mixed, mixedF, { ttl: 3n, partitions: 4 })))).toBe(true);
    expect(same(whole, unwrap(pitJoin(k, entities, features, { ttl: 3n, partitions: 4, rawKeys: true })))).toBe(true);
  });

  it('chooses partitions from the sizes so one partition fits the arena budget', () => {
    expect(choosePitPartitions(1000, 1000)).toBe(1);
    expect(choosePitPartitions(1_000_000, 10_000_000)).toBe(1);
    expect(choosePitPartitions(10_000_000, 50_000_000)).toBe(1);
    expect(choosePitPartitions(20_000_000, 50_000_000)).toBeGreaterThanOrEqual(2);
    expect(choosePitPartitions(100_000_000, 10_000_000)).toBeGreaterThanOrEqual(16);
  });
});

describe(`join build (${runtime})`, () => {
  it('reports a table too small for the distinct keys, so the driver can retry', async () => {
    const k = await testKernel();
    k.reset();
    const n = 100;
    const key = k.copyIn(BigUint64Array.from({ length: n }, (_, i) => BigInt(i)));
    const ts = k.copyIn(new BigInt64Array(n));
    const recs = k.alloc(32 * n);
    const fn = (name: string) => k.fn<(...a: number[]) => number>(name);
    const estimate = fn('pit_join_estimate')(key, n);
    expect(Math.abs(estimate - n)).toBeLessThan(5);
    const small = k.alloc(fn('pit_join_work_bytes')(n, 16));
    expect(fn('pit_join_build')(small, key, ts, n, 16, recs, 0)).toBe(Status.OUT_OF_RANGE);
    const cap = fn('pit_join_capacity')(n, estimate);
    const work = k.alloc(fn('pit_join_work_bytes')(n, cap));
    expect(fn('pit_join_build')(work, key, ts, n, cap, recs, 0)).toBe(Status.OK);
    expect(fn('pit_join_build')(work, key, ts, n, 48, recs, 0)).toBe(Status.BAD_ARGUMENT);
    k.reset();
  });
});

describe(`gather order (${runtime})`, () => {
  it('lists matched entity rows by feature row, stably', async () => {
    const k = await testKernel();
    const o = unwrap(orderByFeatureRow(k, Int32Array.of(5, -1, 2, 5, 0, -1, 2)));
    expect(Array.from(o.featureRows)).toEqual([0, 2, 2, 5, 5]);
    expect(Array.from(o.entityRows)).toEqual([4, 2, 6, 0, 3]);
    expect(unwrap(orderByFeatureRow(k, new Int32Array(0))).entityRows.length).toBe(0);
  });
});

describe(`latest-per-key kernel (${runtime})`, () => {
  it('picks the latest event, then created, then the later row, in key-hash order', async () => {
    const k = await testKernel();
    const f = feats([[9n, 5n, 1n], [2n ** 64n - 1n, 1n, 0n], [9n, 5n, 2n], [3n, 7n, 0n], [3n, 7n, 0n], [9n, 11n, 0n], [4n, 3n, NULL_TS]]);
    expect(Array.from(unwrap(latestPerKey(k, f, { start: 0n, end: 10n })))).toEqual([4, 6, 2, 1]);
    expect(Array.from(unwrap(latestPerKey(k, f, { start: 5n, end: 5n })))).toEqual([2]);
    expect(Array.from(unwrap(latestPerKey(k, f, { start: 12n, end: 100n })))).toEqual([]);
  });

  it('matches the reference on 10,000 seeded random windows', async () => {
    const k = await testKernel();
    const r = rng(0x1a7e);
    for (let c = 0; c < 10_000; c++) {
      const m = r.bool(0.04) ? 0 : r.bool(0.1) ? r.int(30, 600) : r.int(1, 50);
      const modes = { key: r.int(0, 3), ts: r.int(0, 3) };
      const f = randomFeatures(r, m, modes, r.bool(0.03));
      let start = clampI64(ts(r, modes));
      let end = clampI64(ts(r, modes));
      if (r.bool(0.1)) [start, end] = [NULL_TS, I64_MAX];
      if (start > end && r.bool(0.8)) [start, end] = [end, start];
      const opts = { partitions: r.bool(0.2) ? r.pick([2, 8]) : undefined, chunkRows: r.bool(0.3) ? r.int(1, 9) : undefined };
      const got = unwrap(latestPerKey(k, f, { start, end }, opts));
      const want = latestPerKeyRef(f, start, end);
      if (!same(got, want)) expect({ case: c, got: Array.from(got) }).toEqual({ case: c, got: Array.from(want) });
    }
  });

  it('gives the same answers partitioned and unpartitioned', async () => {
    const k = await testKernel();
    const r = rng(0x1a7f);
    const f = randomFeatures(r, 200_000, { key: 3, ts: 0 }, false);
    const whole = unwrap(latestPerKey(k, f, { start: -3n, end: 4n }, { partitions: 1 }));
    expect(same(whole, unwrap(latestPerKey(k, f, { start: -3n, end: 4n })))).toBe(true);
    expect(same(whole, unwrap(latestPerKey(k, f, { start: -3n, end: 4n }, { partitions: 64, chunkRows: 50_000 })))).toBe(true);
    // raw keys: the same rows are chosen, ordered by the mixed hash
    const mixed = unwrap(mixKeys(k, f.keys));
    const viaMixed = unwrap(latestPerKey(k, { ...f, keys: mixed }, { start: -3n, end: 4n }));
    expect(same(viaMixed, unwrap(latestPerKey(k, f, { start: -3n, end: 4n }, { rawKeys: true, partitions: 4 })))).toBe(true);
    expect(new Set(viaMixed).size).toBe(whole.length);
    expect([...viaMixed].sort((a, b) => a - b)).toEqual([...whole].sort((a, b) => a - b));
  });
});

describe(`key mixing (${runtime})`, () => {
  it('is the splitmix64 finalizer: bijective, so equal keys stay equal', async () => {
    const k = await testKernel();
    const mix = (z: bigint): bigint => {
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
      return z ^ (z >> 31n);
    };
    const r = rng(0x313);
    const keys = BigInt64Array.from({ length: 3000 }, (_, i) => (i < I64_EXTREMES.length ? I64_EXTREMES[i] : r.i64()));
    const got = unwrap(mixKeys(k, keys));
    expect(Array.from(got)).toEqual(Array.from(keys, (v) => mix(BigInt.asUintN(64, v))));
  });
});
