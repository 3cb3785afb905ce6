// The join on the decode threads (one shard of partitions per thread, shared memory) must give
// exactly the answers of pitJoin on one thread, whatever the partitioning and options.
import { afterAll, describe, expect, it } from 'vitest';
import { unwrap } from '../../../src/core/errors.ts';
import { NULL_TS, pitJoin, type EntityRows, type FeatureRows } from '../../../src/kernel/pit-join.ts';
import { parallelPitJoin } from '../../../offline/historical/parallel-join.ts';
import { kernelModule, nodeKernel } from '../../../offline/parquet/kernel.ts';
import { decodePool } from '../../../offline/parquet/worker-pool.ts';
import { instantiateKernel } from '../../../src/kernel/instance.ts';
import { closeParquetWorkers } from '../../../offline/parquet/index.ts';
import { rng } from '../../support/rng.ts';

afterAll(() => closeParquetWorkers());

/** Source columns in shared memory, as the Parquet decoders leave them. */
function sharedFeatures(m: number, fill: (j: number) => [bigint, bigint, bigint]): FeatureRows {
  const f = {
    keys: new BigUint64Array(new SharedArrayBuffer(8 * m)),
    eventTs: new BigInt64Array(new SharedArrayBuffer(8 * m)),
    createdTs: new BigInt64Array(new SharedArrayBuffer(8 * m)),
  };
  for (let j = 0; j < m; j++) [f.keys[j], f.eventTs[j], f.createdTs[j]] = fill(j);
  return f;
}

describe('parallelPitJoin', () => {
  it('equals the one-thread join on seeded random data (ties, duplicates, null created, ttl, filterByCreated, raw keys)', async () => {
    const k = await nodeKernel();
    const r = rng(0x5eed);
    let matched = 0;
    for (let c = 0; c < 12; c++) {
      const n = r.int(1, 30_000);
      const m = r.int(0, 60_000);
      const keySpace = r.pick([3, 50, 5000, 1_000_000]);
      const ts = () => BigInt(r.int(0, r.pick([10, 1000, 1_000_000])));
      const entities: EntityRows = { keys: new BigUint64Array(n), ts: new BigInt64Array(n) };
      for (let i = 0; i < n; i++) {
        const dup = i > 0 && r.bool(0.15) ? r.int(0, i - 1) : -1;
        entities.keys[i] = dup >= 0 ? entities.keys[dup] : BigInt(r.int(0, keySpace));
        entities.ts[i] = dup >= 0 ? entities.ts[dup] : ts();
      }
      const features = sharedFeatures(m, () => {
        const ev = ts();
        const cr = r.int(0, 9);
        return [BigInt(r.int(0, keySpace)), ev, cr < 2 ? NULL_TS : cr < 4 ? ev : ts()];
      });
      const options = {
        ttl: r.pick([0n, 5n, 500n]),
        filterByCreated: r.bool(),
        rawKeys: r.bool(),
        roundRows: r.pick([1000, 1 << 18]),
        chunkRows: r.pick([777, 1 << 18]),
        ...(r.bool() && { partitions: r.pick([1, 2, 8, 64]) }),
      };
      const one = unwrap(pitJoin(k, entities, features, options));
      const many = await parallelPitJoin(entities, features, options, { minEntityRows: 0, threads: r.pick([2, 3, 4]) });
      expect(many, `case ${c}`).not.toBeNull();
      const got = unwrap(many!);
      expect(got.length).toBe(n);
      expect(got.every((v, i) => v === one[i]), `case ${c}: n ${n} m ${m} ${JSON.stringify(options, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`).toBe(true);
      matched += one.filter((v) => v >= 0).length;
    }
    expect(matched).toBeGreaterThan(1000); // the cases are not all misses
  }, 120_000);

  it('gives a join\'s kernel memory back: a thread whose kernel grew past the bound continues on a fresh one', async () => {
    const fresh = (await instantiateKernel(kernelModule())).memoryBytes;
    const n = 200_000;
    const entities: EntityRows = { keys: new BigUint64Array(n), ts: new BigInt64Array(n) };
    for (let i = 0; i < n; i++) [entities.keys[i], entities.ts[i]] = [BigInt(i % 5000), BigInt(i)];
    const features = sharedFeatures(400_000, (j) => [BigInt(j % 5000), BigInt(j), NULL_TS]);
    const expected = unwrap(pitJoin(await nodeKernel(), entities, features, { ttl: 0n }));
    const pool = decodePool(2);
    const join = async (releaseKernelAboveBytes: number) => {
      const got = unwrap((await parallelPitJoin(entities, features, { ttl: 0n }, { minEntityRows: 0, threads: 2, releaseKernelAboveBytes }))!);
      expect(got.every((v, i) => v === expected[i])).toBe(true);
      return pool.kernelMemory();
    };
    /** The two join threads' kernel memory once it stops changing or is fresh (the release waits for the thread to idle). */
    const settled = async () => {
      for (let i = 0; i < 100; i++) {
        const m = (await pool.kernelMemory()).slice(0, 2);
        if (m.every((x) => x === fresh)) return m;
        await new Promise((r) => setTimeout(r, 100));
      }
      return (await pool.kernelMemory()).slice(0, 2);
    };
    const kept = await join(Number.POSITIVE_INFINITY);
    expect(Math.max(...kept)).toBeGreaterThan(fresh);
    // right after the join the grown kernel is still there, for a retrieval's next view
    expect(Math.min(...(await join(0)).slice(0, 2))).toBeGreaterThan(fresh);
    expect(await settled()).toEqual([fresh, fresh]);
    // and the fresh kernels still join
    await join(0);
    expect(await settled()).toEqual([fresh, fresh]);
  }, 60_000);

  it('declines small joins, one thread, and source columns not in shared memory', async () => {
    const features = sharedFeatures(4, (j) => [BigInt(j), 0n, NULL_TS]);
    const entities: EntityRows = { keys: BigUint64Array.of(1n), ts: BigInt64Array.of(5n) };
    expect(await parallelPitJoin(entities, features, { ttl: 0n })).toBeNull();
    expect(await parallelPitJoin(entities, features, { ttl: 0n }, { minEntityRows: 0, threads: 1 })).toBeNull();
    const plain = { keys: BigUint64Array.of(1n), eventTs: BigInt64Array.of(0n), createdTs: BigInt64Array.of(NULL_TS) };
    expect(await parallelPitJoin(entities, plain, { ttl: 0n }, { minEntityRows: 0 })).toBeNull();
    expect(Array.from(unwrap((await parallelPitJoin(entities, features, { ttl: 0n }, { minEntityRows: 0, threads: 2 }))!))).toEqual([1]);
  });
});
