// Point-in-time (as-of) join and latest-per-key, over one partition of rows.
// Semantics: /work/shared/docs/domain.md "Point-in-time join" and
// "Materialization". Keys are u64 key hashes (equal hash = same entity);
// timestamps are i64 epoch microseconds; a null created timestamp is i64 MIN.
//
// Join, in three calls so feature rows can stream through in chunks:
//   pit_join_build   entity rows -> hash table of keys, each key's entity rows
//                    sorted by ts (the "group"), and one best-so-far slot per row
//   pit_join_probe   each feature row is a candidate for the entity rows of its
//                    key whose ts >= a (a = event ts, or max(event, created) with
//                    filterByCreated); it is offered to the first such row only
//   pit_join_finish  a running maximum along each group gives every entity row
//                    the best candidate offered at or before it; the ttl bound
//                    is checked on that winner (event >= t - ttl)
// Order of candidates: event ts, then created ts (signed, so null is lowest),
// then the later feature row (greater index). Features are never sorted.
import { OK, ERR_BAD_ARGUMENT, ERR_OUT_OF_RANGE } from "./status";
import { sort_pairs_u64 } from "./sort";

const MIN: i64 = i64.MIN_VALUE;
const GOLDEN: u64 = 0x9e3779b97f4a7c15;
const HEADER: usize = 16;
const SLOT: usize = 16; // key u64, start i32 (-1 = empty), end i32
const ENTRY: usize = 32; // ts i64, bestEv i64, bestCr i64, bestIdx i32, entity row i32
const SMALL_GROUP: i32 = 16;
const REGION_BYTES: f64 = 256 * 1024; // table + entries touched by one region of the clustered probe
const MAX_REGION_BITS: u32 = 14;
// Region histogram of the clustered build and probe (up to 2^MAX_REGION_BITS regions).
const REGION_HIST: usize = memory.data((1 << MAX_REGION_BITS) * 4 + 16, 16);
const RECORD: usize = 32; // clustered row: key u64, ts/event i64, created i64, row i32, slot u32

// @ts-ignore: decorator
@inline function capacityFor(n: i32): usize {
  let cap: usize = 16;
  while (cap < (<usize>n << 1)) cap <<= 1;
  return cap;
}

// @ts-ignore: decorator
@inline function slotHash(k: u64, shift: u64): usize {
  return <usize>((k * GOLDEN) >> shift);
}

/** Bytes of the work area pit_join_build needs for n entity rows (f64: may exceed 2^31). */
export function pit_join_work_bytes(n: i32): f64 {
  if (n < 0) return 0;
  const cap = capacityFor(n);
  return <f64>HEADER + <f64>cap * <f64>SLOT + <f64>n * <f64>(ENTRY + RECORD);
}

// Work area: header (cap u32, log2 cap u32, n i32) | slots | entries | slot of each entity row.

/** Sort entries [s, e) by ts in place (ties in any order: equal ts get equal answers). */
function sortGroup(entries: usize, s: i32, e: i32): void {
  if (e - s <= SMALL_GROUP) {
    for (let i = s + 1; i < e; i++) {
      const pi = entries + <usize>i * ENTRY;
      const t = load<i64>(pi);
      const r = load<i32>(pi, 28);
      let j = i - 1;
      while (j >= s) {
        const pj = entries + <usize>j * ENTRY;
        const tj = load<i64>(pj);
        if (tj <= t) break;
        store<i64>(pj, tj, ENTRY);
        store<i32>(pj, load<i32>(pj, 28), ENTRY + 28);
        j--;
      }
      const pd = entries + <usize>(j + 1) * ENTRY;
      store<i64>(pd, t);
      store<i32>(pd, r, 28);
    }
    return;
  }
  // Heapsort: in place, O(g log g) for any group size.
  const g = e - s;
  for (let i = (g >> 1) - 1; i >= 0; i--) siftDown(entries, s, i, g);
  for (let end = g - 1; end > 0; end--) {
    swapEntries(entries, s, s + end);
    siftDown(entries, s, 0, end);
  }
}

