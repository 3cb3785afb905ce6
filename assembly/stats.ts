// Mergeable column statistics: one state per column per partition, merged
// across partitions, finalized into plain numbers by the host.
//
// Two kinds of state, each an opaque little-endian blob whose byte 0 is the
// format version (1) and byte 1 the kind (1 numeric, 2 string):
//
// Numeric state v1 (kind 1):
//   0 u8 version   1 u8 kind   2 u8 hll precision p (4..16)   3 u8 0
//   4 u32 byte length of the whole blob
//   8 u64 rows   16 u64 nulls   24 u64 NaNs   32 u64 zeros (-0 included)
//   40 u64 +Inf   48 u64 -Inf   56 u64 finite values (zeros included)
//   64 f64 finite min (+Inf if none)   72 f64 finite max (-Inf if none)
//   80 f64 shift K (a finite value; 0 if none)   88 f64 mean - K (0 if none)
//   96 f64 M2 = sum of squared deviations from the mean (+Inf once it overflows)
//   104 u8[2^p] HyperLogLog registers
//   then two DDSketch stores, positive values then magnitudes of negatives:
//     i32 lowest bucket index, u32 bucket count c (0..2048), u64[c] counts
//     (c = 0 has index 0; otherwise the first and last counts are non-zero)
//
// String state v1 (kind 2):
//   0 u8 version   1 u8 kind   2 u8 p   3 u8 0   4 u32 byte length
//   8 u64 rows   16 u64 nulls   24 u64 total value bytes
//   32 u32 min length (0xffffffff if none)   36 u32 max length
//   40 u64 Misra-Gries error bound   48 u16 capacity k (1..4096)
//   50 u16 entry count (<= k)   52 u32 0   56 u8[2^p] HyperLogLog registers
//   then entries, by count descending then hash ascending:
//     u64 hash, u64 count (>= 1), u64 representative row,
//     u16 sample length (<= 128), u8 truncated (0/1), sample bytes
//
// Sketches. Distinct counts: HyperLogLog over xxHash64 (seed 0) of the value
// (string bytes; the f64 bits of a number, -0 folded into +0), estimated with
// Ertl's improved raw estimator (no bias tables); standard error 1.04/sqrt(2^p).
// Quantiles: DDSketch with relative accuracy ALPHA = 1% and 2048 buckets per
// sign, collapsing the smallest magnitudes when the range is wider than
// gamma^2048 (~6e17). Bucket i holds magnitudes in (gamma^(i-1), gamma^i];
// the state is a function of the multiset of values only, so merging is
// exact. Top values: Misra-Gries over value hashes with k counters (a
// partition is first counted in up to 8192 counters, then cut to k); every
// reported count c satisfies c <= true count <= c + error bound, and the
// bound is at most (non-null values - sum of counts) / (k + 1).
//
// Every kernel validates its inputs (pointers against linear memory, lengths,
// blobs) and returns a status code; none traps on bad input. All working
// memory is passed in by the host (see the *_bound exports).
import { OK, ERR_BAD_ARGUMENT, ERR_BAD_TYPE, ERR_TRUNCATED, ERR_BAD_VERSION, ERR_OUT_OF_RANGE } from "./status";

/** A state blob whose contents are inconsistent (stats-local status; the binding maps it to corrupt_data). */
const ERR_CORRUPT_STATE: i32 = 16;

const VERSION: u8 = 1;
const KIND_NUMERIC: u8 = 1;
const KIND_STRING: u8 = 2;
const P_MIN: i32 = 4;
const P_MAX: i32 = 16;
const MAX_COUNT: u64 = 9007199254740992; // 2^53: every count is exact as a host number

// ------------------------------------------------------------------ memory

// @ts-ignore: decorator
@inline function inMemory(ptr: usize, len: u64): bool {
  return <u64>ptr + len <= (<u64>memory.size() << 16);
}

/** Validity: 0 none, 1 one byte per row (0 = null), 2 Arrow bitmap (LSB first) starting at bit `off`. */
function validityOk(kind: i32, ptr: usize, off: i32, n: i32): i32 {
  if (kind == 0) return OK;
  if (kind == 1) return inMemory(ptr, <u64>n) ? OK : ERR_OUT_OF_RANGE;
  if (kind == 2) {
    if (off < 0) return ERR_BAD_ARGUMENT;
    return inMemory(ptr, (<u64>off + <u64>n + 7) >> 3) ? OK : ERR_OUT_OF_RANGE;
  }
  return ERR_BAD_TYPE;
}

// @ts-ignore: decorator
@inline function isValid(kind: i32, ptr: usize, off: i32, i: i32): bool {
  if (kind == 0) return true;
  if (kind == 1) return load<u8>(ptr + <usize>i) != 0;
  let b = <usize>off + <usize>i;
  return ((load<u8>(ptr + (b >>> 3)) >>> <u8>(b & 7)) & 1) != 0;
}

import { xxh64, xxh64Word } from "./xxhash";

/** Exported for golden tests: xxHash64 (seed 0) of `len` bytes at `p`, or 0 when out of memory bounds. */
export function stats_xxh64(p: usize, len: i32): u64 {
  if (len < 0 || !inMemory(p, <u64>len)) return 0;
  return xxh64(p, <usize>len);
}

// --------------------------------------------------------------- HyperLogLog

// @ts-ignore: decorator
@inline function hllAdd(regs: usize, p: i32, h: u64): void {
  let idx = <usize>(h >>> <u64>(64 - p));
  let w = h << <u64>p;
  let r = w == 0 ? <u8>(65 - p) : <u8>(clz<u64>(w) + 1);
  let a = regs + idx;
  if (r > load<u8>(a)) store<u8>(a, r);
}

function hllSigma(x: f64): f64 {
  if (x == 1.0) return Infinity;
  let y = 1.0;
  let z = x;
  let zPrev: f64;
  do {
    x *= x;
    zPrev = z;
    z += x * y;
    y += y;
  } while (z != zPrev);
  return z;
}

function hllTau(x: f64): f64 {
  if (x == 0.0 || x == 1.0) return 0.0;
  let y = 1.0;
  let z = 1.0 - x;
  let zPrev: f64;
  do {
    x = Math.sqrt(x);
    zPrev = z;
    y *= 0.5;
    let d = 1.0 - x;
    z -= d * d * y;
  } while (z != zPrev);
  return z / 3.0;
}

/** Ertl (2017), "New cardinality estimation algorithms for HyperLogLog sketches", improved raw estimator. */
function hllEstimate(regs: usize, p: i32, hist: usize): f64 {
  let q = 64 - p;
  memory.fill(hist, 0, <usize>(q + 2) << 2);
  let m = 1 << p;
  for (let i = 0; i < m; i++) {
    let a = hist + (<usize>load<u8>(regs + <usize>i) << 2);
    store<u32>(a, load<u32>(a) + 1);
  }
  let mf = <f64>m;
  let z = mf * hllTau(1.0 - <f64>load<u32>(hist + (<usize>(q + 1) << 2)) / mf);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + <f64>load<u32>(hist + (<usize>k << 2)));
  z += mf * hllSigma(<f64>load<u32>(hist) / mf);
  return (0.5 / Math.LN2) * mf * mf / z;
}

/** Registers are 0..q+1; anything else is corrupt. */
function hllValid(regs: usize, p: i32): bool {
  let m = 1 << p;
  let top = <u8>(65 - p);
  for (let i = 0; i < m; i++) if (load<u8>(regs + <usize>i) > top) return false;
  return true;
}

