// Point-in-time (as-of) join and latest-per-key, over one partition of rows.
// Semantics: /work/shared/docs/domain.md "Point-in-time join" and
// "Materialization". Keys are u64 key hashes (equal hash = same entity);
// timestamps are i64 epoch microseconds; a null created timestamp is i64 MIN.
//
// Join, in calls so that feature rows stream through in chunks:
//   pit_select        keep one partition's entity rows (top bits of the hash)
//   pit_join_build    entity rows -> hash table of keys; each key's entity rows
//                     sorted by ts (its "group"); one best-so-far cell per row
//   pit_join_probe    each feature row is a candidate for the entity rows of its
//                     key whose ts >= a (a = event ts, or max(event, created) with
//                     filterByCreated); it is offered to the first such row only
//     or, clustered:  pit_join_count (per chunk) -> pit_join_scatter (per chunk)
//                     -> pit_join_offer: rows are first grouped by hash-table
//                     region so each region's probes run while it is in cache
//   pit_join_finish   a running maximum along each group gives every entity row
//                     the best candidate offered at or before it; the ttl bound
//                     is checked on that winner (event >= t - ttl)
// Order of candidates: event ts, then created ts (signed, so null is lowest),
// then the later feature row (greater index). Features are never sorted.
import { OK, ERR_BAD_ARGUMENT, ERR_OUT_OF_RANGE } from "./status";
import { sort_pairs_u64 } from "./sort";

const MIN: i64 = i64.MIN_VALUE;
const GOLDEN: u64 = 0x9e3779b97f4a7c15;
const HLL_MUL: u64 = 0xd6e8feb86659fd93;
const HEADER: usize = 64;
const SLOT: usize = 16; // key u64, start i32 (-1 = empty), end i32
const BEST: usize = 24; // bestEv i64, bestCr i64, bestIdx i32, entity row i32
const RECORD: usize = 32; // clustered row: key u64, ts/event i64, created i64, row i32, slot u32
const SMALL_GROUP: i32 = 16;
const REGION_BYTES: f64 = 32 * 1024; // table + groups touched by one region: about L1-sized
const MAX_REGION_BITS: u32 = 12; // more regions make the scatter's fan-out thrash the TLB
const HIST_BYTES: usize = ((<usize>1 << MAX_REGION_BITS) + 1) << 2;
const HLL_BITS: u32 = 12;
const HLL: usize = memory.data(1 << HLL_BITS, 16);

// Work area: header | slots (cap) | ts per group row (n i64) | best cells (n) | region histogram.
// Header: cap u32 @0, log2 cap u32 @4, n i32 @8, region bits u32 @12.

// @ts-ignore: decorator
@inline function capacityFor(n: f64): usize {
  let cap: usize = 16;
  while (<f64>cap < n * 2) cap <<= 1;
  return cap;
}

// @ts-ignore: decorator
@inline function slotHash(k: u64, shift: u64): usize {
  return <usize>((k * GOLDEN) >> shift);
}

