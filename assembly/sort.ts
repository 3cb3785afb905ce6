// Stable LSD radix sorts over columns in linear memory. The point-in-time
// join and latest-per-key kernels (pit-join.ts) use sortPairsU64; the host
// uses sort_rows to order (key hash, event ts, created ts, row) tuples.
//
// Ordering: key hashes as unsigned 64-bit, timestamps as signed 64-bit (so a
// null created timestamp, i64 MIN, sorts lowest), then the original row
// index (the sort is stable). Passes whose 8-bit digit is the same in every
// key are skipped, so only the bits that vary cost time.
import { OK, ERR_BAD_ARGUMENT } from "./status";

const SIGN: u64 = 0x8000000000000000;
const SMALL: i32 = 32;

/** Insertion sort of n (u64 key, u32 val) pairs by key; stable. */
function insertionPairs(keys: usize, vals: usize, n: i32): void {
  for (let i: i32 = 1; i < n; i++) {
    const k = load<u64>(keys + (<usize>i << 3));
    const v = load<u32>(vals + (<usize>i << 2));
    let j = i - 1;
    while (j >= 0) {
      const kj = load<u64>(keys + (<usize>j << 3));
      if (kj <= k) break;
      store<u64>(keys + (<usize>(j + 1) << 3), kj);
      store<u32>(vals + (<usize>(j + 1) << 2), load<u32>(vals + (<usize>j << 2)));
      j--;
    }
    store<u64>(keys + (<usize>(j + 1) << 3), k);
    store<u32>(vals + (<usize>(j + 1) << 2), v);
  }
}

// 8 histograms of 256 u32 counters, reused by every call (module static).
const HIST: usize = memory.data(8 * 256 * 4, 16);

/**
 * Stable sort of n (u64 key, u32 val) pairs by key, in place. tmpKeys and
 * tmpVals must hold n keys and n vals.
 */
function sortPairsU64(keys: usize, vals: usize, n: i32, tmpKeys: usize, tmpVals: usize): void {
  if (n <= SMALL) {
    insertionPairs(keys, vals, n);
    return;
  }
  memory.fill(HIST, 0, 8 * 256 * 4);
  for (let i: i32 = 0; i < n; i++) {
    const k = load<u64>(keys + (<usize>i << 3));
    for (let d: u32 = 0; d < 8; d++) {
      const h = HIST + ((<usize>d << 10) | (<usize>((k >> (<u64>d << 3)) & 0xff) << 2));
      store<u32>(h, load<u32>(h) + 1);
    }
  }
  let srcK = keys, srcV = vals, dstK = tmpKeys, dstV = tmpVals;
  for (let d: u32 = 0; d < 8; d++) {
    const hist = HIST + (<usize>d << 10);
    // Skip a digit that is the same in every key: the pass would not move anything.
    const first = <u32>((load<u64>(srcK) >> (<u64>d << 3)) & 0xff);
    if (load<u32>(hist + (<usize>first << 2)) == <u32>n) continue;
    let sum: u32 = 0;
    for (let b: usize = 0; b < 256; b++) {
      const c = load<u32>(hist + (b << 2));
      store<u32>(hist + (b << 2), sum);
      sum += c;
    }
    const shift = <u64>d << 3;
    for (let i: i32 = 0; i < n; i++) {
      const k = load<u64>(srcK + (<usize>i << 3));
      const h = hist + (<usize>((k >> shift) & 0xff) << 2);
      const p = load<u32>(h);
      store<u32>(h, p + 1);
      store<u64>(dstK + (<usize>p << 3), k);
      store<u32>(dstV + (<usize>p << 2), load<u32>(srcV + (<usize>i << 2)));
    }
    const tk = srcK; srcK = dstK; dstK = tk;
    const tv = srcV; srcV = dstV; dstV = tv;
  }
  if (srcK != keys) {
    memory.copy(keys, srcK, <usize>n << 3);
    memory.copy(vals, srcV, <usize>n << 2);
  }
}

/**
 * Stable sort of n (u64 key, u32 val) pairs by unsigned key, in place; tmpKeys
 * and tmpVals hold n keys and n vals. Also used by pit-join.ts.
 */
export function sort_pairs_u64(keys: usize, vals: usize, n: i32, tmpKeys: usize, tmpVals: usize): i32 {
  if (n < 0) return ERR_BAD_ARGUMENT;
  sortPairsU64(keys, vals, n, tmpKeys, tmpVals);
  return OK;
}

/** Gather column `col` in the order of `perm` into `dst`, flipping the sign bit of signed columns. */
function gatherColumn(col: usize, perm: usize, n: i32, dst: usize, signed: bool): void {
  const x: u64 = signed ? SIGN : 0;
  for (let i: i32 = 0; i < n; i++) {
    const r = load<u32>(perm + (<usize>i << 2));
    store<u64>(dst + (<usize>i << 3), load<u64>(col + (<usize>r << 3)) ^ x);
  }
}

/**
 * Stable sort of n rows by (key hash u64, event ts i64, created ts i64, row
 * index). Writes the permutation (row indices in sorted order) to `perm`
 * (n i32). `scratch` must hold 20 * n bytes. The columns are not modified.
 */
export function sort_rows(key: usize, ev: usize, cr: usize, n: i32, perm: usize, scratch: usize): i32 {
  if (n < 0) return ERR_BAD_ARGUMENT;
  for (let i: i32 = 0; i < n; i++) store<u32>(perm + (<usize>i << 2), <u32>i);
  if (n < 2) return OK;
  const vals = scratch;
  const tmpK = scratch + (<usize>n << 3);
  const tmpV = tmpK + (<usize>n << 3);
  // LSD over the columns: least significant (created) first.
  gatherColumn(cr, perm, n, vals, true);
  sortPairsU64(vals, perm, n, tmpK, tmpV);
  gatherColumn(ev, perm, n, vals, true);
  sortPairsU64(vals, perm, n, tmpK, tmpV);
  gatherColumn(key, perm, n, vals, false);
  sortPairsU64(vals, perm, n, tmpK, tmpV);
  return OK;
}