function hllMax(dst: usize, src: usize, p: i32): void {
  let m = 1 << p;
  for (let i = 0; i < m; i++) {
    let a = load<u8>(src + <usize>i);
    if (a > load<u8>(dst + <usize>i)) store<u8>(dst + <usize>i, a);
  }
}

// ---------------------------------------------------------------- DDSketch

const ALPHA: f64 = 0.01;
const GAMMA: f64 = (1.0 + ALPHA) / (1.0 - ALPHA);
const LN_GAMMA: f64 = Math.log(GAMMA);
const INV_LN_GAMMA: f64 = 1.0 / LN_GAMMA;
const LN_REP: f64 = Math.log(2.0 / (1.0 + GAMMA)); // representative = gamma^i * 2/(1+gamma)
// Bucket indices of every finite non-zero magnitude lie well inside this range.
const IDX_MIN: i32 = -40000;
const IDX_MAX: i32 = 40000;

const RING_M: i32 = 2048;
// A working store: a ring of RING_M u64 counts where bucket i lives in slot
// i & (RING_M - 1); live buckets are [lo, hi] with hi - lo < RING_M, every
// other slot is zero, and buckets lo and hi are non-zero.
const RING_LO: usize = 0;
const RING_HI: usize = 4;
const RING_USED: usize = 8;
const RING_SLOTS: usize = 16;
const RING_BYTES: usize = RING_SLOTS + (<usize>RING_M << 3);

// @ts-ignore: decorator
@inline function bucketOf(mag: f64): i32 {
  return <i32>Math.ceil(Math.log(mag) * INV_LN_GAMMA);
}

/** Representative of bucket i, 2 gamma^i / (1 + gamma): within ALPHA of every magnitude in the bucket. */
// @ts-ignore: decorator
@inline function bucketValue(i: i32): f64 {
  let a = <f64>i * LN_GAMMA + LN_REP;
  // Near the top of the double range exp(a) overflows before the value does.
  return a > 700.0 ? Math.exp(a - Math.LN2) * 2.0 : Math.exp(a);
}

// @ts-ignore: decorator
@inline function ringSlot(r: usize, i: i32): usize {
  return r + RING_SLOTS + (<usize>(i & (RING_M - 1)) << 3);
}

// @ts-ignore: decorator
@inline function ringBump(a: usize, w: u64): void {
  store<u64>(a, load<u64>(a) + w);
}

/** Add weight w > 0 to bucket i, collapsing the lowest buckets to keep hi - lo < RING_M. */
function ringAdd(r: usize, i: i32, w: u64): void {
  if (load<i32>(r, RING_USED) == 0) {
    store<i32>(r, i, RING_LO);
    store<i32>(r, i, RING_HI);
    store<i32>(r, 1, RING_USED);
    store<u64>(ringSlot(r, i), w);
    return;
  }
  let lo = load<i32>(r, RING_LO);
  let hi = load<i32>(r, RING_HI);
  if (i > hi) {
    let newLo = i - RING_M + 1;
    if (newLo > lo) {
      let end = min(newLo - 1, hi);
      let s: u64 = 0;
      for (let j = lo; j <= end; j++) {
        let a = ringSlot(r, j);
        s += load<u64>(a);
        store<u64>(a, 0);
      }
      ringBump(ringSlot(r, newLo), s);
      store<i32>(r, newLo, RING_LO);
    }
    store<i32>(r, i, RING_HI);
    ringBump(ringSlot(r, i), w);
  } else if (i < lo) {
    if (hi - i < RING_M) {
      store<i32>(r, i, RING_LO);
      ringBump(ringSlot(r, i), w);
    } else {
      let t = hi - RING_M + 1;
      if (t < lo) store<i32>(r, t, RING_LO);
      ringBump(ringSlot(r, t), w);
    }
  } else {
    ringBump(ringSlot(r, i), w);
  }
}

/** Serialized size of a working store. */
function ringSize(r: usize): usize {
  if (load<i32>(r, RING_USED) == 0) return 8;
  return 8 + (<usize>(load<i32>(r, RING_HI) - load<i32>(r, RING_LO) + 1) << 3);
}

function ringWrite(r: usize, out: usize): usize {
  if (load<i32>(r, RING_USED) == 0) {
    store<i32>(out, 0);
    store<u32>(out, 0, 4);
    return out + 8;
  }
  let lo = load<i32>(r, RING_LO);
  let hi = load<i32>(r, RING_HI);
  store<i32>(out, lo);
  store<u32>(out, <u32>(hi - lo + 1), 4);
  out += 8;
  for (let j = lo; j <= hi; j++) {
    store<u64>(out, load<u64>(ringSlot(r, j)));
    out += 8;
  }
  return out;
}

/** Add a serialized store (already validated) into a working store. Returns the end of the store. */
function ringAbsorb(r: usize, s: usize): usize {
  let lo = load<i32>(s);
  let c = <i32>load<u32>(s, 4);
  let p = s + 8;
  for (let j = 0; j < c; j++) {
    let w = load<u64>(p);
    if (w != 0) ringAdd(r, lo + j, w);
    p += 8;
  }
  return p;
}

/**
 * Check a serialized store at `s` (end of blob `end`); returns its end, or 0
 * when corrupt. `total` receives the sum of its counts.
 */
function storeCheck(s: usize, end: usize, total: usize): usize {
  if (s + 8 > end) return 0;
  let lo = load<i32>(s);
  let c = load<u32>(s, 4);
  if (c > <u32>RING_M) return 0;
  let stop = s + 8 + (<usize>c << 3);
  if (stop > end) return 0;
  if (c == 0) {
    if (lo != 0) return 0;
    store<u64>(total, 0);
    return stop;
  }
  if (lo < IDX_MIN || lo + <i32>c - 1 > IDX_MAX) return 0;
  if (load<u64>(s + 8) == 0 || load<u64>(stop - 8) == 0) return 0;
  let sum: u64 = 0;
  for (let p = s + 8; p < stop; p += 8) {
    let w = load<u64>(p);
    if (w > MAX_COUNT) return 0;
    sum += w;
    if (sum > MAX_COUNT) return 0;
  }
  store<u64>(total, sum);
  return stop;
}

// ------------------------------------------------------------ numeric state

const N_VERSION: usize = 0;
const N_KIND: usize = 1;
const N_P: usize = 2;
const N_PAD: usize = 3;
const N_LEN: usize = 4;
const N_ROWS: usize = 8;
const N_NULLS: usize = 16;
const N_NANS: usize = 24;
const N_ZEROS: usize = 32;
const N_POSINF: usize = 40;
const N_NEGINF: usize = 48;
const N_FINITE: usize = 56;
const N_MIN: usize = 64;
const N_MAX: usize = 72;
const N_SHIFT: usize = 80;
const N_MEAN: usize = 88; // mean - shift
const N_M2: usize = 96;
const N_HEADER: usize = 104;

// Working numeric state (host scratch): the header, registers sized for
// P_MAX, two rings, and room for the estimator's histogram.
const W_REGS: usize = N_HEADER;
const W_POS: usize = W_REGS + (<usize>1 << P_MAX);
const W_NEG: usize = W_POS + RING_BYTES;
const W_HIST: usize = W_NEG + RING_BYTES;
const W_BYTES: usize = W_HIST + 4 * 72;

const NUMERIC_MAX_BYTES: usize = N_HEADER + (<usize>1 << P_MAX) + 2 * (8 + (<usize>RING_M << 3));

