import { err, ok, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';
import { identityRows, partitionBits, partitionRows, singlePartition, words, type Partitioned } from './partition.ts';

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
  /** Number of partitions (rounded up to a power of two, at most 4096). Default: chosen from the sizes. */
  readonly partitions?: number;
  /** Feature rows copied into kernel memory per probe call (default 65,536; small values are for tests). */
  readonly chunkRows?: number;
}

/** Feature rows copied into kernel memory per probe call. */
const CHUNK = 1 << 16;
/** Kernel memory one partition may take (the arena never grows beyond the largest partition). */
const ARENA_BUDGET = 256 * 2 ** 20;
/** Entity rows per partition that keep the join's random accesses mostly in cache. */
const ENTITIES_PER_PARTITION = 1 << 16;
/** Below this many feature rows the split costs more than it saves. */
const MIN_SPLIT_ROWS = 1 << 18;

const MAX_ROWS = 2 ** 31 - 1;

/**
 * Partition count for a join of n entity rows with m feature rows: enough that
 * one partition's kernel memory (about 120 bytes per entity row plus the fixed
 * feature chunk) stays within the arena budget and its hash table stays near
 * cache size; 1 for small inputs.
 */
export function choosePitPartitions(n: number, m: number): number {
  if (n + m < MIN_SPLIT_ROWS) return 1;
  const forMemory = Math.ceil((n * 120) / ARENA_BUDGET);
  const forCache = Math.ceil(n / ENTITIES_PER_PARTITION);
  return 1 << partitionBits(Math.max(1, forMemory, forCache));
}

type Fn<A extends unknown[]> = (...args: A) => number;

function checkLengths(entities: EntityRows, features: FeatureRows): string | null {
  if (entities.keys.length !== entities.ts.length) return 'entity keys and ts differ in length';
  const m = features.keys.length;
  if (features.eventTs.length !== m || features.createdTs.length !== m) return 'feature columns differ in length';
  if (entities.keys.length > MAX_ROWS || m > MAX_ROWS) return 'too many rows';
  return null;
}

/** Copy u32 words [from, from + count) of `src` into a fresh kernel allocation. */
function copyWords(k: KernelInstance, src: Uint32Array, from: number, count: number): number {
  const ptr = k.alloc(count * 4);
  k.u32(ptr, count).set(src.subarray(from, from + count));
  return ptr;
}

/**
 * Point-in-time join. For every entity row, the index (into the feature
 * columns) of the chosen feature row, or -1 when there is no candidate:
 * same key hash, event_ts <= t, event_ts >= t - ttl when ttl > 0, and with
 * filterByCreated also created_ts <= t (null created never qualifies).
 * Greatest event_ts wins, then greatest created_ts (null lowest), then the
 * LATER feature row in the caller's order. Results are in entity row order,
 * one per row (duplicate entity rows each get their answer). Inputs need not
 * be sorted. Runs partition by partition (see choosePitPartitions), resetting
 * the arena between partitions.
 */
export function pitJoin(
  k: KernelInstance,
  entities: EntityRows,
  features: FeatureRows,
  options: PitJoinOptions & PartitionOptions,
): Result<Int32Array> {
  const bad = checkLengths(entities, features);
  if (bad) return err('invalid_argument', `pitJoin: ${bad}`);
  if (options.ttl < 0n) return err('invalid_argument', 'pitJoin: ttl must be >= 0');
  const n = entities.keys.length;
  const m = features.keys.length;
  const bits = partitionBits(options.partitions ?? choosePitPartitions(n, m));
  const eCols = [words(entities.keys), words(entities.ts)];
  const fCols = [words(features.keys), words(features.eventTs), words(features.createdTs)];
  const ents = bits === 0 ? singlePartition(n, eCols) : partitionRows(eCols[0], eCols, bits);
  const feats = bits === 0 ? singlePartition(m, fCols) : partitionRows(fCols[0], fCols, bits);
  const chunkRows = Math.max(1, Math.floor(options.chunkRows ?? CHUNK));
  const result = new Int32Array(n);
  for (let p = 0; p < 1 << bits; p++) {
    const r = k.scoped('pit_join', () => joinPartition(k, ents, feats, p, options, chunkRows, result));
    if (!r.ok) return r;
  }
  return ok(result);
}

