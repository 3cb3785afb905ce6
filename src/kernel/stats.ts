// Mergeable column statistics over the stats kernel (assembly/stats.ts).
//
// A column partition becomes an opaque, versioned state (byte 0 = format
// version); states of the same kind merge; a state finalizes into plain
// numbers. States are bytes, so they can be stored and merged later.
import { err, ok, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';
import { statusError } from './status.ts';

/** Format version written in byte 0 of every state. */
export const STATS_STATE_VERSION = 1;
/** DDSketch relative accuracy: a quantile's value is within 1% of the exact one (see finalizeNumeric). */
export const QUANTILE_RELATIVE_ERROR = 0.01;
export const DEFAULT_QUANTILES: readonly number[] = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];
export const DEFAULT_HISTOGRAM_BUCKETS = 10;
export const DEFAULT_HLL_PRECISION = 12;
export const DEFAULT_TOP_CAPACITY = 256;
export const DEFAULT_TOP_VALUES = 20;
/** Top-value samples keep at most this many bytes (cut at a UTF-8 boundary). */
export const TOP_SAMPLE_MAX_BYTES = 128;

/** Relative standard error of the distinct-count estimate for HyperLogLog precision p. */
export const distinctStandardError = (p: number): number => 1.04 / Math.sqrt(2 ** p);

/**
 * Row validity: one byte per row (0 = null), or an Arrow validity bitmap
 * (bit i of byte i >> 3, least significant first, 1 = valid) starting at bit `offset`.
 */
export type StatsValidity = Uint8Array | { readonly bitmap: Uint8Array; readonly offset?: number };

/** A string or bytes column in Arrow layout: value i is data[offsets[i], offsets[i + 1]). */
export interface StatsStringColumn {
  readonly offsets: Int32Array;
  readonly data: Uint8Array;
}

export interface NumericStatsState {
  readonly kind: 'numeric';
  readonly bytes: Uint8Array;
}

export interface StringStatsState {
  readonly kind: 'string';
  readonly bytes: Uint8Array;
}

export interface NumericStatsOptions {
  /**
   * HyperLogLog precision, 4..16 (default 12: 4 KiB, 1.6% standard error; 14: 16 KiB, 0.8%).
   * Below 8 the estimate is coarse and heavy-tailed. States merge only with equal precision.
   */
  readonly hllPrecision?: number;
}

export interface StringStatsOptions extends NumericStatsOptions {
  /** Misra-Gries counters for top values, 1..4096 (default 256). States merge only with equal capacity. */
  readonly topCapacity?: number;
  /** Added to the row index kept for each top value, so rows are global across partitions (default 0). */
  readonly rowOffset?: number;
}

export interface HistogramBucket {
  readonly low: number;
  readonly high: number;
  readonly count: number;
}

export interface Quantile {
  readonly q: number;
  /** null when the column has no non-NaN values. */
  readonly value: number | null;
}

export interface NumericStats {
  /** Rows seen, nulls included. */
  readonly rows: number;
  /** Non-null values (NaN and infinities included). */
  readonly count: number;
  readonly nulls: number;
  /** nulls / rows (0 for no rows). */
  readonly nullRate: number;
  readonly nans: number;
  /** Values equal to 0 (-0 included). */
  readonly zeros: number;
  readonly positiveInfinities: number;
  readonly negativeInfinities: number;
  readonly finiteCount: number;
  /** Over non-NaN values, infinities included; -0 is reported as 0. null when there are none. */
  readonly min: number | null;
  readonly max: number | null;
  /** Over finite values only (population variance); null when there are none. */
  readonly mean: number | null;
  readonly variance: number | null;
  readonly stdDev: number | null;
  /** Element of rank floor(q * (n - 1)) among the n non-NaN values (infinities exact), within 1% relative error. */
  readonly quantiles: readonly Quantile[];
  /** Equal-width buckets over [finite min, finite max]; -Inf / +Inf values get their own [-Inf, -Inf] / [Inf, Inf] buckets. */
  readonly histogram: readonly HistogramBucket[];
  /** Equal-mass buckets between quantiles i/B (TFDV QUANTILES histogram); count = n / B each. */
  readonly quantileHistogram: readonly HistogramBucket[];
  /** Estimated distinct non-NaN values (-0 = 0). */
  readonly distinct: number;
  readonly sketch: {
    readonly quantileRelativeError: number;
    /** Positive values at or below this magnitude may have been collapsed (no accuracy guarantee); 0 when none. */
    readonly positiveFloor: number;
    /** Same for negative values, by magnitude. */
    readonly negativeFloor: number;
    readonly hllPrecision: number;
    readonly distinctStandardError: number;
  };
}