/** Bytes the host must provide for a numeric output blob and for numeric scratch (either is enough for any p). */
export function stats_numeric_bound(): i32 {
  return <i32>max(NUMERIC_MAX_BYTES, W_BYTES);
}

function numericInit(w: usize, p: i32): void {
  memory.fill(w, 0, N_HEADER + (<usize>1 << p));
  memory.fill(w + W_POS, 0, 2 * RING_BYTES);
  store<u8>(w, VERSION, N_VERSION);
  store<u8>(w, KIND_NUMERIC, N_KIND);
  store<u8>(w, <u8>p, N_P);
  store<f64>(w, Infinity, N_MIN);
  store<f64>(w, -Infinity, N_MAX);
}

// @ts-ignore: decorator
@inline function bump(w: usize, field: usize, by: u64): void {
  store<u64>(w + field, load<u64>(w + field) + by);
}

/** Serialize the working state `w` to `out`; returns the length or -1 when it does not fit. */
function numericWrite(w: usize, out: usize, outCap: i32): i32 {
  let p = <i32>load<u8>(w, N_P);
  let regs = <usize>1 << p;
  let size = N_HEADER + regs + ringSize(w + W_POS) + ringSize(w + W_NEG);
  if (size > <usize>outCap) return -1;
  store<u32>(w, <u32>size, N_LEN);
  memory.copy(out, w, N_HEADER);
  memory.copy(out + N_HEADER, w + W_REGS, regs);
  let q = ringWrite(w + W_POS, out + N_HEADER + regs);
  ringWrite(w + W_NEG, q);
  return <i32>size;
}

// Moments are kept relative to a shift K (the first finite value of the
// first partition), so data far from zero (ids, timestamps, 1e9 + noise)
// keeps full precision: Welford's update runs on x - K, and Chan's merge
// takes the difference of means as (K_b - K_a) + (m_b - m_a).

/** Chan et al. pairwise update of (n, K, mean - K, M2) in `w` with another group's moments. */
function momentsMerge(w: usize, nb: u64, kB: f64, mB: f64, m2B: f64): void {
  if (nb == 0) return;
  let na = load<u64>(w, N_FINITE);
  if (na == 0) {
    store<f64>(w, kB, N_SHIFT);
    store<f64>(w, mB, N_MEAN);
    store<f64>(w, m2B, N_M2);
    return;
  }
  let kA = load<f64>(w, N_SHIFT);
  let mA = load<f64>(w, N_MEAN);
  let m2A = load<f64>(w, N_M2);
  let n = <f64>(na + nb);
  let fa = <f64>na / n;
  let fb = <f64>nb / n;
  let d = (kB - kA) + (mB - mA);
  let m = mA + d * fb;
  if (isFinite(d) && isFinite(m)) {
    store<f64>(w, m, N_MEAN);
    store<f64>(w, m2A + m2B + d * (d * (fa * <f64>nb)), N_M2);
  } else {
    // The means differ by more than the double range: the spread squared cannot be represented.
    store<f64>(w, (kA + mA) * fa + (kB + mB) * fb, N_SHIFT);
    store<f64>(w, 0.0, N_MEAN);
    store<f64>(w, Infinity, N_M2);
  }
}

/** Keep shift + (mean - shift) finite: it can only round past the double range when the mean is at the range's edge. */
function settleMoments(w: usize): void {
  if (load<u64>(w, N_FINITE) == 0 || isFinite(load<f64>(w, N_SHIFT) + load<f64>(w, N_MEAN))) return;
  store<f64>(w, load<f64>(w, N_MEAN) > 0 ? load<f64>(w, N_MAX) : load<f64>(w, N_MIN), N_SHIFT);
  store<f64>(w, 0.0, N_MEAN);
}

/**
 * Statistics of one numeric column partition. `values`: n f64; validity per
 * validityOk. Writes the state to `out` (capacity outCap) and its length to
 * the i32 at `outLen`. `scratch` holds stats_numeric_bound() bytes.
 */
export function stats_numeric(
  values: usize, n: i32, vKind: i32, vPtr: usize, vOff: i32, p: i32,
  scratch: usize, out: usize, outCap: i32, outLen: usize,
): i32 {
  if (n < 0 || outCap < 0 || p < P_MIN || p > P_MAX) return ERR_BAD_ARGUMENT;
  let vs = validityOk(vKind, vPtr, vOff, n);
  if (vs != OK) return vs;
  if (!inMemory(values, <u64>n << 3) || !inMemory(scratch, <u64>W_BYTES) ||
      !inMemory(out, <u64>outCap) || !inMemory(outLen, 4)) return ERR_OUT_OF_RANGE;
  let w = scratch;
  numericInit(w, p);
  let regs = w + W_REGS;
  let pos = w + W_POS;
  let neg = w + W_NEG;
  let nulls: u64 = 0, nans: u64 = 0, zeros: u64 = 0, posInf: u64 = 0, negInf: u64 = 0, finite: u64 = 0;
  let mn = Infinity, mx = -Infinity, shift = 0.0, mean = 0.0, m2 = 0.0;
  for (let i = 0; i < n; i++) {
    if (!isValid(vKind, vPtr, vOff, i)) {
      nulls++;
      continue;
    }
    let x = load<f64>(values + (<usize>i << 3));
    if (x != x) {
      nans++;
      continue;
    }
    x += 0.0; // -0 -> +0
    hllAdd(regs, p, xxh64Word(reinterpret<u64>(x)));
    if (x == Infinity) {
      posInf++;
      continue;
    }
    if (x == -Infinity) {
      negInf++;
      continue;
    }
    if (finite == 0) shift = x;
    finite++;
    if (x < mn) mn = x;
    if (x > mx) mx = x;
    // Welford on y = x - shift (mean holds mean(y)).
    let nf = <f64>finite;
    let y = x - shift;
    let d = y - mean;
    if (isFinite(d)) {
      mean += d / nf;
      m2 += d * (y - mean);
    } else {
      // Spread beyond the double range: keep an exact-enough mean, M2 overflows.
      let mu = shift + mean;
      shift = mu + (x / nf - mu / nf);
      mean = 0.0;
      m2 = Infinity;
    }
    if (x == 0) zeros++;
    else if (x > 0) ringAdd(pos, bucketOf(x), 1);
    else ringAdd(neg, bucketOf(-x), 1);
  }
  store<u64>(w, <u64>n, N_ROWS);
  store<u64>(w, nulls, N_NULLS);
  store<u64>(w, nans, N_NANS);
  store<u64>(w, zeros, N_ZEROS);
  store<u64>(w, posInf, N_POSINF);
  store<u64>(w, negInf, N_NEGINF);
  store<u64>(w, finite, N_FINITE);
  store<f64>(w, mn, N_MIN);
  store<f64>(w, mx, N_MAX);
  store<f64>(w, shift, N_SHIFT);
  store<f64>(w, mean, N_MEAN);
  store<f64>(w, m2, N_M2);
  settleMoments(w);
  let len = numericWrite(w, out, outCap);
  if (len < 0) return ERR_BAD_ARGUMENT;
  store<i32>(outLen, len);
  return OK;
}