function joinPartition(
  k: KernelInstance,
  ents: Partitioned,
  feats: Partitioned,
  p: number,
  options: PitJoinOptions,
  chunkRows: number,
  result: Int32Array,
): Result<void> {
  const e0 = ents.offsets[p];
  const n = ents.offsets[p + 1] - e0;
  const f0 = feats.offsets[p];
  const m = feats.offsets[p + 1] - f0;
  if (n === 0) return ok(undefined);
  const workBytes = k.fn<Fn<[number]>>('pit_join_work_bytes')(n);
  const eKey = copyWords(k, ents.columns[0], 2 * e0, 2 * n);
  const eTs = copyWords(k, ents.columns[1], 2 * e0, 2 * n);
  const work = k.alloc(workBytes);
  const out = k.alloc(4 * n);
  let r = k.check('pit_join_build', k.fn<Fn<[number, number, number, number]>>('pit_join_build')(work, eKey, eTs, n));
  if (!r.ok) return r;
  if (m > 0) {
    const chunk = Math.min(chunkRows, m);
    const fk = k.alloc(8 * chunk);
    const fe = k.alloc(8 * chunk);
    const fc = k.alloc(8 * chunk);
    const probe = k.fn<Fn<[number, number, number, number, number, number, number]>>('pit_join_probe');
    const filter = options.filterByCreated ? 1 : 0;
    const [kw, ew, cw] = feats.columns;
    for (let at = 0; at < m; at += chunk) {
      const len = Math.min(chunk, m - at);
      const w0 = 2 * (f0 + at);
      k.u32(fk, 2 * len).set(kw.subarray(w0, w0 + 2 * len));
      k.u32(fe, 2 * len).set(ew.subarray(w0, w0 + 2 * len));
      k.u32(fc, 2 * len).set(cw.subarray(w0, w0 + 2 * len));
      r = k.check('pit_join_probe', probe(work, fk, fe, fc, len, at, filter));
      if (!r.ok) return r;
    }
  }
  r = k.check('pit_join_finish', k.fn<(w: number, ttl: bigint, o: number) => number>('pit_join_finish')(work, options.ttl, out));
  if (!r.ok) return r;
  const local = k.i32(out, n);
  const eRows = ents.rows;
  const fRows = feats.rows;
  if (eRows === identityRows && fRows === identityRows) {
    result.set(local);
  } else {
    for (let i = 0; i < n; i++) {
      const j = local[i];
      result[eRows[e0 + i]] = j < 0 ? -1 : fRows[f0 + j];
    }
  }
  return ok(undefined);
}

/** Inclusive event-time window of a materialization. */
export interface LatestWindow {
  readonly start: bigint;
  readonly end: bigint;
}

/** Partition count for latest-per-key over m rows (about 100 bytes of kernel memory per row). */
export function chooseLatestPartitions(m: number): number {
  if (m < MIN_SPLIT_ROWS) return 1;
  return 1 << partitionBits(Math.max(Math.ceil((m * 100) / ARENA_BUDGET), Math.ceil(m / (1 << 18))));
}

/**
 * Latest row per distinct key hash among rows with start <= event_ts <= end
 * (inclusive): greatest event_ts, then greatest created_ts (null lowest), then
 * the later row. Returns the chosen row indices in ascending (unsigned) key
 * hash order, one per distinct key present in the window.
 */
export function latestPerKey(k: KernelInstance, rows: FeatureRows, window: LatestWindow, options: PartitionOptions = {}): Result<Int32Array> {
  const m = rows.keys.length;
  if (rows.eventTs.length !== m || rows.createdTs.length !== m) return err('invalid_argument', 'latestPerKey: columns differ in length');
  if (m > MAX_ROWS) return err('invalid_argument', 'latestPerKey: too many rows');
  const bits = partitionBits(options.partitions ?? chooseLatestPartitions(m));
  const cols = [words(rows.keys), words(rows.eventTs), words(rows.createdTs)];
  const parts = bits === 0 ? singlePartition(m, cols) : partitionRows(cols[0], cols, bits);
  const pieces: Int32Array[] = [];
  let total = 0;
  for (let p = 0; p < 1 << bits; p++) {
    const r = k.scoped('pit_latest', () => latestPartition(k, parts, p, window));
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

function latestPartition(k: KernelInstance, parts: Partitioned, p: number, window: LatestWindow): Result<Int32Array> {
  const r0 = parts.offsets[p];
  const m = parts.offsets[p + 1] - r0;
  if (m === 0) return ok(new Int32Array(0));
  const [kw, ew, cw] = parts.columns;
  const key = copyWords(k, kw, 2 * r0, 2 * m);
  const ev = copyWords(k, ew, 2 * r0, 2 * m);
  const cr = copyWords(k, cw, 2 * r0, 2 * m);
  const work = k.alloc(k.fn<Fn<[number]>>('pit_latest_work_bytes')(m));
  const out = k.alloc(4 * m);
  const count = k.alloc(4);
  const latest = k.fn<(w: number, k: number, e: number, c: number, n: number, s: bigint, end: bigint, o: number, cnt: number) => number>('pit_latest');
  const r = k.check('pit_latest', latest(work, key, ev, cr, m, window.start, window.end, out, count));
  if (!r.ok) return r;
  const local = k.i32(out, k.i32(count, 1)[0]).slice();
  if (parts.rows !== identityRows) for (let i = 0; i < local.length; i++) local[i] = parts.rows[r0 + local[i]];
  return ok(local);
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
      const ptr = copyWords(k, src, 2 * at, 2 * len);
      const s = k.check('pit_mix64', k.fn<Fn<[number, number]>>('pit_mix64')(ptr, len));
      if (s.ok) dst.set(k.u32(ptr, 2 * len), 2 * at);
      return s;
    });
    if (!r.ok) return r;
  }
  return ok(out);
}