export interface FinalizeNumericOptions {
  readonly quantiles?: readonly number[];
  /** Buckets of both histograms, 1..10000 (default 10). */
  readonly histogramBuckets?: number;
}

export interface TopValue {
  /** UTF-8 decoding of `bytes` (invalid sequences replaced). */
  readonly value: string;
  /** The value, or its first bytes (at most TOP_SAMPLE_MAX_BYTES) when `truncated`. */
  readonly bytes: Uint8Array;
  readonly truncated: boolean;
  /** xxHash64 (seed 0) of the full value. */
  readonly hash: bigint;
  /** Lower bound: the true count is in [count, count + topValuesError]. */
  readonly count: number;
  /** A row holding this value (partition row + rowOffset). */
  readonly row: number;
}

export interface StringStats {
  readonly rows: number;
  readonly count: number;
  readonly nulls: number;
  readonly nullRate: number;
  /** Estimated distinct non-null values. */
  readonly distinct: number;
  /** Byte lengths of non-null values; null when there are none. */
  readonly avgLength: number | null;
  readonly minLength: number | null;
  readonly maxLength: number | null;
  readonly totalLength: number;
  /** By count descending. Every value whose true count exceeds topValuesError is in the full list. */
  readonly topValues: readonly TopValue[];
  /** Bound on how much any count is underestimated; at most (count - sum of counts) / (topCapacity + 1). */
  readonly topValuesError: number;
  readonly topCapacity: number;
  readonly sketch: { readonly hllPrecision: number; readonly distinctStandardError: number };
}

export interface FinalizeStringOptions {
  /** How many top values to return (default 20; at most the state's capacity). */
  readonly topK?: number;
}

// ------------------------------------------------------------------ plumbing

/** Mirrors ERR_CORRUPT_STATE in assembly/stats.ts (not a shared status code). */
const CORRUPT_STATE = 16;

const fail = <T>(kernel: string, status: number): Result<T> =>
  status === CORRUPT_STATE ? err('corrupt_data', `${kernel}: statistics state is corrupt`, { status: 'CORRUPT_STATE' }) : statusError(kernel, status);

type I32Fn = (...args: number[]) => number;

const isInt = (x: number, lo: number, hi: number): boolean => Number.isInteger(x) && x >= lo && x <= hi;

function checkPrecision(p: number): Result<void> {
  return isInt(p, 4, 16) ? ok(undefined) : err('invalid_argument', `stats: hllPrecision must be an integer in 4..16, got ${p}`);
}

interface ValidityArgs {
  readonly kind: number;
  readonly ptr: number;
  readonly offset: number;
}

function copyValidity(k: KernelInstance, n: number, v: StatsValidity | undefined): Result<ValidityArgs> {
  if (v === undefined) return ok({ kind: 0, ptr: 0, offset: 0 });
  if (v instanceof Uint8Array) {
    if (v.length < n) return err('invalid_argument', `stats: validity has ${v.length} bytes for ${n} rows`);
    return ok({ kind: 1, ptr: k.copyIn(v.subarray(0, n)), offset: 0 });
  }
  const offset = v.offset ?? 0;
  if (!isInt(offset, 0, 2 ** 31 - 1)) return err('invalid_argument', `stats: bitmap offset must be a non-negative integer`);
  if (v.bitmap.length * 8 < offset + n) return err('invalid_argument', `stats: validity bitmap is shorter than ${n} rows`);
  const first = offset >>> 3;
  const bytes = v.bitmap.subarray(first, (offset + n + 7) >>> 3);
  return ok({ kind: 2, ptr: k.copyIn(bytes), offset: offset & 7 });
}