function swapEntries(entries: usize, a: i32, b: i32): void {
  const pa = entries + <usize>a * ENTRY;
  const pb = entries + <usize>b * ENTRY;
  const t = load<i64>(pa);
  const r = load<i32>(pa, 28);
  store<i64>(pa, load<i64>(pb));
  store<i32>(pa, load<i32>(pb, 28), 28);
  store<i64>(pb, t);
  store<i32>(pb, r, 28);
}

function siftDown(entries: usize, s: i32, root: i32, n: i32): void {
  let i = root;
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) return;
    if (c + 1 < n && load<i64>(entries + <usize>(s + c + 1) * ENTRY) > load<i64>(entries + <usize>(s + c) * ENTRY)) c++;
    if (load<i64>(entries + <usize>(s + c) * ENTRY) <= load<i64>(entries + <usize>(s + i) * ENTRY)) return;
    swapEntries(entries, s + i, s + c);
    i = c;
  }
}

// @ts-ignore: decorator
@inline function mix64(k: u64): u64 {
  let z = k;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Flags of pit_select and pit_join_probe. */
const FLAG_FILTER_CREATED: i32 = 1; // filterByCreated
const FLAG_RAW_KEYS: i32 = 2; // keys are raw 64-bit values: hash them with mix64 first

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

/**
 * Build the join state for n entity rows (key hash, ts) in `work`
 * (pit_join_work_bytes(n) bytes, 16-aligned). Rows are first clustered by
 * table region so inserts and placements touch one region at a time.
 * regionBits 0 sizes regions automatically (about REGION_BYTES each); n > 0
 * forces 2^n regions (for tests and tuning).
 */
export function pit_join_build(work: usize, eKey: usize, eTs: usize, n: i32, regionBits: i32): i32 {
  if (n < 0 || regionBits < 0) return ERR_BAD_ARGUMENT;
  const cap = capacityFor(n);
  const bits = <u32>ctz<usize>(cap);
  const shift = <u64>(64 - bits);
  const mask = cap - 1;
  // Regions: runs of slots (and of their groups' entries) of about REGION_BYTES.
  let rb: u32 = 0;
  const total = <f64>cap * <f64>SLOT + <f64>n * <f64>ENTRY;
  while (rb < bits && rb < MAX_REGION_BITS && total / <f64>(1 << (rb + 1)) >= REGION_BYTES) rb++;
  if (regionBits > 0) rb = min(<u32>regionBits, min(bits, MAX_REGION_BITS));
  store<u32>(work, <u32>cap);
  store<u32>(work, bits, 4);
  store<i32>(work, n, 8);
  store<u32>(work, rb, 12);
  const slots = work + HEADER;
  const entries = slots + cap * SLOT;
  const recs = entries + <usize>n * ENTRY;
  for (let h: usize = 0; h < cap; h++) {
    const p = slots + h * SLOT;
    store<u64>(p, 0);
    store<i32>(p, -1, 8);
    store<i32>(p, 0, 12);
  }
  // 0. Cluster rows by region: records (key, ts, row, slot hash).
  const R: usize = <usize>1 << rb;
  const rs = bits - rb;
  memory.fill(REGION_HIST, 0, (R + 1) << 2);
  for (let i: i32 = 0; i < n; i++) {
    const c = REGION_HIST + ((slotHash(load<u64>(eKey + (<usize>i << 3)), shift) >> rs) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  prefixSums(R);
  for (let i: i32 = 0; i < n; i++) {
    const k = load<u64>(eKey + (<usize>i << 3));
    const h = slotHash(k, shift);
    const c = REGION_HIST + ((h >> rs) << 2);
    const at = load<u32>(c);
    store<u32>(c, at + 1);
    const q = recs + <usize>at * RECORD;
    store<u64>(q, k);
    store<i64>(q, load<i64>(eTs + (<usize>i << 3)), 8);
    store<i32>(q, i, 24);
    store<u32>(q, <u32>h, 28);
  }
  // 1. Insert keys, count rows per key; each record remembers its slot.
  for (let r: i32 = 0; r < n; r++) {
    const q = recs + <usize>r * RECORD;
    const k = load<u64>(q);
    let h = <usize>load<u32>(q, 28);
    while (true) {
      const p = slots + h * SLOT;
      const s = load<i32>(p, 8);
      if (s < 0) {
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
    const q = entries + <usize>at * ENTRY;
    store<i64>(q, load<i64>(rq, 8));
    store<i64>(q, MIN, 8);
    store<i64>(q, MIN, 16);
    store<i32>(q, -1, 24);
    store<i32>(q, load<i32>(rq, 24), 28);
  }
  // 4. Sort each group by ts.
  for (let h: usize = 0; h < cap; h++) {
    const p = slots + h * SLOT;
    const s = load<i32>(p, 8);
    if (s < 0) continue;
    const e = load<i32>(p, 12);
    if (e - s > 1) sortGroup(entries, s, e);
  }
  return OK;
}

/** Turn the first R counters of REGION_HIST into start offsets; returns the total. */
function prefixSums(R: usize): u32 {
  let sum: u32 = 0;
  for (let r: usize = 0; r < R; r++) {
    const c = load<u32>(REGION_HIST + (r << 2));
    store<u32>(REGION_HIST + (r << 2), sum);
    sum += c;
  }
  return sum;
}

/** Offer feature row idx (event ev, created cr, availability a) to the group of slot h, if its key is k. */
// @ts-ignore: decorator
@inline function offer(slots: usize, entries: usize, mask: usize, h: usize, k: u64, a: i64, ev: i64, cr: i64, idx: i32): void {
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
      if (load<i64>(entries + <usize>mid * ENTRY) < a) lo = mid + 1;
      else hi = mid;
    }
  } else {
    while (lo < hi && load<i64>(entries + <usize>lo * ENTRY) < a) lo++;
  }
  if (lo == e) return;
  const q = entries + <usize>lo * ENTRY;
  const bEv = load<i64>(q, 8);
  if (ev > bEv || (ev == bEv && cr >= load<i64>(q, 16))) {
    store<i64>(q, ev, 8);
    store<i64>(q, cr, 16);
    store<i32>(q, idx, 24);
  }
}


/**
 * Offer m feature rows (key, event ts, created ts) to the join state. Row j
 * is reported as index base + j; call with increasing base so that later rows
 * win full ties. flags: FLAG_FILTER_CREATED, FLAG_RAW_KEYS. Only rows of
 * partition `part` (top pbits bits of the key hash) are considered. With
 * scratch != 0 (32 * m bytes), rows are first clustered by table region so
 * the probes of one region run together while it is in cache.
 */
export function pit_join_probe(work: usize, fKey: usize, fEv: usize, fCr: usize, m: i32, base: i32, flags: i32, pbits: i32, part: i32, scratch: usize): i32 {
  if (m < 0 || base < 0 || pbits < 0 || pbits > 16) return ERR_BAD_ARGUMENT;
  const cap = <usize>load<u32>(work);
  const bits = load<u32>(work, 4);
  const shift = <u64>(64 - bits);
  const n = load<i32>(work, 8);
  const rb = load<u32>(work, 12);
  if (n == 0) return OK;
  const mask = cap - 1;
  const slots = work + HEADER;
  const entries = slots + cap * SLOT;
  const filter = (flags & FLAG_FILTER_CREATED) != 0;
  const raw = (flags & FLAG_RAW_KEYS) != 0;
  const ps = <u64>(64 - pbits);
  const want = <u64>part;
  if (scratch == 0 || rb == 0) {
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
      offer(slots, entries, mask, slotHash(k, shift), k, a, ev, cr, base + j);
    }
    return OK;
  }
  // Clustered: histogram of regions, scatter (key, ev, cr, idx, slot) records, probe region by region.
  const R: usize = <usize>1 << rb;
  const rs = bits - rb;
  memory.fill(REGION_HIST, 0, (R + 1) << 2);
  for (let j: i32 = 0; j < m; j++) {
    if (filter && load<i64>(fCr + (<usize>j << 3)) == MIN) continue;
    let k = load<u64>(fKey + (<usize>j << 3));
    if (raw) k = mix64(k);
    if (pbits > 0 && (k >> ps) != want) continue;
    const c = REGION_HIST + ((slotHash(k, shift) >> rs) << 2);
    store<u32>(c, load<u32>(c) + 1);
  }
  const total = prefixSums(R);
  for (let j: i32 = 0; j < m; j++) {
    const cr = load<i64>(fCr + (<usize>j << 3));
    if (filter && cr == MIN) continue;
    let k = load<u64>(fKey + (<usize>j << 3));
    if (raw) k = mix64(k);
    if (pbits > 0 && (k >> ps) != want) continue;
    const h = slotHash(k, shift);
    const c = REGION_HIST + ((h >> rs) << 2);
    const at = load<u32>(c);
    store<u32>(c, at + 1);
    const q = scratch + (<usize>at << 5);
    store<u64>(q, k);
    store<i64>(q, load<i64>(fEv + (<usize>j << 3)), 8);
    store<i64>(q, cr, 16);
    store<i32>(q, base + j, 24);
    store<u32>(q, <u32>h, 28);
  }
  for (let i: u32 = 0; i < total; i++) {
    const q = scratch + (<usize>i << 5);
    const ev = load<i64>(q, 8);
    const cr = load<i64>(q, 16);
    let a = ev;
    if (filter && cr > a) a = cr;
    offer(slots, entries, mask, <usize>load<u32>(q, 28), load<u64>(q), a, ev, cr, load<i32>(q, 24));
  }
  return OK;
}

/**
 * Resolve every entity row: out[i] (n i32, entity row order) is the chosen
 * feature index or -1. ttl 0 = unbounded; otherwise event >= t - ttl.
 */
export function pit_join_finish(work: usize, ttl: i64, out: usize): i32 {
  if (ttl < 0) return ERR_BAD_ARGUMENT;
  const cap = <usize>load<u32>(work);
  const slots = work + HEADER;
  const entries = slots + cap * SLOT;
  for (let h: usize = 0; h < cap; h++) {
    const p = slots + h * SLOT;
    const s = load<i32>(p, 8);
    if (s < 0) continue;
    const e = load<i32>(p, 12);
    let rEv: i64 = MIN, rCr: i64 = MIN, rIdx: i32 = -1;
    for (let i = s; i < e; i++) {
      const q = entries + <usize>i * ENTRY;
      const idx = load<i32>(q, 24);
      if (idx >= 0) {
        const ev = load<i64>(q, 8);
        const cr = load<i64>(q, 16);
        if (rIdx < 0 || ev > rEv || (ev == rEv && (cr > rCr || (cr == rCr && idx > rIdx)))) {
          rEv = ev; rCr = cr; rIdx = idx;
        }
      }
      let pick = rIdx;
      // The winner has event <= t, so t - event is exact as u64.
      if (pick >= 0 && ttl > 0 && <u64>(load<i64>(q) - rEv) > <u64>ttl) pick = -1;
      store<i32>(out + (<usize>load<i32>(q, 28) << 2), pick);
    }
  }
  return OK;
}

/** Bytes of the work area for latest-per-key over at most n rows of one partition (f64: may exceed 2^31). */
export function pit_latest_work_bytes(n: i32): f64 {
  if (n < 0) return 0;
  return 16 + <f64>capacityFor(n) * 32 + <f64>n * 24;
}

/** Prepare the latest-per-key table in work for at most n rows. */
export function pit_latest_init(work: usize, n: i32): i32 {
  if (n < 0) return ERR_BAD_ARGUMENT;
  const cap = capacityFor(n);
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