// @ts-ignore: decorator
@inline function mix64(k: u64): u64 {
  let z = k;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Flags of the selection and probe kernels. */
const FLAG_FILTER_CREATED: i32 = 1; // filterByCreated
const FLAG_RAW_KEYS: i32 = 2; // keys are raw 64-bit values: hash them with mix64 first

/**
 * Hash-table slots for n entity rows with about `distinct` distinct keys
 * (pit_join_estimate): a power of two, at least twice the keys (with a 10%
 * margin), never more than for n distinct keys.
 */
export function pit_join_capacity(n: i32, distinct: f64): f64 {
  if (n < 0) return 0;
  return <f64>capacityFor(min<f64>(<f64>n, distinct * 1.1 + 16));
}

/** Bytes of the work area pit_join_build needs for n entity rows and a table of cap slots (f64: may exceed 2^31). */
export function pit_join_work_bytes(n: i32, cap: f64): f64 {
  if (n < 0) return 0;
  return <f64>HEADER + cap * <f64>SLOT + <f64>n * <f64>(8 + BEST) + <f64>HIST_BYTES;
}

// @ts-ignore: decorator
@inline function tsArr(work: usize): usize {
  return work + HEADER + <usize>load<u32>(work) * SLOT;
}
// @ts-ignore: decorator
@inline function bestArr(work: usize): usize {
  return tsArr(work) + (<usize>load<i32>(work, 8) << 3);
}
// @ts-ignore: decorator
@inline function histArr(work: usize): usize {
  return bestArr(work) + <usize>load<i32>(work, 8) * BEST;
}

/** Sort rows [s, e) of a group by ts, moving each row's entity index along (ties in any order). */
function sortGroup(ts: usize, best: usize, s: i32, e: i32): void {
  if (e - s <= SMALL_GROUP) {
    for (let i = s + 1; i < e; i++) {
      const t = load<i64>(ts + (<usize>i << 3));
      const r = load<i32>(best + <usize>i * BEST, 20);
      let j = i - 1;
      while (j >= s) {
        const tj = load<i64>(ts + (<usize>j << 3));
        if (tj <= t) break;
        store<i64>(ts + (<usize>(j + 1) << 3), tj);
        store<i32>(best + <usize>(j + 1) * BEST, load<i32>(best + <usize>j * BEST, 20), 20);
        j--;
      }
      store<i64>(ts + (<usize>(j + 1) << 3), t);
      store<i32>(best + <usize>(j + 1) * BEST, r, 20);
    }
    return;
  }
  // Heapsort: in place, O(g log g) for any group size.
  const g = e - s;
  for (let i = (g >> 1) - 1; i >= 0; i--) siftDown(ts, best, s, i, g);
  for (let end = g - 1; end > 0; end--) {
    swapRows(ts, best, s, s + end);
    siftDown(ts, best, s, 0, end);
  }
}

function swapRows(ts: usize, best: usize, a: i32, b: i32): void {
  const ta = ts + (<usize>a << 3), tb = ts + (<usize>b << 3);
  const t = load<i64>(ta);
  store<i64>(ta, load<i64>(tb));
  store<i64>(tb, t);
  const ra = best + <usize>a * BEST, rb = best + <usize>b * BEST;
  const r = load<i32>(ra, 20);
  store<i32>(ra, load<i32>(rb, 20), 20);
  store<i32>(rb, r, 20);
}

function siftDown(ts: usize, best: usize, s: i32, root: i32, n: i32): void {
  let i = root;
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && load<i64>(ts + (<usize>(s + c + 1) << 3)) > load<i64>(ts + (<usize>(s + c) << 3))) c++;
    if (load<i64>(ts + (<usize>(s + c) << 3)) <= load<i64>(ts + (<usize>(s + i) << 3))) return;
    swapRows(ts, best, s + i, s + c);
    i = c;
  }
}

/**
 * Count rows per partition (top pbits bits of the key hash) into counts
 * (2^pbits i32, accumulated, so chunks can be counted one after another).
 */
export function pit_partition_counts(key: usize, len: i32, pbits: i32, flags: i32, counts: usize): i32 {
  if (len < 0 || pbits < 0 || pbits > 16) return ERR_BAD_ARGUMENT;
  const raw = (flags & FLAG_RAW_KEYS) != 0;
  if (pbits == 0) {
    store<i32>(counts, load<i32>(counts) + len);
    return OK;
  }
  const ps = <u64>(64 - pbits);
  for (let i: i32 = 0; i < len; i++) {
    let k = load<u64>(key + (<usize>i << 3));
    if (raw) k = mix64(k);
    const c = counts + (<usize>(k >> ps) << 2);
    store<i32>(c, load<i32>(c) + 1);
  }
  return OK;
}

/**
 * Append the rows of partition `part` (top pbits bits of the key hash) from a
 * chunk of len entity rows (key, ts) to dstKey/dstTs/dstRow, hashing raw keys;
 * row i of the chunk is reported as base + i. countPtr (i32) holds the number
 * of rows appended so far and is updated.
 */
export function pit_select(key: usize, ts: usize, len: i32, base: i32, pbits: i32, part: i32, flags: i32, dstKey: usize, dstTs: usize, dstRow: usize, countPtr: usize): i32 {
  if (len < 0 || base < 0 || pbits < 0 || pbits > 16) return ERR_BAD_ARGUMENT;
  const raw = (flags & FLAG_RAW_KEYS) != 0;
  const ps = <u64>(64 - pbits);
  const want = <u64>part;
  let c = <usize>load<i32>(countPtr);
  for (let i: i32 = 0; i < len; i++) {
    let k = load<u64>(key + (<usize>i << 3));
    if (raw) k = mix64(k);
    if (pbits > 0 && (k >> ps) != want) continue;
    store<u64>(dstKey + (c << 3), k);
    store<i64>(dstTs + (c << 3), load<i64>(ts + (<usize>i << 3)));
    store<i32>(dstRow + (c << 2), base + i);
    c++;
  }
  store<i32>(countPtr, <i32>c);
  return OK;
}