function readOut(k: KernelInstance, out: number, lenPtr: number): Uint8Array {
  const len = k.i32(lenPtr, 1)[0];
  return k.u8(out, len).slice();
}

// ------------------------------------------------------------------ numeric

/** Statistics state of one partition of a numeric column (int columns may be passed as float64). */
export function numericStats(
  k: KernelInstance,
  values: Float64Array,
  validity?: StatsValidity,
  options: NumericStatsOptions = {},
): Result<NumericStatsState> {
  const p = options.hllPrecision ?? DEFAULT_HLL_PRECISION;
  const pc = checkPrecision(p);
  if (!pc.ok) return pc;
  return k.scoped('stats_numeric', () => {
    const v = copyValidity(k, values.length, validity);
    if (!v.ok) return v;
    const vp = k.copyIn(values);
    const bound = k.fn<I32Fn>('stats_numeric_bound')();
    const scratch = k.alloc(bound);
    const out = k.alloc(bound);
    const lenPtr = k.alloc(4);
    const { kind, ptr, offset } = v.value;
    const st = k.fn<I32Fn>('stats_numeric')(vp, values.length, kind, ptr, offset, p, scratch, out, bound, lenPtr);
    if (st !== 0) return fail('stats_numeric', st);
    return ok({ kind: 'numeric' as const, bytes: readOut(k, out, lenPtr) });
  });
}

/** Merge two numeric states (same hllPrecision). Counts, min, max and sketches merge exactly. */
export function mergeNumericStats(k: KernelInstance, a: NumericStatsState, b: NumericStatsState): Result<NumericStatsState> {
  return k.scoped('stats_numeric_merge', () => {
    const pa = k.copyIn(a.bytes);
    const pb = k.copyIn(b.bytes);
    const bound = k.fn<I32Fn>('stats_numeric_bound')();
    const scratch = k.alloc(bound);
    const out = k.alloc(bound);
    const lenPtr = k.alloc(4);
    const st = k.fn<I32Fn>('stats_numeric_merge')(pa, a.bytes.length, pb, b.bytes.length, scratch, out, bound, lenPtr);
    if (st !== 0) return fail('stats_numeric_merge', st);
    return ok({ kind: 'numeric' as const, bytes: readOut(k, out, lenPtr) });
  });
}

/** Check stored bytes and wrap them as a numeric state. */
export function numericStatsState(k: KernelInstance, bytes: Uint8Array): Result<NumericStatsState> {
  return k.scoped('stats_numeric_check', () => {
    const st = k.fn<I32Fn>('stats_numeric_check')(k.copyIn(bytes), bytes.length, k.alloc(16));
    if (st !== 0) return fail('stats_numeric_check', st);
    return ok({ kind: 'numeric' as const, bytes: bytes.slice() });
  });
}

interface NumericRaw {
  readonly f: Float64Array; // the 16 header fields
  readonly centroids: Float64Array; // (value, count) pairs, ascending
}

function checkQuantiles(qs: readonly number[]): Result<void> {
  for (const q of qs) if (!(q >= 0 && q <= 1)) return err('invalid_argument', `stats: quantile ${q} is outside [0, 1]`);
  return ok(undefined);
}