/** Check a numeric blob; OK or an error status. Never reads outside [s, s + len). */
function numericCheck(s: usize, len: i32, tmp: usize): i32 {
  if (len < 0 || !inMemory(s, <u64>len)) return ERR_OUT_OF_RANGE;
  if (len < 2) return ERR_TRUNCATED;
  if (load<u8>(s, N_VERSION) != VERSION) return ERR_BAD_VERSION;
  if (load<u8>(s, N_KIND) != KIND_NUMERIC) return ERR_BAD_TYPE;
  if (<usize>len < N_HEADER) return ERR_TRUNCATED;
  if (load<u32>(s, N_LEN) != <u32>len) return ERR_TRUNCATED;
  let p = <i32>load<u8>(s, N_P);
  if (p < P_MIN || p > P_MAX || load<u8>(s, N_PAD) != 0) return ERR_CORRUPT_STATE;
  let end = s + <usize>len;
  let regs = s + N_HEADER;
  if (regs + (<usize>1 << p) > end) return ERR_TRUNCATED;
  if (!hllValid(regs, p)) return ERR_CORRUPT_STATE;
  let posEnd = storeCheck(regs + (<usize>1 << p), end, tmp);
  if (posEnd == 0) return ERR_CORRUPT_STATE;
  let posTotal = load<u64>(tmp);
  let negEnd = storeCheck(posEnd, end, tmp);
  if (negEnd == 0) return ERR_CORRUPT_STATE;
  if (negEnd != end) return ERR_CORRUPT_STATE;
  let negTotal = load<u64>(tmp);

  let rows = load<u64>(s, N_ROWS);
  let nulls = load<u64>(s, N_NULLS);
  let nans = load<u64>(s, N_NANS);
  let zeros = load<u64>(s, N_ZEROS);
  let posInf = load<u64>(s, N_POSINF);
  let negInf = load<u64>(s, N_NEGINF);
  let finite = load<u64>(s, N_FINITE);
  if (rows > MAX_COUNT || nulls > rows || nans > rows || posInf > rows || negInf > rows || finite > rows) return ERR_CORRUPT_STATE;
  if (nulls + nans + posInf + negInf + finite != rows) return ERR_CORRUPT_STATE;
  if (zeros > finite || zeros + posTotal + negTotal != finite) return ERR_CORRUPT_STATE;
  let mn = load<f64>(s, N_MIN);
  let mx = load<f64>(s, N_MAX);
  let shift = load<f64>(s, N_SHIFT);
  let mean = load<f64>(s, N_MEAN);
  let m2 = load<f64>(s, N_M2);
  if (finite == 0) {
    if (mn != Infinity || mx != -Infinity || shift != 0 || mean != 0 || m2 != 0) return ERR_CORRUPT_STATE;
  } else {
    if (!isFinite(mn) || !isFinite(mx) || mn > mx || !isFinite(shift) || !isFinite(mean) || !isFinite(shift + mean) || !(m2 >= 0)) return ERR_CORRUPT_STATE;
    if ((posTotal > 0) != (mx > 0) || (negTotal > 0) != (mn < 0)) return ERR_CORRUPT_STATE;
  }
  return OK;
}

/** Validate a numeric state blob. `scratch` needs 16 bytes. */
export function stats_numeric_check(s: usize, len: i32, scratch: usize): i32 {
  if (!inMemory(scratch, 16)) return ERR_OUT_OF_RANGE;
  return numericCheck(s, len, scratch);
}

/** Load a validated blob into a fresh working state. */
function numericLoad(w: usize, s: usize): void {
  let p = <i32>load<u8>(s, N_P);
  numericInit(w, p);
  memory.copy(w, s, N_HEADER);
  memory.copy(w + W_REGS, s + N_HEADER, <usize>1 << p);
  let q = ringAbsorb(w + W_POS, s + N_HEADER + (<usize>1 << p));
  ringAbsorb(w + W_NEG, q);
}

/** Fold a validated blob with the same p into the working state. */
function numericAbsorb(w: usize, s: usize): i32 {
  let rows = load<u64>(w, N_ROWS) + load<u64>(s, N_ROWS);
  if (rows > MAX_COUNT) return ERR_OUT_OF_RANGE;
  let p = <i32>load<u8>(s, N_P);
  momentsMerge(w, load<u64>(s, N_FINITE), load<f64>(s, N_SHIFT), load<f64>(s, N_MEAN), load<f64>(s, N_M2));
  store<u64>(w, rows, N_ROWS);
  bump(w, N_NULLS, load<u64>(s, N_NULLS));
  bump(w, N_NANS, load<u64>(s, N_NANS));
  bump(w, N_ZEROS, load<u64>(s, N_ZEROS));
  bump(w, N_POSINF, load<u64>(s, N_POSINF));
  bump(w, N_NEGINF, load<u64>(s, N_NEGINF));
  bump(w, N_FINITE, load<u64>(s, N_FINITE));
  store<f64>(w, min(load<f64>(w, N_MIN), load<f64>(s, N_MIN)), N_MIN);
  store<f64>(w, max(load<f64>(w, N_MAX), load<f64>(s, N_MAX)), N_MAX);
  settleMoments(w);
  hllMax(w + W_REGS, s + N_HEADER, p);
  let q = ringAbsorb(w + W_POS, s + N_HEADER + (<usize>1 << p));
  ringAbsorb(w + W_NEG, q);
  return OK;
}

/** Merge numeric states a and b (same p) into `out`. */
export function stats_numeric_merge(
  a: usize, aLen: i32, b: usize, bLen: i32, scratch: usize, out: usize, outCap: i32, outLen: usize,
): i32 {
  if (outCap < 0) return ERR_BAD_ARGUMENT;
  if (!inMemory(scratch, <u64>W_BYTES) || !inMemory(out, <u64>outCap) || !inMemory(outLen, 4)) return ERR_OUT_OF_RANGE;
  let st = numericCheck(a, aLen, scratch);
  if (st != OK) return st;
  st = numericCheck(b, bLen, scratch);
  if (st != OK) return st;
  if (load<u8>(a, N_P) != load<u8>(b, N_P)) return ERR_BAD_ARGUMENT;
  numericLoad(scratch, a);
  st = numericAbsorb(scratch, b);
  if (st != OK) return st;
  let len = numericWrite(scratch, out, outCap);
  if (len < 0) return ERR_BAD_ARGUMENT;
  store<i32>(outLen, len);
  return OK;
}

// Finalized numeric output: f64 fields, then (value, count) centroid pairs in
// ascending value order (negatives, zero, positives; infinities excluded).
const F_ROWS: usize = 0;
const F_NULLS: usize = 1;
const F_NANS: usize = 2;
const F_ZEROS: usize = 3;
const F_POSINF: usize = 4;
const F_NEGINF: usize = 5;
const F_FINITE: usize = 6;
const F_MIN: usize = 7;
const F_MAX: usize = 8;
const F_MEAN: usize = 9;
const F_M2: usize = 10;
const F_DISTINCT: usize = 11;
const F_P: usize = 12;
const F_POS_FLOOR: usize = 13; // positive magnitudes <= this may have collapsed (0: none)
const F_NEG_FLOOR: usize = 14;
const F_CENTROIDS: usize = 15;
const F_HEADER: usize = 16;

/** Bytes the host must provide for stats_numeric_finalize's output. */
export function stats_numeric_final_bound(): i32 {
  return <i32>((F_HEADER + 2 * (2 * <usize>RING_M + 1)) << 3);
}

// @ts-ignore: decorator
@inline function putF(out: usize, i: usize, v: f64): void {
  store<f64>(out + (i << 3), v);
}

// @ts-ignore: decorator
@inline function clampTo(v: f64, lo: f64, hi: f64): f64 {
  return v < lo ? lo : v > hi ? hi : v;
}

