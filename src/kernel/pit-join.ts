import { err, ok, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';
import { Status } from './status.ts';
import { partitionBits, words } from './partition.ts';

/** A null created timestamp: i64 MIN, lower than every real timestamp. */
export const NULL_TS = -9223372036854775808n;

/** Entity rows of a point-in-time join: key hash and timestamp (epoch µs) per row. */
export interface EntityRows {
  readonly keys: BigUint64Array;
  readonly ts: BigInt64Array;
}

/** Feature (source) rows: key hash, event and created timestamps (epoch µs; created may be NULL_TS). */
export interface FeatureRows {
  readonly keys: BigUint64Array;
  readonly eventTs: BigInt64Array;
  readonly createdTs: BigInt64Array;
}

export interface PitJoinOptions {
  /** Microseconds; 0n = unbounded. A candidate needs event_ts >= t - ttl (inclusive). */
  readonly ttl: bigint;
  /** Also require created_ts <= t; rows with a null created timestamp are then never candidates. */
  readonly filterByCreated?: boolean;
}

export interface PartitionOptions {
  /** Number of partitions (rounded up to a power of two, at most 65,536). Default: chosen from the sizes. */
  readonly partitions?: number;
  /** Feature rows copied into kernel memory per call (default 1 Mi; small values are for tests). */
  readonly chunkRows?: number;
  /**
   * The key columns hold raw 64-bit join-key values (e.g. int64 entity ids),
   * not hashes: the kernel hashes them with a bijective mix (see mixKeys), so
   * equality is exact. Default false.
   */
  readonly rawKeys?: boolean;
  /** Tuning and tests: feature rows clustered per round (default 8 Mi: 256 MiB of scratch). */
  readonly roundRows?: number;
  /** Tuning and tests: cluster the join's hash table into 2^regionBits regions (default: about 32 KiB each). */
  readonly regionBits?: number;
}

export interface PitJoinOutput {
  /** Write the answers here (length = entity rows) instead of a new array, e.g. to reuse memory across calls. */
  readonly into?: Int32Array;
  /**
   * Join only the partitions p with p % count === index (their rows of `into` are written, the
   * others left alone): several threads, each with its own kernel, share one join over shared
   * memory. Default: every partition.
   */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** Kernel memory one partition may take; the arena never grows beyond the largest partition. */
const ARENA_BUDGET = 2048 * 2 ** 20;
/**
 * Kernel memory per entity row of a partition: staging (key, ts, row: 20),
 * group ts and best cell (32), build record (32, reused by the probe),
 * result (4), and the hash table (2-4 slots of 16 bytes per distinct key;
 * counted as if every row had its own key).
 */
const BYTES_PER_ENTITY = 152;
/** The kernel's largest single allocation is just under 1 GiB; the work area must fit in one. */
const WORK_BYTES_PER_ENTITY = 96;
const MAX_ALLOC = 2 ** 30 - 2 ** 20;
/** Feature rows copied in per call (24 MiB). */
const CHUNK = 1 << 20;
/** Feature rows clustered per round of the clustered probe (32 bytes each: 256 MiB). */
const ROUND_ROWS = 1 << 23;
/** Entity rows copied in per selection call. */
const ENTITY_CHUNK = 1 << 20;

const MAX_ROWS = 2 ** 31 - 1;

/**
 * Partition count for a join of n entity rows with m feature rows: the
 * smallest power of two for which one partition's kernel memory (about 152
 * bytes per entity row, plus the feature chunk and the round's scratch) stays
 * within a 2 GiB arena (with up to a 256 MiB round of feature rows). Inside a partition the kernel clusters feature rows
 * by hash-table region, so partitions only bound memory; each extra partition
 * streams the feature rows once more.
 */
export function choosePitPartitions(n: number, m: number): number {
  const fixed = Math.min(m, CHUNK) * 24 + Math.max(0, Math.min(m, ROUND_ROWS) - n) * 32;
  const perPartition = Math.max(1, ARENA_BUDGET - fixed);
  const forArena = Math.ceil((n * BYTES_PER_ENTITY) / perPartition);
  const forAlloc = Math.ceil((n * WORK_BYTES_PER_ENTITY) / MAX_ALLOC);
  return 1 << partitionBits(Math.max(forArena, forAlloc));
}

/** Rows per latest-per-key chunk. */
function chooseChunk(np: number, m: number): number {
  return Math.max(1, Math.min(m, Math.max(1 << 16, Math.min(1 << 22, 4 * np))));
}

type Fn<A extends unknown[]> = (...args: A) => number;

function checkLengths(entities: EntityRows, features: FeatureRows): string | null {
  if (entities.keys.length !== entities.ts.length) return 'entity keys and ts differ in length';
  const m = features.keys.length;
  if (features.eventTs.length !== m || features.createdTs.length !== m) return 'feature columns differ in length';
  if (entities.keys.length > MAX_ROWS || m > MAX_ROWS) return 'too many rows';
  return null;
}

/** Copy rows [at, at + len) of a 64-bit column (as u32 words) to kernel address ptr. */
function copyRows(k: KernelInstance, ptr: number, src: Uint32Array, at: number, len: number): void {
  k.u32(ptr, 2 * len).set(src.subarray(2 * at, 2 * (at + len)));
}

/** Entity rows per partition, counted in the kernel chunk by chunk. */
function partitionCounts(k: KernelInstance, keys: Uint32Array, n: number, bits: number, flags: number): Result<Int32Array> {
  if (bits === 0) return ok(Int32Array.of(n));
  return k.scoped('pit_partition_counts', () => {
    const parts = 1 << bits;
    const counts = k.alloc(4 * parts);
    k.i32(counts, parts).fill(0);
    const chunk = Math.min(ENTITY_CHUNK, Math.max(1, n));
    const buf = k.alloc(8 * chunk);
    const count = k.fn<Fn<[number, number, number, number, number]>>('pit_partition_counts');
    for (let at = 0; at < n; at += chunk) {
      const len = Math.min(chunk, n - at);
      copyRows(k, buf, keys, at, len);
      const r = k.check('pit_partition_counts', count(buf, len, bits, flags, counts));
      if (!r.ok) return r;
    }
    return ok(k.i32(counts, parts).slice());
  });
}

/**
 * Point-in-time join. For every entity row, the index (into the feature
 * columns) of the chosen feature row, or -1 when there is no candidate:
 * same key, event_ts <= t, event_ts >= t - ttl when ttl > 0, and with
 * filterByCreated also created_ts <= t (null created never qualifies).
 * Greatest event_ts wins, then greatest created_ts (null lowest), then the
 * LATER feature row in the caller's order. Results are in entity row order,
 * one per row (duplicate entity rows each get their answer). Inputs need not
 * be sorted.
 *
 * Partitioned driver: rows are split by the top bits of the key hash into P
 * partitions (choosePitPartitions). For each partition the arena is reset,
 * the partition's entity rows are selected from entity chunks into the
 * kernel, the join state is built, every feature chunk streams through the
 * kernel (which keeps only the partition's rows), and the partition's answers
 * are mapped back to the caller's entity rows. Kernel memory is bounded by
 * one partition, whatever the input size; host memory is the result only.
 * Within a partition, when the hash table outgrows the cache, feature rows
 * are clustered by table region in rounds (see clusteredProbe).
 */
export function pitJoin(
  k: KernelInstance,
  entities: EntityRows,
  features: FeatureRows,
  options: PitJoinOptions & PartitionOptions & PitJoinOutput,
): Result<Int32Array> {
  const bad = checkLengths(entities, features);
  if (bad) return err('invalid_argument', `pitJoin: ${bad}`);
  if (options.into && options.into.length !== entities.keys.length) return err('invalid_argument', 'pitJoin: into has the wrong length');
  if (options.ttl < 0n) return err('invalid_argument', 'pitJoin: ttl must be >= 0');
  const n = entities.keys.length;
  const m = features.keys.length;
  const bits = partitionBits(options.partitions ?? choosePitPartitions(n, m));
  const flags = (options.filterByCreated ? 1 : 0) | (options.rawKeys ? 2 : 0);
  const cols = {
    eKey: words(entities.keys),
    eTs: words(entities.ts),
    fKey: words(features.keys),
    fEv: words(features.eventTs),
    fCr: words(features.createdTs),
  };
  const counts = partitionCounts(k, cols.eKey, n, bits, flags);
  if (!counts.ok) return counts;
  const result = options.into ?? new Int32Array(n);
  const shard = options.shard ?? { index: 0, count: 1 };
  for (let p = 0; p < 1 << bits; p++) {
    const np = counts.value[p];
    if (np === 0 || p % shard.count !== shard.index) continue;
    const chunk = Math.max(1, Math.floor(options.chunkRows ?? Math.min(m, CHUNK)));
    const roundRows = Math.max(1, Math.floor(options.roundRows ?? ROUND_ROWS));
    const r = k.scoped('pit_join', () => joinPartition(k, cols, n, m, np, bits, p, flags, options.ttl, chunk, options.regionBits ?? 0, roundRows, result));
    if (!r.ok) return r;
  }
  return ok(result);
}

interface ChunkBuffers {
  readonly fk: number;
  readonly fe: number;
  readonly fc: number;
  /** Rows per chunk. */
  readonly c: number;
  /** Copy rows [at, at + len) in: keys (and created when filtering), or all three columns. */
  readonly load: (at: number, len: number, all: boolean) => void;
}

/**
 * Clustered probe in rounds: count a run of chunks per table region, then
 * copy their selected rows into scratch grouped by region, then offer them
 * region by region. A round whose rows outgrow the scratch is retried with
 * fewer chunks (skewed keys); one chunk always fits, as the scratch holds one.
 */
function clusteredProbe(
  k: KernelInstance,
  work: number,
  b: ChunkBuffers,
  m: number,
  bits: number,
  p: number,
  flags: number,
  roundRows: number,
  spare: { ptr: number; rows: number },
): Result<void> {
  let scratchRows = Math.max(b.c, Math.min(roundRows, Math.ceil(m / (1 << bits)) + b.c));
  let scratch: number;
  if (scratchRows <= spare.rows) {
    scratch = spare.ptr;
    scratchRows = spare.rows;
  } else {
    scratch = k.alloc(32 * scratchRows);
  }
  const total = k.alloc(4);
  const count = k.fn<Fn<[number, number, number, number, number, number, number]>>('pit_join_count');
  const round = k.fn<Fn<[number, number]>>('pit_join_round');
  const scatter = k.fn<Fn<[number, number, number, number, number, number, number, number, number, number]>>('pit_join_scatter');
  const offer = k.fn<Fn<[number, number, number, number]>>('pit_join_offer');
  // Chunks per round if rows spread evenly over partitions (with a margin when partitioned).
  let per = Math.max(1, Math.floor((scratchRows * (bits === 0 ? 1 : 0.9 * (1 << bits))) / b.c));
  for (let at = 0; at < m; ) {
    const end = Math.min(m, at + per * b.c);
    for (let x = at; x < end; x += b.c) {
      const len = Math.min(b.c, end - x);
      b.load(x, len, false);
      const r = k.check('pit_join_count', count(work, b.fk, b.fc, len, flags, bits, p));
      if (!r.ok) return r;
    }
    round(work, total);
    const rows = k.i32(total, 1)[0];
    if (rows > scratchRows) {
      offer(work, scratch, 0, flags); // clears the counts
      per = Math.max(1, Math.floor(per / 2));
      continue;
    }
    for (let x = at; x < end; x += b.c) {
      const len = Math.min(b.c, end - x);
      b.load(x, len, true);
      const r = k.check('pit_join_scatter', scatter(work, b.fk, b.fe, b.fc, len, x, flags, bits, p, scratch));
      if (!r.ok) return r;
    }
    const r = k.check('pit_join_offer', offer(work, scratch, rows, flags));
    if (!r.ok) return r;
    at = end;
  }
  return ok(undefined);
}

interface JoinColumns {
  readonly eKey: Uint32Array;
  readonly eTs: Uint32Array;
  readonly fKey: Uint32Array;
  readonly fEv: Uint32Array;
  readonly fCr: Uint32Array;
}

function joinPartition(
  k: KernelInstance,
  cols: JoinColumns,
  n: number,
  m: number,
  np: number,
  bits: number,
  p: number,
  flags: number,
  ttl: bigint,
  chunk: number,
  regionBits: number,
  roundRows: number,
  result: Int32Array,
): Result<void> {
  // 1. Select this partition's entity rows (hashing raw keys) into staging arrays.
  const sKey = k.alloc(8 * np);
  const sTs = k.alloc(8 * np);
  const sRow = k.alloc(4 * np);
  const count = k.alloc(4);
  k.i32(count, 1)[0] = 0;
  {
    const ec = Math.min(ENTITY_CHUNK, n);
    const bk = k.alloc(8 * ec);
    const bt = k.alloc(8 * ec);
    const select = k.fn<Fn<[number, number, number, number, number, number, number, number, number, number, number]>>('pit_select');
    for (let at = 0; at < n; at += ec) {
      const len = Math.min(ec, n - at);
      copyRows(k, bk, cols.eKey, at, len);
      copyRows(k, bt, cols.eTs, at, len);
      const r = k.check('pit_select', select(bk, bt, len, at, bits, p, flags, sKey, sTs, sRow, count));
      if (!r.ok) return r;
    }
    if (k.i32(count, 1)[0] !== np) return err('kernel_failed', 'pit_join: partition count changed');
  }
  // 2. Build the join state, its table sized from an estimate of the distinct keys.
  const fn = <A extends unknown[]>(name: string) => k.fn<Fn<A>>(name);
  const recs = k.alloc(32 * np); // build scratch; reused as the probe's when large enough
  let cap = fn<[number, number]>('pit_join_capacity')(np, fn<[number, number]>('pit_join_estimate')(sKey, np));
  let work = k.alloc(fn<[number, number]>('pit_join_work_bytes')(np, cap));
  const build = fn<[number, number, number, number, number, number, number]>('pit_join_build');
  let status = build(work, sKey, sTs, np, cap, recs, regionBits);
  if (status === Status.OUT_OF_RANGE) {
    cap = fn<[number, number]>('pit_join_capacity')(np, np);
    work = k.alloc(fn<[number, number]>('pit_join_work_bytes')(np, cap));
    status = build(work, sKey, sTs, np, cap, recs, regionBits);
  }
  let r = k.check('pit_join_build', status);
  if (!r.ok) return r;
  // 3. Stream every feature chunk through the kernel: directly when the table
  //    is cache-sized, else in rounds clustered by table region.
  if (m > 0) {
    const c = Math.min(chunk, m);
    const fk = k.alloc(8 * c);
    const fe = k.alloc(8 * c);
    const fc = k.alloc(8 * c);
    const filter = (flags & 1) !== 0;
    const load = (at: number, len: number, all: boolean): void => {
      copyRows(k, fk, cols.fKey, at, len);
      if (all || filter) copyRows(k, fc, cols.fCr, at, len);
      if (all) copyRows(k, fe, cols.fEv, at, len);
    };
    if (k.fn<Fn<[number]>>('pit_join_region_bits')(work) === 0) {
      const probe = k.fn<Fn<[number, number, number, number, number, number, number, number, number]>>('pit_join_probe');
      for (let at = 0; at < m; at += c) {
        const len = Math.min(c, m - at);
        load(at, len, true);
        r = k.check('pit_join_probe', probe(work, fk, fe, fc, len, at, flags, bits, p));
        if (!r.ok) return r;
      }
    } else {
      r = clusteredProbe(k, work, { fk, fe, fc, c, load }, m, bits, p, flags, roundRows, { ptr: recs, rows: np });
      if (!r.ok) return r;
    }
  }
  // 4. Resolve, and map the partition's answers back to the caller's rows.
  const out = k.alloc(4 * np);
  r = k.check('pit_join_finish', k.fn<(w: number, ttl: bigint, o: number) => number>('pit_join_finish')(work, ttl, out));
  if (!r.ok) return r;
  const local = k.i32(out, np);
  const rows = k.i32(sRow, np);
  for (let i = 0; i < np; i++) result[rows[i]] = local[i];
  return ok(undefined);
}

/** Inclusive event-time window of a materialization. */
export interface LatestWindow {
  readonly start: bigint;
  readonly end: bigint;
}

/** Partition count for latest-per-key over m rows: about 104 bytes of kernel memory per row of a partition. */
export function chooseLatestPartitions(m: number): number {
  const chunkBytes = chooseChunk(m, m) * 24;
  return 1 << partitionBits(Math.ceil((m * 104) / Math.max(1, ARENA_BUDGET - chunkBytes)));
}

/**
 * Latest row per distinct key among rows with start <= event_ts <= end
 * (inclusive): greatest event_ts, then greatest created_ts (null lowest), then
 * the later row. Returns the chosen row indices in ascending (unsigned) key
 * hash order (with rawKeys: in ascending order of the mixed hash), one per
 * distinct key present in the window. Partitioned like pitJoin: partitions
 * are ranges of the hash's top bits, so concatenating them keeps the order.
 */
export function latestPerKey(k: KernelInstance, rows: FeatureRows, window: LatestWindow, options: PartitionOptions = {}): Result<Int32Array> {
  const m = rows.keys.length;
  if (rows.eventTs.length !== m || rows.createdTs.length !== m) return err('invalid_argument', 'latestPerKey: columns differ in length');
  if (m > MAX_ROWS) return err('invalid_argument', 'latestPerKey: too many rows');
  const bits = partitionBits(options.partitions ?? chooseLatestPartitions(m));
  const flags = options.rawKeys ? 2 : 0;
  const cols = { key: words(rows.keys), ev: words(rows.eventTs), cr: words(rows.createdTs) };
  const counts = partitionCounts(k, cols.key, m, bits, flags);
  if (!counts.ok) return counts;
  const pieces: Int32Array[] = [];
  let total = 0;
  for (let p = 0; p < 1 << bits; p++) {
    const np = counts.value[p];
    if (np === 0) continue;
    const chunk = Math.max(1, Math.floor(options.chunkRows ?? chooseChunk(np, m)));
    const r = k.scoped('pit_latest', () => latestPartition(k, cols, m, np, bits, p, flags, window, chunk));
    if (!r.ok) return r;
    pieces.push(r.value);
    total += r.value.length;
  }
  const result = new Int32Array(total);
  let at = 0;
  for (const piece of pieces) {
    result.set(piece, at);
    at += piece.length;
  }
  return ok(result);
}

function latestPartition(
  k: KernelInstance,
  cols: { key: Uint32Array; ev: Uint32Array; cr: Uint32Array },
  m: number,
  np: number,
  bits: number,
  p: number,
  flags: number,
  window: LatestWindow,
  chunk: number,
): Result<Int32Array> {
  const work = k.alloc(k.fn<Fn<[number]>>('pit_latest_work_bytes')(np));
  let r = k.check('pit_latest_init', k.fn<Fn<[number, number]>>('pit_latest_init')(work, np));
  if (!r.ok) return r;
  const c = Math.min(chunk, m);
  const key = k.alloc(8 * c);
  const ev = k.alloc(8 * c);
  const cr = k.alloc(8 * c);
  const probe = k.fn<(...a: [number, number, number, number, number, number, bigint, bigint, number, number, number]) => number>('pit_latest_probe');
  for (let at = 0; at < m; at += c) {
    const len = Math.min(c, m - at);
    copyRows(k, key, cols.key, at, len);
    copyRows(k, ev, cols.ev, at, len);
    copyRows(k, cr, cols.cr, at, len);
    r = k.check('pit_latest_probe', probe(work, key, ev, cr, len, at, window.start, window.end, flags, bits, p));
    if (!r.ok) return r;
  }
  const out = k.alloc(4 * np);
  const count = k.alloc(4);
  r = k.check('pit_latest_finish', k.fn<Fn<[number, number, number]>>('pit_latest_finish')(work, out, count));
  if (!r.ok) return r;
  return ok(k.i32(out, k.i32(count, 1)[0]).slice());
}

/** Matched (entity row, feature row) pairs in ascending feature row order. */
export interface GatherOrder {
  readonly entityRows: Uint32Array;
  readonly featureRows: Uint32Array;
}

/**
 * The entity rows that found a feature row, with that row, ordered by feature
 * row (stable): gathering feature columns in this order reads each column
 * front to back instead of at random. `chosen` is pitJoin's result.
 */
export function orderByFeatureRow(k: KernelInstance, chosen: Int32Array): Result<GatherOrder> {
  let matched = 0;
  for (let i = 0; i < chosen.length; i++) if (chosen[i] >= 0) matched++;
  return k.scoped('sort_pairs_u64', () => {
    const keys = k.alloc(8 * matched);
    const vals = k.alloc(4 * matched);
    const kw = k.u32(keys, 2 * matched);
    const vw = k.u32(vals, matched);
    let w = 0;
    for (let i = 0; i < chosen.length; i++) {
      const j = chosen[i];
      if (j < 0) continue;
      kw[2 * w] = j;
      kw[2 * w + 1] = 0;
      vw[w++] = i;
    }
    const tk = k.alloc(8 * matched);
    const tv = k.alloc(4 * matched);
    const r = k.check('sort_pairs_u64', k.fn<Fn<[number, number, number, number, number]>>('sort_pairs_u64')(keys, vals, matched, tk, tv));
    if (!r.ok) return r;
    const featureRows = new Uint32Array(matched);
    const sorted = k.u32(keys, 2 * matched);
    for (let x = 0; x < matched; x++) featureRows[x] = sorted[2 * x];
    return ok({ entityRows: k.u32(vals, matched).slice(), featureRows });
  });
}

/**
 * Key hashes for a raw 64-bit join key column: a bijective 64-bit mix, so
 * equal keys stay equal and distinct keys stay distinct while the high bits
 * (which choose the partition) become uniform.
 */
export function mixKeys(k: KernelInstance, keys: BigUint64Array | BigInt64Array): Result<BigUint64Array> {
  const n = keys.length;
  const out = new BigUint64Array(n);
  const src = words(keys);
  const dst = words(out);
  const step = 1 << 20;
  for (let at = 0; at < n; at += step) {
    const len = Math.min(step, n - at);
    const r = k.scoped('pit_mix64', () => {
      const ptr = k.alloc(8 * len);
      copyRows(k, ptr, src, at, len);
      const s = k.check('pit_mix64', k.fn<Fn<[number, number]>>('pit_mix64')(ptr, len));
      if (s.ok) dst.set(k.u32(ptr, 2 * len), 2 * at);
      return s;
    });
    if (!r.ok) return r;
  }
  return ok(out);
}