/** Finalize a numeric state into plain numbers. */
export function finalizeNumeric(k: KernelInstance, state: NumericStatsState, options: FinalizeNumericOptions = {}): Result<NumericStats> {
  const qs = options.quantiles ?? DEFAULT_QUANTILES;
  const buckets = options.histogramBuckets ?? DEFAULT_HISTOGRAM_BUCKETS;
  const qc = checkQuantiles(qs);
  if (!qc.ok) return qc;
  if (!isInt(buckets, 1, 10_000)) return err('invalid_argument', `stats: histogramBuckets must be an integer in 1..10000`);
  const raw = k.scoped('stats_numeric_finalize', (): Result<NumericRaw> => {
    const s = k.copyIn(state.bytes);
    const bound = k.fn<I32Fn>('stats_numeric_final_bound')();
    const scratch = k.alloc(512);
    const out = k.alloc(bound);
    const st = k.fn<I32Fn>('stats_numeric_finalize')(s, state.bytes.length, scratch, out, bound);
    if (st !== 0) return fail('stats_numeric_finalize', st);
    const f = k.f64(out, 16).slice();
    return ok({ f, centroids: k.f64(out + 128, 2 * f[15]).slice() });
  });
  if (!raw.ok) return raw;
  return ok(numericFromRaw(raw.value, qs, buckets));
}

function numericFromRaw({ f, centroids }: NumericRaw, qs: readonly number[], buckets: number): NumericStats {
  const [rows, nulls, nans, zeros, posInf, negInf, finite, fmin, fmax, mean, m2, distinctEst, p, posFloor, negFloor] = f;
  const ordered = finite + posInf + negInf; // non-NaN values
  const count = rows - nulls;
  const variance = finite > 0 ? m2 / finite : null;
  const quantileAt = (q: number): number | null => (ordered === 0 ? null : valueAtRank(Math.floor(q * (ordered - 1))));
  const valueAtRank = (r: number): number => {
    if (r < negInf) return -Infinity;
    r -= negInf;
    for (let i = 0; i < centroids.length; i += 2) {
      if (r < centroids[i + 1]) return centroids[i];
      r -= centroids[i + 1];
    }
    return Infinity;
  };
  return {
    rows,
    count,
    nulls,
    nullRate: rows === 0 ? 0 : nulls / rows,
    nans,
    zeros,
    positiveInfinities: posInf,
    negativeInfinities: negInf,
    finiteCount: finite,
    min: negInf > 0 ? -Infinity : finite > 0 ? fmin : posInf > 0 ? Infinity : null,
    max: posInf > 0 ? Infinity : finite > 0 ? fmax : negInf > 0 ? -Infinity : null,
    mean: finite > 0 ? mean : null,
    variance,
    stdDev: variance === null ? null : Math.sqrt(variance),
    quantiles: qs.map((q) => ({ q, value: quantileAt(q) })),
    histogram: equalWidthHistogram(centroids, fmin, fmax, finite, negInf, posInf, buckets),
    quantileHistogram: ordered === 0 ? [] : quantileHistogram(quantileAt, ordered, buckets),
    distinct: ordered === 0 ? 0 : Math.min(ordered, Math.max(1, Math.round(distinctEst))),
    sketch: {
      quantileRelativeError: QUANTILE_RELATIVE_ERROR,
      positiveFloor: posFloor,
      negativeFloor: negFloor,
      hllPrecision: p,
      distinctStandardError: distinctStandardError(p),
    },
  };
}

/** B + 1 equal-width edges over [lo, hi] (lo < hi), non-decreasing, first lo and last hi, without overflow. */
function equalWidthEdges(lo: number, hi: number, b: number): number[] {
  const width = hi - lo;
  const edges = Array.from({ length: b + 1 }, (_, j) =>
    Number.isFinite(width) ? lo + width * (j / b) : lo * (1 - j / b) + hi * (j / b),
  );
  edges[0] = lo;
  edges[b] = hi;
  for (let j = 1; j < b; j++) edges[j] = Math.min(hi, Math.max(edges[j - 1], edges[j]));
  return edges;
}