// @ts-ignore: decorator
@inline function finiteCount(s: usize): u64 {
  return load<u64>(s, N_FINITE);
}

/** Finalize a numeric blob into plain numbers. `scratch` needs 512 bytes. */
export function stats_numeric_finalize(s: usize, len: i32, scratch: usize, out: usize, outCap: i32): i32 {
  if (outCap < stats_numeric_final_bound()) return ERR_BAD_ARGUMENT;
  if (!inMemory(scratch, 512) || !inMemory(out, <u64>outCap)) return ERR_OUT_OF_RANGE;
  let st = numericCheck(s, len, scratch);
  if (st != OK) return st;
  let p = <i32>load<u8>(s, N_P);
  putF(out, F_ROWS, <f64>load<u64>(s, N_ROWS));
  putF(out, F_NULLS, <f64>load<u64>(s, N_NULLS));
  putF(out, F_NANS, <f64>load<u64>(s, N_NANS));
  putF(out, F_ZEROS, <f64>load<u64>(s, N_ZEROS));
  putF(out, F_POSINF, <f64>load<u64>(s, N_POSINF));
  putF(out, F_NEGINF, <f64>load<u64>(s, N_NEGINF));
  putF(out, F_FINITE, <f64>load<u64>(s, N_FINITE));
  let mn = load<f64>(s, N_MIN);
  let mx = load<f64>(s, N_MAX);
  putF(out, F_MIN, mn);
  putF(out, F_MAX, mx);
  putF(out, F_MEAN, finiteCount(s) == 0 ? 0.0 : load<f64>(s, N_SHIFT) + load<f64>(s, N_MEAN));
  putF(out, F_M2, load<f64>(s, N_M2));
  putF(out, F_DISTINCT, hllEstimate(s + N_HEADER, p, scratch));
  putF(out, F_P, <f64>p);

  let ps = s + N_HEADER + (<usize>1 << p);
  let pLo = load<i32>(ps);
  let pc = <i32>load<u32>(ps, 4);
  let ns = ps + 8 + (<usize>pc << 3);
  let nLo = load<i32>(ns);
  let nc = <i32>load<u32>(ns, 4);
  putF(out, F_POS_FLOOR, pc == RING_M ? Math.exp(<f64>pLo * LN_GAMMA) : 0.0);
  putF(out, F_NEG_FLOOR, nc == RING_M ? Math.exp(<f64>nLo * LN_GAMMA) : 0.0);

  let k: usize = F_HEADER;
  for (let j = nc - 1; j >= 0; j--) {
    let c = load<u64>(ns + 8 + (<usize>j << 3));
    if (c == 0) continue;
    putF(out, k, clampTo(-bucketValue(nLo + j), mn, mx));
    putF(out, k + 1, <f64>c);
    k += 2;
  }
  let zeros = load<u64>(s, N_ZEROS);
  if (zeros > 0) {
    putF(out, k, 0.0);
    putF(out, k + 1, <f64>zeros);
    k += 2;
  }
  for (let j = 0; j < pc; j++) {
    let c = load<u64>(ps + 8 + (<usize>j << 3));
    if (c == 0) continue;
    putF(out, k, clampTo(bucketValue(pLo + j), mn, mx));
    putF(out, k + 1, <f64>c);
    k += 2;
  }
  putF(out, F_CENTROIDS, <f64>((k - F_HEADER) >> 1));
  return OK;
}

// ------------------------------------------------------------- string state

const S_P: usize = 2;
const S_PAD: usize = 3;
const S_LEN: usize = 4;
const S_ROWS: usize = 8;
const S_NULLS: usize = 16;
const S_BYTES: usize = 24;
const S_MINLEN: usize = 32;
const S_MAXLEN: usize = 36;
const S_ERROR: usize = 40;
const S_CAP: usize = 48;
const S_ENTRIES: usize = 50;
const S_PAD2: usize = 52;
const S_HEADER: usize = 56;
const E_FIXED: usize = 27; // hash, count, row, u16 sample length, u8 truncated
const SAMPLE_MAX: i32 = 128;
const CAP_MAX: i32 = 4096;

// Misra-Gries working table (host scratch): W entries of
// {u64 hash, u64 count, u32 row}, then an open-addressing index of T slots
// (i32 entry + 1; 0 = empty), T = power of two >= 2W. A partition streams
// through W = max(k, min(n, MG_WORK)) counters, so columns with up to
// MG_WORK distinct values per partition are counted exactly; the table is
// then cut to k counters by subtracting the (k+1)-th largest count (the
// Misra-Gries merge rule), which keeps (k + 1) * error <= n - sum(counts).
const MG_ENTRY: usize = 24;
const MG_WORK: i32 = 8192;

function workCapacity(k: i32, n: i32): i32 {
  return max(k, min(n, MG_WORK));
}

function indexSlots(k: i32): i32 {
  let t = 16;
  while (t < 2 * k) t <<= 1;
  return t;
}

/** Bytes of string scratch for capacity k and n rows (build); merges need 2 * (aLen + bLen) + 64. */
export function stats_string_scratch_bound(k: i32, n: i32): i32 {
  if (k < 1 || k > CAP_MAX || n < 0) return -1;
  let w = workCapacity(k, n);
  return <i32>(<usize>w * MG_ENTRY + (<usize>indexSlots(w) << 2));
}

/** Upper bound of a string state's size for precision p and capacity k. */
export function stats_string_bound(p: i32, k: i32): i32 {
  if (k < 1 || k > CAP_MAX || p < P_MIN || p > P_MAX) return -1;
  return <i32>(S_HEADER + (<usize>1 << p) + <usize>k * (E_FIXED + <usize>SAMPLE_MAX));
}

// @ts-ignore: decorator
@inline function mgIndexSlot(h: u64, mask: i32): i32 {
  return <i32>(h ^ (h >>> 29)) & mask;
}

function mgRebuild(tab: usize, size: i32, index: usize, t: i32): void {
  memory.fill(index, 0, <usize>t << 2);
  let mask = t - 1;
  for (let e = 0; e < size; e++) {
    let h = load<u64>(tab + <usize>e * MG_ENTRY);
    let s = mgIndexSlot(h, mask);
    while (load<i32>(index + (<usize>s << 2)) != 0) s = (s + 1) & mask;
    store<i32>(index + (<usize>s << 2), e + 1);
  }
}

/** Sample length for a value of `len` bytes at `p`: at most SAMPLE_MAX, cut at a UTF-8 boundary. */
function sampleLength(p: usize, len: i32): i32 {
  if (len <= SAMPLE_MAX) return len;
  let cut = SAMPLE_MAX;
  while (cut > 0 && (load<u8>(p + <usize>cut) & 0xc0) == 0x80) cut--;
  return cut;
}

/** Order entries by count descending, then hash ascending (a total order on distinct hashes). */
// @ts-ignore: decorator
@inline function byCountDesc(c1: u64, h1: u64, c2: u64, h2: u64): bool {
  return c1 > c2 || (c1 == c2 && h1 < h2);
}

/**
 * Statistics of one string/bytes column partition. offsets: n + 1 i32 into
 * `data` (Arrow layout); validity per validityOk; p: HLL precision; k: top-value
 * capacity; rowOffset: added to row indices stored for representatives.
 */