/** HyperLogLog estimate of the distinct keys among n key hashes (2^12 registers, about 1.6% error). */
export function pit_join_estimate(eKey: usize, n: i32): f64 {
  if (n <= 0) return 0;
  const m: usize = <usize>1 << HLL_BITS;
  memory.fill(HLL, 0, m);
  for (let i: i32 = 0; i < n; i++) {
    const y = load<u64>(eKey + (<usize>i << 3)) * HLL_MUL;
    const r = HLL + <usize>(y >> (64 - HLL_BITS));
    const rho = <u8>(clz<u64>((y << HLL_BITS) | (<u64>1 << (HLL_BITS - 1))) + 1);
    if (rho > load<u8>(r)) store<u8>(r, rho);
  }
  let z: f64 = 0;
  let zeros: f64 = 0;
  for (let j: usize = 0; j < m; j++) {
    const v = load<u8>(HLL + j);
    z += Math.pow(2, -<f64>v);
    if (v == 0) zeros++;
  }
  const mf = <f64>m;
  let e = (0.7213 / (1 + 1.079 / mf)) * mf * mf / z;
  if (e <= 2.5 * mf && zeros > 0) e = mf * Math.log(mf / zeros);
  return e;
}

/**
 * Build the join state for n entity rows (key hash, ts) in `work`
 * (pit_join_work_bytes(n, cap) bytes, 16-aligned) with a table of cap slots
 * (pit_join_capacity). recs is scratch for 32 * n bytes, free again when the
 * build returns. Returns ERR_OUT_OF_RANGE when the distinct keys exceed 3/4 of
 * a table smaller than pit_join_capacity(n, n): the host retries with that.
 * Rows are first clustered by table region so inserts and placements touch
 * one region at a time. regionBits 0 sizes regions automatically (about
 * REGION_BYTES each); r > 0 forces 2^r regions (for tests and tuning).
 */
export function pit_join_build(work: usize, eKey: usize, eTs: usize, n: i32, cap: f64, recs: usize, regionBits: i32): i32 {
  if (n < 0 || regionBits < 0 || cap < 16 || cap > 2147483648) return ERR_BAD_ARGUMENT;
  const c = <usize>cap;
  if ((c & (c - 1)) != 0) return ERR_BAD_ARGUMENT;
  store<i32>(work, n, 8);
  return buildWith(work, eKey, eTs, n, regionBits, c, recs, c >= capacityFor(<f64>n)) ? OK : ERR_OUT_OF_RANGE;
}