function equalWidthHistogram(
  centroids: Float64Array, lo: number, hi: number, finite: number, negInf: number, posInf: number, b: number,
): HistogramBucket[] {
  const out: HistogramBucket[] = [];
  if (negInf > 0) out.push({ low: -Infinity, high: -Infinity, count: negInf });
  if (finite > 0) {
    if (lo === hi) {
      out.push({ low: lo, high: hi, count: finite });
    } else {
      const edges = equalWidthEdges(lo, hi, b);
      const counts = new Array<number>(b).fill(0);
      for (let i = 0; i < centroids.length; i += 2) {
        // The last bucket j with edges[j] <= v (the final bucket also holds hi).
        const v = centroids[i];
        let l = 0;
        let h = b - 1;
        while (l < h) {
          const mid = (l + h + 1) >>> 1;
          if (edges[mid] <= v) l = mid;
          else h = mid - 1;
        }
        counts[l] += centroids[i + 1];
      }
      for (let j = 0; j < b; j++) out.push({ low: edges[j], high: edges[j + 1], count: counts[j] });
    }
  }
  if (posInf > 0) out.push({ low: Infinity, high: Infinity, count: posInf });
  return out;
}

function quantileHistogram(quantileAt: (q: number) => number | null, n: number, b: number): HistogramBucket[] {
  const edges = Array.from({ length: b + 1 }, (_, j) => quantileAt(j / b) as number);
  return Array.from({ length: b }, (_, j) => ({ low: edges[j], high: edges[j + 1], count: n / b }));
}

// ------------------------------------------------------------------ strings

/** Statistics state of one partition of a string or bytes column. */
export function stringStats(
  k: KernelInstance,
  column: StatsStringColumn,
  validity?: StatsValidity,
  options: StringStatsOptions = {},
): Result<StringStatsState> {
  const p = options.hllPrecision ?? DEFAULT_HLL_PRECISION;
  const cap = options.topCapacity ?? DEFAULT_TOP_CAPACITY;
  const rowOffset = options.rowOffset ?? 0;
  const pc = checkPrecision(p);
  if (!pc.ok) return pc;
  if (!isInt(cap, 1, 4096)) return err('invalid_argument', `stats: topCapacity must be an integer in 1..4096, got ${cap}`);
  if (!isInt(rowOffset, 0, Number.MAX_SAFE_INTEGER)) return err('invalid_argument', 'stats: rowOffset must be a non-negative safe integer');
  const n = column.offsets.length - 1;
  if (n < 0) return err('invalid_argument', 'stats: offsets must hold n + 1 entries');
  return k.scoped('stats_string', () => {
    const v = copyValidity(k, n, validity);
    if (!v.ok) return v;
    const op = k.copyIn(column.offsets);
    const dp = k.copyIn(column.data);
    const scratchBytes = k.fn<I32Fn>('stats_string_scratch_bound')(cap, n);
    const outBytes = k.fn<I32Fn>('stats_string_bound')(p, cap);
    const scratch = k.alloc(scratchBytes);
    const out = k.alloc(outBytes);
    const lenPtr = k.alloc(4);
    const { kind, ptr, offset } = v.value;
    const st = k.fn<I32Fn>('stats_string')(
      op, n, dp, column.data.length, kind, ptr, offset, p, cap, rowOffset, scratch, scratchBytes, out, outBytes, lenPtr,
    );
    if (st !== 0) return fail('stats_string', st);
    return ok({ kind: 'string' as const, bytes: readOut(k, out, lenPtr) });
  });
}

const encoder = new TextEncoder();

/** Convenience: encode JS strings (UTF-8) or byte arrays, null = missing, and compute their state. */
export function stringStatsOf(
  k: KernelInstance,
  values: readonly (string | Uint8Array | null | undefined)[],
  options: StringStatsOptions = {},
): Result<StringStatsState> {
  const parts = values.map((v) => (v == null ? null : typeof v === 'string' ? encoder.encode(v) : v));
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  parts.forEach((b, i) => {
    total += b?.length ?? 0;
    offsets[i + 1] = total;
  });
  if (total > 2 ** 31 - 1) return err('invalid_argument', 'stats: more than 2 GiB of string data in one partition');
  const data = new Uint8Array(total);
  parts.forEach((b, i) => b && data.set(b, offsets[i]));
  const validity = parts.some((b) => b === null) ? Uint8Array.from(parts, (b) => (b === null ? 0 : 1)) : undefined;
  return stringStats(k, { offsets, data }, validity, options);
}