export function stats_string(
  offsets: usize, n: i32, data: usize, dataLen: i32, vKind: i32, vPtr: usize, vOff: i32,
  p: i32, k: i32, rowOffset: f64, scratch: usize, scratchCap: i32, out: usize, outCap: i32, outLen: usize,
): i32 {
  if (n < 0 || dataLen < 0 || outCap < 0 || scratchCap < 0 || p < P_MIN || p > P_MAX || k < 1 || k > CAP_MAX) return ERR_BAD_ARGUMENT;
  if (!(rowOffset >= 0) || rowOffset + <f64>n > 9007199254740991.0 || rowOffset != Math.floor(rowOffset)) return ERR_BAD_ARGUMENT;
  let vs = validityOk(vKind, vPtr, vOff, n);
  if (vs != OK) return vs;
  if (!inMemory(offsets, (<u64>n + 1) << 2) || !inMemory(data, <u64>dataLen) || !inMemory(scratch, <u64>scratchCap) ||
      !inMemory(out, <u64>outCap) || !inMemory(outLen, 4)) return ERR_OUT_OF_RANGE;
  if (scratchCap < stats_string_scratch_bound(k, n)) return ERR_BAD_ARGUMENT;
  let regsBytes = <usize>1 << p;
  if (<usize>outCap < S_HEADER + regsBytes) return ERR_BAD_ARGUMENT;
  // Offsets: non-decreasing, within data.
  let prev = load<i32>(offsets);
  if (prev < 0 || prev > dataLen) return ERR_OUT_OF_RANGE;
  for (let i = 1; i <= n; i++) {
    let o = load<i32>(offsets + (<usize>i << 2));
    if (o < prev) return ERR_BAD_ARGUMENT;
    if (o > dataLen) return ERR_OUT_OF_RANGE;
    prev = o;
  }

  let regs = out + S_HEADER;
  memory.fill(out, 0, S_HEADER + regsBytes);
  let tab = scratch;
  let wk = workCapacity(k, n);
  let t = indexSlots(wk);
  let mask = t - 1;
  let index = scratch + <usize>wk * MG_ENTRY;
  memory.fill(index, 0, <usize>t << 2);
  let size = 0;
  let mgError: u64 = 0;
  let nulls: u64 = 0, bytes: u64 = 0;
  let minLen: u32 = 0xffffffff, maxLen: u32 = 0;
  for (let i = 0; i < n; i++) {
    if (!isValid(vKind, vPtr, vOff, i)) {
      nulls++;
      continue;
    }
    let o = load<i32>(offsets + (<usize>i << 2));
    let len = <u32>(load<i32>(offsets + (<usize>(i + 1) << 2)) - o);
    bytes += <u64>len;
    if (len < minLen) minLen = len;
    if (len > maxLen) maxLen = len;
    let h = xxh64(data + <usize>o, <usize>len);
    hllAdd(regs, p, h);
    // Misra-Gries update.
    let s = mgIndexSlot(h, mask);
    let found = -1;
    while (true) {
      let e = load<i32>(index + (<usize>s << 2));
      if (e == 0) break;
      if (load<u64>(tab + <usize>(e - 1) * MG_ENTRY) == h) {
        found = e - 1;
        break;
      }
      s = (s + 1) & mask;
    }
    if (found >= 0) {
      let a = tab + <usize>found * MG_ENTRY + 8;
      store<u64>(a, load<u64>(a) + 1);
    } else if (size < wk) {
      let a = tab + <usize>size * MG_ENTRY;
      store<u64>(a, h);
      store<u64>(a, 1, 8);
      store<u32>(a, <u32>i, 16);
      size++;
      store<i32>(index + (<usize>s << 2), size);
    } else {
      // Decrement every counter (and the new value) by one; drop zeros.
      mgError++;
      let kept = 0;
      for (let e = 0; e < size; e++) {
        let a = tab + <usize>e * MG_ENTRY;
        let c = load<u64>(a, 8) - 1;
        if (c == 0) continue;
        let b = tab + <usize>kept * MG_ENTRY;
        if (b != a) memory.copy(b, a, MG_ENTRY);
        store<u64>(b, c, 8);
        kept++;
      }
      size = kept;
      mgRebuild(tab, size, index, t);
    }
  }

  // Order entries (count desc, hash asc) through the index area, reused as u32 order.
  let order = index;
  for (let e = 0; e < size; e++) store<u32>(order + (<usize>e << 2), <u32>e);
  sortEntries(tab, MG_ENTRY, order, size);
  // Cut to k counters: subtract the (k+1)-th largest count.
  let cut: u64 = 0;
  if (size > k) cut = load<u64>(tab + <usize>load<u32>(order + (<usize>k << 2)) * MG_ENTRY, 8);
  let kept = 0;
  while (kept < size && kept < k && load<u64>(tab + <usize>load<u32>(order + (<usize>kept << 2)) * MG_ENTRY, 8) > cut) kept++;
  size = kept;
  mgError += cut;
  let total = S_HEADER + regsBytes;
  for (let j = 0; j < size; j++) {
    let a = tab + <usize>load<u32>(order + (<usize>j << 2)) * MG_ENTRY;
    let row = <i32>load<u32>(a, 16);
    let o = load<i32>(offsets + (<usize>row << 2));
    let len = load<i32>(offsets + (<usize>(row + 1) << 2)) - o;
    total += E_FIXED + <usize>sampleLength(data + <usize>o, len);
  }
  if (total > <usize>outCap) return ERR_BAD_ARGUMENT;
  let q = out + S_HEADER + regsBytes;
  for (let j = 0; j < size; j++) {
    let a = tab + <usize>load<u32>(order + (<usize>j << 2)) * MG_ENTRY;
    let row = <i32>load<u32>(a, 16);
    let o = load<i32>(offsets + (<usize>row << 2));
    let len = load<i32>(offsets + (<usize>(row + 1) << 2)) - o;
    let sl = sampleLength(data + <usize>o, len);
    store<u64>(q, load<u64>(a));
    store<u64>(q, load<u64>(a, 8) - cut, 8);
    store<u64>(q, <u64>(rowOffset + <f64>row), 16);
    store<u16>(q, <u16>sl, 24);
    store<u8>(q, len > sl ? 1 : 0, 26);
    memory.copy(q + E_FIXED, data + <usize>o, <usize>sl);
    q += E_FIXED + <usize>sl;
  }
  store<u8>(out, VERSION, 0);
  store<u8>(out, KIND_STRING, 1);
  store<u8>(out, <u8>p, S_P);
  store<u32>(out, <u32>total, S_LEN);
  store<u64>(out, <u64>n, S_ROWS);
  store<u64>(out, nulls, S_NULLS);
  store<u64>(out, bytes, S_BYTES);
  store<u32>(out, minLen, S_MINLEN);
  store<u32>(out, maxLen, S_MAXLEN);
  store<u64>(out, mgError, S_ERROR);
  store<u16>(out, <u16>k, S_CAP);
  store<u16>(out, <u16>size, S_ENTRIES);
  store<i32>(outLen, <i32>total);
  return OK;
}

/**
 * Heapsort `order` (n u32 record indices; records of `stride` bytes at `tab`
 * with u64 hash at 0 and u64 count at 8) by count descending, hash ascending.
 */
function sortEntries(tab: usize, stride: usize, order: usize, n: i32): void {
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(tab, stride, order, i, n);
  for (let end = n - 1; end > 0; end--) {
    let a = order + (<usize>end << 2);
    let t = load<u32>(order);
    store<u32>(order, load<u32>(a));
    store<u32>(a, t);
    siftDown(tab, stride, order, 0, end);
  }
}

