import { err, ok, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';

/** Columns to order: key hash (unsigned), event and created timestamps (signed; null created is i64 MIN). */
export interface SortRowsInput {
  readonly keys: BigUint64Array;
  readonly eventTs: BigInt64Array;
  readonly createdTs: BigInt64Array;
}

type Fn<A extends unknown[]> = (...args: A) => number;

/**
 * Stable radix sort of rows by (key hash u64, event ts i64, created ts i64,
 * row index). Returns the permutation: result[r] is the caller's row index
 * at sorted position r. The input columns are not modified.
 */
export function sortRows(k: KernelInstance, rows: SortRowsInput): Result<Int32Array> {
  const n = rows.keys.length;
  if (rows.eventTs.length !== n || rows.createdTs.length !== n) return err('invalid_argument', 'sortRows: columns differ in length');
  return k.scoped('sort_rows', () => {
    const key = k.copyIn(rows.keys);
    const ev = k.copyIn(rows.eventTs);
    const cr = k.copyIn(rows.createdTs);
    const perm = k.alloc(4 * n);
    const scratch = k.alloc(20 * n);
    const r = k.check('sort_rows', k.fn<Fn<[number, number, number, number, number, number]>>('sort_rows')(key, ev, cr, n, perm, scratch));
    return r.ok ? ok(k.i32(perm, n).slice()) : r;
  });
}

/**
 * Stable sort of (u64 key, u32 value) pairs by key. Returns the values in key
 * order; with values = 0..n-1 that is the sorting permutation.
 */
export function sortPairs(k: KernelInstance, keys: BigUint64Array, values: Uint32Array): Result<Uint32Array> {
  const n = keys.length;
  if (values.length !== n) return err('invalid_argument', 'sortPairs: keys and values differ in length');
  return k.scoped('sort_pairs_u64', () => {
    const kp = k.copyIn(keys);
    const vp = k.copyIn(values);
    const tk = k.alloc(8 * n);
    const tv = k.alloc(4 * n);
    const r = k.check('sort_pairs_u64', k.fn<Fn<[number, number, number, number, number]>>('sort_pairs_u64')(kp, vp, n, tk, tv));
    return r.ok ? ok(k.u32(vp, n).slice()) : r;
  });
}