/** Merge two string states (same hllPrecision and topCapacity). */
export function mergeStringStats(k: KernelInstance, a: StringStatsState, b: StringStatsState): Result<StringStatsState> {
  return k.scoped('stats_string_merge', () => {
    const pa = k.copyIn(a.bytes);
    const pb = k.copyIn(b.bytes);
    const total = a.bytes.length + b.bytes.length;
    const scratchBytes = 2 * total + 64;
    const scratch = k.alloc(scratchBytes);
    const out = k.alloc(total);
    const lenPtr = k.alloc(4);
    const st = k.fn<I32Fn>('stats_string_merge')(pa, a.bytes.length, pb, b.bytes.length, scratch, scratchBytes, out, total, lenPtr);
    if (st !== 0) return fail('stats_string_merge', st);
    return ok({ kind: 'string' as const, bytes: readOut(k, out, lenPtr) });
  });
}

/** Check stored bytes and wrap them as a string state. */
export function stringStatsState(k: KernelInstance, bytes: Uint8Array): Result<StringStatsState> {
  return k.scoped('stats_string_check', () => {
    const st = k.fn<I32Fn>('stats_string_check')(k.copyIn(bytes), bytes.length);
    if (st !== 0) return fail('stats_string_check', st);
    return ok({ kind: 'string' as const, bytes: bytes.slice() });
  });
}

const decoder = new TextDecoder('utf-8');

/** Finalize a string state into plain numbers and top values. */
export function finalizeString(k: KernelInstance, state: StringStatsState, options: FinalizeStringOptions = {}): Result<StringStats> {
  const topK = options.topK ?? DEFAULT_TOP_VALUES;
  if (!isInt(topK, 0, 4096)) return err('invalid_argument', 'stats: topK must be an integer in 0..4096');
  return k.scoped('stats_string_finalize', () => {
    const s = k.copyIn(state.bytes);
    const bound = k.fn<I32Fn>('stats_string_final_bound')();
    const scratch = k.alloc(512);
    const out = k.alloc(bound);
    const st = k.fn<I32Fn>('stats_string_finalize')(s, state.bytes.length, scratch, out, bound);
    if (st !== 0) return fail('stats_string_finalize', st);
    const [rows, nulls, totalLength, minLen, maxLen, distinctEst, error, cap, p, entries] = k.f64(out, 16);
    const shown = Math.min(topK, entries);
    const e = k.u64(out + 128, 6 * shown);
    const topValues: TopValue[] = [];
    for (let i = 0; i < shown; i++) {
      const at = Number(e[6 * i + 3]);
      const bytes = state.bytes.slice(at, at + Number(e[6 * i + 4]));
      topValues.push({
        value: decoder.decode(bytes),
        bytes,
        truncated: e[6 * i + 5] !== 0n,
        hash: e[6 * i],
        count: Number(e[6 * i + 1]),
        row: Number(e[6 * i + 2]),
      });
    }
    const count = rows - nulls;
    return ok({
      rows,
      count,
      nulls,
      nullRate: rows === 0 ? 0 : nulls / rows,
      distinct: count === 0 ? 0 : Math.min(count, Math.max(1, Math.round(distinctEst))),
      avgLength: count === 0 ? null : totalLength / count,
      minLength: count === 0 ? null : minLen,
      maxLength: count === 0 ? null : maxLen,
      totalLength,
      topValues,
      topValuesError: error,
      topCapacity: cap,
      sketch: { hllPrecision: p, distinctStandardError: distinctStandardError(p) },
    });
  });
}

/** xxHash64 (seed 0) of `bytes`, as used for top-value hashes and distinct counts of strings. */
export function statsHash(k: KernelInstance, bytes: Uint8Array): Result<bigint> {
  return k.scoped('stats_xxh64', () => {
    const h = k.fn<(p: number, n: number) => bigint>('stats_xxh64')(k.copyIn(bytes), bytes.length);
    return ok(BigInt.asUintN(64, h));
  });
}