// @ts-ignore: decorator
@inline function entryBefore(tab: usize, stride: usize, x: u32, y: u32): bool {
  let a = tab + <usize>x * stride;
  let b = tab + <usize>y * stride;
  return byCountDesc(load<u64>(a, 8), load<u64>(a), load<u64>(b, 8), load<u64>(b));
}

/** Max-heap on "comes later" so the sorted result is ascending in entryBefore order. */
function siftDown(tab: usize, stride: usize, order: usize, i: i32, n: i32): void {
  while (true) {
    let l = 2 * i + 1;
    if (l >= n) return;
    let c = l;
    let r = l + 1;
    if (r < n && entryBefore(tab, stride, load<u32>(order + (<usize>c << 2)), load<u32>(order + (<usize>r << 2)))) c = r;
    let vi = load<u32>(order + (<usize>i << 2));
    let vc = load<u32>(order + (<usize>c << 2));
    if (!entryBefore(tab, stride, vi, vc)) return;
    store<u32>(order + (<usize>i << 2), vc);
    store<u32>(order + (<usize>c << 2), vi);
    i = c;
  }
}

/** Check a string blob; OK or an error status. */
function stringCheck(s: usize, len: i32): i32 {
  if (len < 0 || !inMemory(s, <u64>len)) return ERR_OUT_OF_RANGE;
  if (len < 2) return ERR_TRUNCATED;
  if (load<u8>(s) != VERSION) return ERR_BAD_VERSION;
  if (load<u8>(s, 1) != KIND_STRING) return ERR_BAD_TYPE;
  if (<usize>len < S_HEADER) return ERR_TRUNCATED;
  if (load<u32>(s, S_LEN) != <u32>len) return ERR_TRUNCATED;
  let p = <i32>load<u8>(s, S_P);
  if (p < P_MIN || p > P_MAX || load<u8>(s, S_PAD) != 0 || load<u32>(s, S_PAD2) != 0) return ERR_CORRUPT_STATE;
  let end = s + <usize>len;
  let regs = s + S_HEADER;
  if (regs + (<usize>1 << p) > end) return ERR_TRUNCATED;
  if (!hllValid(regs, p)) return ERR_CORRUPT_STATE;
  let rows = load<u64>(s, S_ROWS);
  let nulls = load<u64>(s, S_NULLS);
  let bytes = load<u64>(s, S_BYTES);
  let minLen = load<u32>(s, S_MINLEN);
  let maxLen = load<u32>(s, S_MAXLEN);
  let err = load<u64>(s, S_ERROR);
  let k = <i32>load<u16>(s, S_CAP);
  let ne = <i32>load<u16>(s, S_ENTRIES);
  if (rows > MAX_COUNT || nulls > rows || bytes > MAX_COUNT) return ERR_CORRUPT_STATE;
  let count = rows - nulls;
  if (count == 0) {
    if (bytes != 0 || minLen != 0xffffffff || maxLen != 0 || err != 0 || ne != 0) return ERR_CORRUPT_STATE;
  } else if (minLen > maxLen || bytes < <u64>minLen) return ERR_CORRUPT_STATE;
  if (k < 1 || k > CAP_MAX || ne > k) return ERR_CORRUPT_STATE;
  let q = regs + (<usize>1 << p);
  let sum: u64 = 0;
  let prevC: u64 = 0, prevH: u64 = 0;
  for (let j = 0; j < ne; j++) {
    if (q + E_FIXED > end) return ERR_TRUNCATED;
    let h = load<u64>(q);
    let c = load<u64>(q, 8);
    let row = load<u64>(q, 16);
    let sl = <i32>load<u16>(q, 24);
    let tr = load<u8>(q, 26);
    if (c == 0 || c > count || row >= MAX_COUNT || sl > SAMPLE_MAX || tr > 1) return ERR_CORRUPT_STATE;
    if (<u64>sl > <u64>maxLen || (tr == 0 && <u64>sl < <u64>minLen)) return ERR_CORRUPT_STATE;
    if (j > 0 && !byCountDesc(prevC, prevH, c, h)) return ERR_CORRUPT_STATE;
    sum += c;
    if (sum > count) return ERR_CORRUPT_STATE;
    prevC = c;
    prevH = h;
    q += E_FIXED + <usize>sl;
    if (q > end) return ERR_TRUNCATED;
  }
  if (q != end) return ERR_CORRUPT_STATE;
  if (err > (count - sum) / <u64>(k + 1)) return ERR_CORRUPT_STATE;
  return OK;
}

/** Validate a string state blob. */
export function stats_string_check(s: usize, len: i32): i32 {
  return stringCheck(s, len);
}

// Merge records (host scratch): {u64 hash, u64 count, u64 row, u32 sample ptr, u32 sample len, u32 truncated}.
const R_SIZE: usize = 40;

function loadEntries(s: usize, rec: usize, start: i32): i32 {
  let p = <i32>load<u8>(s, S_P);
  let ne = <i32>load<u16>(s, S_ENTRIES);
  let q = s + S_HEADER + (<usize>1 << p);
  for (let j = 0; j < ne; j++) {
    let r = rec + <usize>(start + j) * R_SIZE;
    let sl = <u32>load<u16>(q, 24);
    store<u64>(r, load<u64>(q));
    store<u64>(r, load<u64>(q, 8), 8);
    store<u64>(r, load<u64>(q, 16), 16);
    store<u32>(r, <u32>(q + E_FIXED), 24);
    store<u32>(r, sl, 28);
    store<u32>(r, <u32>load<u8>(q, 26), 32);
    q += E_FIXED + <usize>sl;
  }
  return start + ne;
}

/** Heapsort order by hash ascending, then row ascending. */
// @ts-ignore: decorator
@inline function hashBefore(rec: usize, x: u32, y: u32): bool {
  let a = rec + <usize>x * R_SIZE;
  let b = rec + <usize>y * R_SIZE;
  let ha = load<u64>(a);
  let hb = load<u64>(b);
  return ha < hb || (ha == hb && load<u64>(a, 16) < load<u64>(b, 16));
}

function siftDownHash(rec: usize, order: usize, i: i32, n: i32): void {
  while (true) {
    let l = 2 * i + 1;
    if (l >= n) return;
    let c = l;
    let r = l + 1;
    if (r < n && hashBefore(rec, load<u32>(order + (<usize>c << 2)), load<u32>(order + (<usize>r << 2)))) c = r;
    let vi = load<u32>(order + (<usize>i << 2));
    let vc = load<u32>(order + (<usize>c << 2));
    if (!hashBefore(rec, vi, vc)) return;
    store<u32>(order + (<usize>i << 2), vc);
    store<u32>(order + (<usize>c << 2), vi);
    i = c;
  }
}

function sortByHash(rec: usize, order: usize, n: i32): void {
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDownHash(rec, order, i, n);
  for (let end = n - 1; end > 0; end--) {
    let a = order + (<usize>end << 2);
    let t = load<u32>(order);
    store<u32>(order, load<u32>(a));
    store<u32>(a, t);
    siftDownHash(rec, order, 0, end);
  }
}