/** Build with a table of cap slots; false when the keys outnumber it (then the caller retries larger). */
function buildWith(work: usize, eKey: usize, eTs: usize, n: i32, regionBits: i32, cap: usize, recs: usize, full: bool): bool {
  const bits = <u32>ctz<usize>(cap);
  const shift = <u64>(64 - bits);
  const mask = cap - 1;
  const limit: i32 = full ? i32.MAX_VALUE : <i32>((cap * 3) >> 2);
  let rb: u32 = 0;
  const total = <f64>cap * <f64>SLOT + <f64>n * <f64>(8 + BEST);
  while (rb < bits && rb < MAX_REGION_BITS && total / <f64>(1 << (rb + 1)) >= REGION_BYTES) rb++;
  if (regionBits > 0) rb = min(<u32>regionBits, min(bits, MAX_REGION_BITS));
  store<u32>(work, <u32>cap);
  store<u32>(work, bits, 4);
  store<u32>(work, rb, 12);
  const slots = work + HEADER;
  const ts = tsArr(work);
  const best = bestArr(work);
  const hist = histArr(work);
  for (let h: usize = 0; h < cap; h++) {
    const p = slots + h * SLOT;
    store<u64>(p, 0);
    store<i32>(p, -1, 8);
    store<i32>(p, 0, 12);
  }
  // 0. Cluster rows by region: records (key, ts, row, slot hash).
  const R: usize = <usize>1 << rb;
  const rs = bits - rb;
  memory.fill(hist, 0, (R + 1) << 2);
  for (let i: i32 = 0; i < n; i++) {
    const c = hist + ((slotHash(load<u64>(eKey + (<usize>i << 3)), shift) >> rs) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  prefixSums(hist, R);
  for (let i: i32 = 0; i < n; i++) {
    const k = load<u64>(eKey + (<usize>i << 3));
    const h = slotHash(k, shift);
    const c = hist + ((h >> rs) << 2);
    const at = load<u32>(c);
    store<u32>(c, at + 1);
    const q = recs + <usize>at * RECORD;
    store<u64>(q, k);
    store<i64>(q, load<i64>(eTs + (<usize>i << 3)), 8);
    store<i32>(q, i, 24);
    store<u32>(q, <u32>h, 28);
  }
  // 1. Insert keys, count rows per key; each record remembers its slot.
  let distinct: i32 = 0;
  for (let r: i32 = 0; r < n; r++) {
    const q = recs + <usize>r * RECORD;
    const k = load<u64>(q);
    let h = <usize>load<u32>(q, 28);
    while (true) {
      const p = slots + h * SLOT;
      const s = load<i32>(p, 8);
      if (s < 0) {
        if (++distinct > limit) return false;
        store<u64>(p, k);
        store<i32>(p, 0, 8);
        store<i32>(p, 1, 12);
        break;
      }
      if (load<u64>(p) == k) {
        store<i32>(p, load<i32>(p, 12) + 1, 12);
        break;
      }
      h = (h + 1) & mask;
    }
    store<u32>(q, <u32>h, 28);
  }
  // 2. Lay groups out in slot order; `end` becomes the fill cursor.
  let pos: i32 = 0;
  for (let h: usize = 0; h < cap; h++) {
    const p = slots + h * SLOT;
    if (load<i32>(p, 8) < 0) continue;
    const c = load<i32>(p, 12);
    store<i32>(p, pos, 8);
    store<i32>(p, pos, 12);
    pos += c;
  }
  // 3. Place entity rows into their groups.
  for (let r: i32 = 0; r < n; r++) {
    const rq = recs + <usize>r * RECORD;
    const p = slots + <usize>load<u32>(rq, 28) * SLOT;
    const at = load<i32>(p, 12);
    store<i32>(p, at + 1, 12);
    store<i64>(ts + (<usize>at << 3), load<i64>(rq, 8));
    const b = best + <usize>at * BEST;
    store<i64>(b, MIN);
    store<i64>(b, MIN, 8);
    store<i32>(b, -1, 16);
    store<i32>(b, load<i32>(rq, 24), 20);
  }
  // 4. Sort each group by ts.
  for (let h: usize = 0; h < cap; h++) {
    const p = slots + h * SLOT;
    const s = load<i32>(p, 8);
    if (s < 0) continue;
    const e = load<i32>(p, 12);
    if (e - s > 1) sortGroup(ts, best, s, e);
  }
  // The histogram is the clustered probe's from here on.
  memory.fill(hist, 0, (R + 1) << 2);
  return true;
}

/** Turn the first R counters of hist into start offsets; returns the total. */
function prefixSums(hist: usize, R: usize): u32 {
  let sum: u32 = 0;
  for (let r: usize = 0; r < R; r++) {
    const c = load<u32>(hist + (r << 2));
    store<u32>(hist + (r << 2), sum);
    sum += c;
  }
  return sum;
}

/** Offer feature row idx (event ev, created cr, availability a) to the group of slot h, if its key is k. */
// @ts-ignore: decorator
@inline function offer(slots: usize, ts: usize, best: usize, mask: usize, h: usize, k: u64, a: i64, ev: i64, cr: i64, idx: i32): void {
  let s: i32 = -1, e: i32 = 0;
  while (true) {
    const p = slots + h * SLOT;
    s = load<i32>(p, 8);
    if (s < 0) return;
    if (load<u64>(p) == k) {
      e = load<i32>(p, 12);
      break;
    }
    h = (h + 1) & mask;
  }
  // First entity row of the group with ts >= a.
  let lo = s, hi = e;
  if (hi - lo > SMALL_GROUP) {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (load<i64>(ts + (<usize>mid << 3)) < a) lo = mid + 1;
      else hi = mid;
    }
  } else {
    while (lo < hi && load<i64>(ts + (<usize>lo << 3)) < a) lo++;
  }
  if (lo == e) return;
  const q = best + <usize>lo * BEST;
  const bEv = load<i64>(q);
  if (ev > bEv || (ev == bEv && cr >= load<i64>(q, 8))) {
    store<i64>(q, ev);
    store<i64>(q, cr, 8);
    store<i32>(q, idx, 16);
  }
}

/** Region bits the build chose (0: the table is small; probe directly). */
export function pit_join_region_bits(work: usize): i32 {
  return <i32>load<u32>(work, 12);
}

/**
 * Offer m feature rows (key, event ts, created ts) directly to the join
 * state. Row j is reported as index base + j; call with increasing base so
 * that later rows win full ties. flags: FLAG_FILTER_CREATED, FLAG_RAW_KEYS.
 * Only rows of partition `part` (top pbits bits of the key hash) count.
 */
export function pit_join_probe(work: usize, fKey: usize, fEv: usize, fCr: usize, m: i32, base: i32, flags: i32, pbits: i32, part: i32): i32 {
  if (m < 0 || base < 0 || pbits < 0 || pbits > 16) return ERR_BAD_ARGUMENT;
  const cap = <usize>load<u32>(work);
  const shift = <u64>(64 - load<u32>(work, 4));
  if (load<i32>(work, 8) == 0) return OK;
  const mask = cap - 1;
  const slots = work + HEADER;
  const ts = tsArr(work);
  const best = bestArr(work);
  const filter = (flags & FLAG_FILTER_CREATED) != 0;
  const raw = (flags & FLAG_RAW_KEYS) != 0;
  const ps = <u64>(64 - pbits);
  const want = <u64>part;
  for (let j: i32 = 0; j < m; j++) {
    const ev = load<i64>(fEv + (<usize>j << 3));
    const cr = load<i64>(fCr + (<usize>j << 3));
    let a = ev;
    if (filter) {
      if (cr == MIN) continue;
      if (cr > a) a = cr;
    }
    let k = load<u64>(fKey + (<usize>j << 3));
    if (raw) k = mix64(k);
    if (pbits > 0 && (k >> ps) != want) continue;
    offer(slots, ts, best, mask, slotHash(k, shift), k, a, ev, cr, base + j);
  }
  return OK;
}

/**
 * Clustered probe, step 1: count the rows of a chunk per table region (same
 * row selection as pit_join_probe; fCr is read only with FLAG_FILTER_CREATED).
 * Counts accumulate over the chunks of one round.
 */
export function pit_join_count(work: usize, fKey: usize, fCr: usize, m: i32, flags: i32, pbits: i32, part: i32): i32 {
  if (m < 0 || pbits < 0 || pbits > 16) return ERR_BAD_ARGUMENT;
  const shift = <u64>(64 - load<u32>(work, 4));
  const rs = <usize>(load<u32>(work, 4) - load<u32>(work, 12));
  const hist = histArr(work);
  const filter = (flags & FLAG_FILTER_CREATED) != 0;
  const raw = (flags & FLAG_RAW_KEYS) != 0;
  const ps = <u64>(64 - pbits);
  const want = <u64>part;
  for (let j: i32 = 0; j < m; j++) {
    if (filter && load<i64>(fCr + (<usize>j << 3)) == MIN) continue;
    let k = load<u64>(fKey + (<usize>j << 3));
    if (raw) k = mix64(k);
    if (pbits > 0 && (k >> ps) != want) continue;
    const c = hist + ((slotHash(k, shift) >> rs) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  return OK;
}

/**
 * Clustered probe, step 2: turn the counts into region offsets; writes the
 * round's row count to totalOut (i32). It must fit the scratch the host
 * allocated (32 bytes per row).
 */
export function pit_join_round(work: usize, totalOut: usize): i32 {
  store<u32>(totalOut, prefixSums(histArr(work), <usize>1 << load<u32>(work, 12)));
  return OK;
}

/** Clustered probe, step 3: copy the chunk's selected rows into scratch, grouped by region. */
export function pit_join_scatter(work: usize, fKey: usize, fEv: usize, fCr: usize, m: i32, base: i32, flags: i32, pbits: i32, part: i32, scratch: usize): i32 {
  if (m < 0 || base < 0 || pbits < 0 || pbits > 16) return ERR_BAD_ARGUMENT;
  const shift = <u64>(64 - load<u32>(work, 4));
  const rs = <usize>(load<u32>(work, 4) - load<u32>(work, 12));
  const hist = histArr(work);
  const filter = (flags & FLAG_FILTER_CREATED) != 0;
  const raw = (flags & FLAG_RAW_KEYS) != 0;
  const ps = <u64>(64 - pbits);
  const want = <u64>part;
  for (let j: i32 = 0; j < m; j++) {
    const cr = load<i64>(fCr + (<usize>j << 3));
    if (filter && cr == MIN) continue;
    let k = load<u64>(fKey + (<usize>j << 3));
    if (raw) k = mix64(k);
    if (pbits > 0 && (k >> ps) != want) continue;
    const h = slotHash(k, shift);
    const c = hist + ((h >> rs) << 2);
    const at = load<u32>(c);
    store<u32>(c, at + 1);
    const q = scratch + (<usize>at << 5);
    store<u64>(q, k);
    store<i64>(q, load<i64>(fEv + (<usize>j << 3)), 8);
    store<i64>(q, cr, 16);
    store<i32>(q, base + j, 24);
    store<u32>(q, <u32>h, 28);
  }
  return OK;
}

/** Clustered probe, step 4: offer the round's total rows region by region; clears the counts. */
export function pit_join_offer(work: usize, scratch: usize, total: i32, flags: i32): i32 {
  if (total < 0) return ERR_BAD_ARGUMENT;
  const mask = <usize>load<u32>(work) - 1;
  const slots = work + HEADER;
  const ts = tsArr(work);
  const best = bestArr(work);
  const filter = (flags & FLAG_FILTER_CREATED) != 0;
  for (let i: i32 = 0; i < total; i++) {
    const q = scratch + (<usize>i << 5);
    const ev = load<i64>(q, 8);
    const cr = load<i64>(q, 16);
    let a = ev;
    if (filter && cr > a) a = cr;
    offer(slots, ts, best, mask, <usize>load<u32>(q, 28), load<u64>(q), a, ev, cr, load<i32>(q, 24));
  }
  memory.fill(histArr(work), 0, ((<usize>1 << load<u32>(work, 12)) + 1) << 2);
  return OK;
}

/**
 * Resolve every entity row: out[i] (n i32, the partition's entity row order)
 * is the chosen feature index or -1. ttl 0 = unbounded; otherwise
 * event >= t - ttl.
 */
export function pit_join_finish(work: usize, ttl: i64, out: usize): i32 {
  if (ttl < 0) return ERR_BAD_ARGUMENT;
  const cap = <usize>load<u32>(work);
  const slots = work + HEADER;
  const ts = tsArr(work);
  const best = bestArr(work);
  for (let h: usize = 0; h < cap; h++) {
    const p = slots + h * SLOT;
    const s = load<i32>(p, 8);
    if (s < 0) continue;
    const e = load<i32>(p, 12);
    let rEv: i64 = MIN, rCr: i64 = MIN, rIdx: i32 = -1;
    for (let i = s; i < e; i++) {
      const q = best + <usize>i * BEST;
      const idx = load<i32>(q, 16);
      if (idx >= 0) {
        const ev = load<i64>(q);
        const cr = load<i64>(q, 8);
        if (rIdx < 0 || ev > rEv || (ev == rEv && (cr > rCr || (cr == rCr && idx > rIdx)))) {
          rEv = ev; rCr = cr; rIdx = idx;
        }
      }
      let pick = rIdx;
      // The winner has event <= t, so t - event is exact as u64.
      if (pick >= 0 && ttl > 0 && <u64>(load<i64>(ts + (<usize>i << 3)) - rEv) > <u64>ttl) pick = -1;
      store<i32>(out + (<usize>load<i32>(q, 20) << 2), pick);
    }
  }
  return OK;
}

/** Bytes of the work area for latest-per-key over at most n rows of one partition (f64: may exceed 2^31). */
export function pit_latest_work_bytes(n: i32): f64 {
  if (n < 0) return 0;
  return 16 + <f64>capacityFor(<f64>n) * 32 + <f64>n * 24;
}

/** Prepare the latest-per-key table in work for at most n rows. */
export function pit_latest_init(work: usize, n: i32): i32 {
  if (n < 0) return ERR_BAD_ARGUMENT;
  const cap = capacityFor(<f64>n);
  store<u32>(work, <u32>cap);
  store<u32>(work, ctz<usize>(cap), 4);
  store<i32>(work, n, 8);
  store<i32>(work, 0, 12); // distinct keys so far
  const slots = work + 16; // key u64, ev i64, cr i64, idx i32 (-1 = empty), pad
  for (let h: usize = 0; h < cap; h++) store<i32>(slots + (h << 5), -1, 24);
  return OK;
}

/**
 * Offer m rows (key, event ts, created ts) with start <= event ts <= end and
 * in partition `part` (top pbits bits of the key hash) to the latest-per-key
 * table; row j is reported as base + j (call with increasing base: the later
 * row wins full ties). flags: FLAG_RAW_KEYS.
 */
export function pit_latest_probe(work: usize, key: usize, ev: usize, cr: usize, m: i32, base: i32, start: i64, end: i64, flags: i32, pbits: i32, part: i32): i32 {
  if (m < 0 || base < 0 || pbits < 0 || pbits > 16) return ERR_BAD_ARGUMENT;
  const cap = <usize>load<u32>(work);
  const shift = <u64>(64 - load<u32>(work, 4));
  const limit = load<i32>(work, 8);
  let count = load<i32>(work, 12);
  const mask = cap - 1;
  const slots = work + 16;
  const raw = (flags & FLAG_RAW_KEYS) != 0;
  const ps = <u64>(64 - pbits);
  const want = <u64>part;
  for (let i: i32 = 0; i < m; i++) {
    const e = load<i64>(ev + (<usize>i << 3));
    if (e < start || e > end) continue;
    let k = load<u64>(key + (<usize>i << 3));
    if (raw) k = mix64(k);
    if (pbits > 0 && (k >> ps) != want) continue;
    const c = load<i64>(cr + (<usize>i << 3));
    let h = slotHash(k, shift);
    while (true) {
      const p = slots + (h << 5);
      const idx = load<i32>(p, 24);
      if (idx < 0) {
        if (count >= limit) return ERR_OUT_OF_RANGE; // more distinct keys than init allowed for
        store<u64>(p, k);
        store<i64>(p, e, 8);
        store<i64>(p, c, 16);
        store<i32>(p, base + i, 24);
        count++;
        break;
      }
      if (load<u64>(p) == k) {
        const be = load<i64>(p, 8);
        if (e > be || (e == be && c >= load<i64>(p, 16))) {
          store<i64>(p, e, 8);
          store<i64>(p, c, 16);
          store<i32>(p, base + i, 24);
        }
        break;
      }
      h = (h + 1) & mask;
    }
  }
  store<i32>(work, count, 12);
  return OK;
}

/**
 * Write the chosen row of every key to out (i32, one per distinct key) in
 * ascending key-hash order, and their count to countOut (i32).
 */
export function pit_latest_finish(work: usize, out: usize, countOut: usize): i32 {
  const cap = <usize>load<u32>(work);
  const n = load<i32>(work, 8);
  const count = load<i32>(work, 12);
  const slots = work + 16;
  const keys = slots + (cap << 5);
  const vals = keys + (<usize>n << 3);
  const tmpK = vals + (<usize>n << 2);
  const tmpV = tmpK + (<usize>n << 3);
  let w: usize = 0;
  for (let h: usize = 0; h < cap; h++) {
    const p = slots + (h << 5);
    const idx = load<i32>(p, 24);
    if (idx < 0) continue;
    store<u64>(keys + (w << 3), load<u64>(p));
    store<i32>(vals + (w << 2), idx);
    w++;
  }
  sort_pairs_u64(keys, vals, count, tmpK, tmpV);
  memory.copy(out, vals, <usize>count << 2);
  store<i32>(countOut, count);
  return OK;
}

/**
 * Replace n u64 values in place by a bijective 64-bit mix (the splitmix64
 * finalizer). For callers whose key column is a raw int64 join key rather than
 * a hash: equal keys stay equal, distinct keys stay distinct, and the high
 * bits become uniform, as partitioning by high bits assumes.
 */
export function pit_mix64(ptr: usize, n: i32): i32 {
  if (n < 0) return ERR_BAD_ARGUMENT;
  for (let i: i32 = 0; i < n; i++) {
    const p = ptr + (<usize>i << 3);
    store<u64>(p, mix64(load<u64>(p)));
  }
  return OK;
}
