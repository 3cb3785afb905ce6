import { describe, expect, it } from 'vitest';
import { unwrap } from '../../src/core/errors.ts';
import { NULL_TS, sortPairs, sortRows } from '../../src/kernel/index.ts';
import { rng, type Rng } from '../support/rng.ts';
import { runtime, testKernel } from '../support/kernel.ts';
import { sortPairsRef, sortRowsRef } from '../reference/sort.ts';

const U64_EXTREMES = [0n, 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n];
const I64_EXTREMES = [NULL_TS, NULL_TS + 1n, -1n, 0n, 1n, 2n ** 63n - 1n];

function key(r: Rng, mode: number): bigint {
  if (mode === 0) return BigInt(r.int(0, 2)); // tiny key space: many collisions
  if (mode === 1) return r.pick(U64_EXTREMES);
  return BigInt.asUintN(64, r.i64());
}

function ts(r: Rng, mode: number): bigint {
  if (mode === 0) return BigInt(r.int(-3, 3)); // many ties
  if (mode === 1) return r.pick(I64_EXTREMES);
  return r.i64();
}

function randomRows(r: Rng) {
  const n = r.bool(0.05) ? 0 : r.bool(0.1) ? r.int(33, 600) : r.int(1, 40);
  const km = r.int(0, 2);
  const tm = r.int(0, 2);
  const keys = new BigUint64Array(n);
  const eventTs = new BigInt64Array(n);
  const createdTs = new BigInt64Array(n);
  const allTied = r.bool(0.05);
  for (let i = 0; i < n; i++) {
    keys[i] = allTied ? 7n : key(r, km);
    eventTs[i] = allTied ? 1n : ts(r, tm);
    createdTs[i] = allTied ? 1n : r.bool(0.2) ? NULL_TS : ts(r, tm);
  }
  return { keys, eventTs, createdTs };
}

describe(`sort kernel (${runtime})`, () => {
  it('orders by key, event, created (null lowest), then row', async () => {
    const k = await testKernel();
    const rows = {
      keys: BigUint64Array.of(2n ** 64n - 1n, 5n, 5n, 5n, 0n, 5n),
      eventTs: BigInt64Array.of(0n, 10n, 10n, 3n, 99n, 10n),
      createdTs: BigInt64Array.of(0n, 2n, NULL_TS, 8n, 0n, 2n),
    };
    expect(Array.from(unwrap(sortRows(k, rows)))).toEqual([4, 3, 2, 1, 5, 0]);
  });

  it('handles empty input', async () => {
    const k = await testKernel();
    const empty = { keys: new BigUint64Array(0), eventTs: new BigInt64Array(0), createdTs: new BigInt64Array(0) };
    expect(unwrap(sortRows(k, empty)).length).toBe(0);
    expect(unwrap(sortPairs(k, new BigUint64Array(0), new Uint32Array(0))).length).toBe(0);
  });

  it('rejects columns of different lengths', async () => {
    const k = await testKernel();
    const r = sortRows(k, { keys: new BigUint64Array(2), eventTs: new BigInt64Array(1), createdTs: new BigInt64Array(2) });
    expect(r.ok).toBe(false);
  });

  it('matches the reference on 10,000 seeded random cases', async () => {
    const k = await testKernel();
    const r = rng(0x5027);
    for (let c = 0; c < 10_000; c++) {
      const rows = randomRows(r);
      const got = unwrap(sortRows(k, rows));
      const want = sortRowsRef(rows);
      if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
        expect({ case: c, got: Array.from(got) }).toEqual({ case: c, got: Array.from(want) });
      }
    }
  });

  it('sorts (key, value) pairs stably, including large inputs', async () => {
    const k = await testKernel();
    const r = rng(0xa11);
    for (let c = 0; c < 300; c++) {
      const n = c < 5 ? 20_000 : r.int(0, 200);
      const km = r.int(0, 2);
      const keys = BigUint64Array.from({ length: n }, () => key(r, km));
      const values = Uint32Array.from({ length: n }, (_, i) => i);
      const got = unwrap(sortPairs(k, keys, values));
      const want = sortPairsRef(keys, values);
      expect(got.every((v, i) => v === want[i])).toBe(true);
    }
  });
});