/** Merge string states a and b (same p and capacity) into `out`. */
export function stats_string_merge(
  a: usize, aLen: i32, b: usize, bLen: i32, scratch: usize, scratchCap: i32, out: usize, outCap: i32, outLen: usize,
): i32 {
  if (outCap < 0 || scratchCap < 0) return ERR_BAD_ARGUMENT;
  if (!inMemory(scratch, <u64>scratchCap) || !inMemory(out, <u64>outCap) || !inMemory(outLen, 4)) return ERR_OUT_OF_RANGE;
  let st = stringCheck(a, aLen);
  if (st != OK) return st;
  st = stringCheck(b, bLen);
  if (st != OK) return st;
  let p = <i32>load<u8>(a, S_P);
  let k = <i32>load<u16>(a, S_CAP);
  if (p != <i32>load<u8>(b, S_P) || k != <i32>load<u16>(b, S_CAP)) return ERR_BAD_ARGUMENT;
  let rows = load<u64>(a, S_ROWS) + load<u64>(b, S_ROWS);
  let bytes = load<u64>(a, S_BYTES) + load<u64>(b, S_BYTES);
  if (rows > MAX_COUNT || bytes > MAX_COUNT) return ERR_OUT_OF_RANGE;
  let ne = <i32>load<u16>(a, S_ENTRIES) + <i32>load<u16>(b, S_ENTRIES);
  let rec = scratch;
  let order = scratch + <usize>ne * R_SIZE;
  if (<usize>scratchCap < (<usize>ne * (R_SIZE + 4))) return ERR_BAD_ARGUMENT;
  let regsBytes = <usize>1 << p;
  if (<usize>outCap < S_HEADER + regsBytes) return ERR_BAD_ARGUMENT;

  loadEntries(b, rec, loadEntries(a, rec, 0));
  for (let j = 0; j < ne; j++) store<u32>(order + (<usize>j << 2), <u32>j);
  sortByHash(rec, order, ne);
  // Combine equal hashes: the first (lowest row) keeps its row and sample.
  let u = 0;
  for (let j = 0; j < ne; j++) {
    let x = load<u32>(order + (<usize>j << 2));
    if (u > 0) {
      let last = rec + <usize>load<u32>(order + (<usize>(u - 1) << 2)) * R_SIZE;
      let r = rec + <usize>x * R_SIZE;
      if (load<u64>(last) == load<u64>(r)) {
        store<u64>(last, load<u64>(last, 8) + load<u64>(r, 8), 8);
        continue;
      }
    }
    store<u32>(order + (<usize>u << 2), x);
    u++;
  }
  sortEntries(rec, R_SIZE, order, u);
  // Keep the k largest, less the (k+1)-th largest count.
  let cut: u64 = 0;
  if (u > k) cut = load<u64>(rec + <usize>load<u32>(order + (<usize>k << 2)) * R_SIZE, 8);
  let kept = 0;
  let total = S_HEADER + regsBytes;
  while (kept < u && kept < k) {
    let r = rec + <usize>load<u32>(order + (<usize>kept << 2)) * R_SIZE;
    if (load<u64>(r, 8) <= cut) break;
    total += E_FIXED + <usize>load<u32>(r, 28);
    kept++;
  }
  if (total > <usize>outCap) return ERR_BAD_ARGUMENT;

  memory.copy(out, a, S_HEADER);
  memory.copy(out + S_HEADER, a + S_HEADER, regsBytes);
  hllMax(out + S_HEADER, b + S_HEADER, p);
  let q = out + S_HEADER + regsBytes;
  for (let j = 0; j < kept; j++) {
    let r = rec + <usize>load<u32>(order + (<usize>j << 2)) * R_SIZE;
    let sl = load<u32>(r, 28);
    store<u64>(q, load<u64>(r));
    store<u64>(q, load<u64>(r, 8) - cut, 8);
    store<u64>(q, load<u64>(r, 16), 16);
    store<u16>(q, <u16>sl, 24);
    store<u8>(q, <u8>load<u32>(r, 32), 26);
    memory.copy(q + E_FIXED, <usize>load<u32>(r, 24), <usize>sl);
    q += E_FIXED + <usize>sl;
  }
  store<u32>(out, <u32>total, S_LEN);
  store<u64>(out, rows, S_ROWS);
  store<u64>(out, load<u64>(a, S_NULLS) + load<u64>(b, S_NULLS), S_NULLS);
  store<u64>(out, bytes, S_BYTES);
  store<u32>(out, min(load<u32>(a, S_MINLEN), load<u32>(b, S_MINLEN)), S_MINLEN);
  store<u32>(out, max(load<u32>(a, S_MAXLEN), load<u32>(b, S_MAXLEN)), S_MAXLEN);
  store<u64>(out, load<u64>(a, S_ERROR) + load<u64>(b, S_ERROR) + cut, S_ERROR);
  store<u16>(out, <u16>kept, S_ENTRIES);
  store<i32>(outLen, <i32>total);
  return OK;
}

// Finalized string output: 16 f64 fields, then per entry 6 u64:
// hash, count, row, sample offset (within the blob), sample length, truncated.
const G_ROWS: usize = 0;
const G_NULLS: usize = 1;
const G_BYTES: usize = 2;
const G_MINLEN: usize = 3;
const G_MAXLEN: usize = 4;
const G_DISTINCT: usize = 5;
const G_ERROR: usize = 6;
const G_CAP: usize = 7;
const G_P: usize = 8;
const G_ENTRIES: usize = 9;
const G_HEADER: usize = 16;

/** Bytes the host must provide for stats_string_finalize's output. */
export function stats_string_final_bound(): i32 {
  return <i32>((G_HEADER + 6 * <usize>CAP_MAX) << 3);
}

/** Finalize a string blob into plain numbers. `scratch` needs 512 bytes. */
export function stats_string_finalize(s: usize, len: i32, scratch: usize, out: usize, outCap: i32): i32 {
  if (outCap < stats_string_final_bound()) return ERR_BAD_ARGUMENT;
  if (!inMemory(scratch, 512) || !inMemory(out, <u64>outCap)) return ERR_OUT_OF_RANGE;
  let st = stringCheck(s, len);
  if (st != OK) return st;
  let p = <i32>load<u8>(s, S_P);
  let ne = <i32>load<u16>(s, S_ENTRIES);
  let count = load<u64>(s, S_ROWS) - load<u64>(s, S_NULLS);
  putF(out, G_ROWS, <f64>load<u64>(s, S_ROWS));
  putF(out, G_NULLS, <f64>load<u64>(s, S_NULLS));
  putF(out, G_BYTES, <f64>load<u64>(s, S_BYTES));
  putF(out, G_MINLEN, count == 0 ? 0.0 : <f64>load<u32>(s, S_MINLEN));
  putF(out, G_MAXLEN, <f64>load<u32>(s, S_MAXLEN));
  putF(out, G_DISTINCT, hllEstimate(s + S_HEADER, p, scratch));
  putF(out, G_ERROR, <f64>load<u64>(s, S_ERROR));
  putF(out, G_CAP, <f64>load<u16>(s, S_CAP));
  putF(out, G_P, <f64>p);
  putF(out, G_ENTRIES, <f64>ne);
  let q = s + S_HEADER + (<usize>1 << p);
  let o = out + (G_HEADER << 3);
  for (let j = 0; j < ne; j++) {
    let sl = <u64>load<u16>(q, 24);
    store<u64>(o, load<u64>(q));
    store<u64>(o, load<u64>(q, 8), 8);
    store<u64>(o, load<u64>(q, 16), 16);
    store<u64>(o, <u64>(q + E_FIXED - s), 24);
    store<u64>(o, sl, 32);
    store<u64>(o, <u64>load<u8>(q, 26), 40);
    o += 48;
    q += E_FIXED + <usize>sl;
  }
  return OK;
}
