// Plain-TypeScript reference for the stats kernel: exact statistics (sorting,
// sets, compensated sums), no sketches. Differential tests compare the
// kernel's sketches against these within each sketch's documented bound.

/** Neumaier-compensated sum. */
function compensatedSum(xs: Iterable<number>): number {
  let sum = 0;
  let c = 0;
  for (const x of xs) {
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}

/** The smallest power of two >= |x| (1 for 0), so dividing by it is exact and cannot overflow. */
function powerOfTwoAbove(x: number): number {
  if (x === 0) return 1;
  let s = 2 ** Math.min(1023, Math.ceil(Math.log2(x)));
  while (s < x && s < 2 ** 1023) s *= 2;
  return s; // x / s <= 2 even for the largest doubles
}

export interface NumericReference {
  readonly rows: number;
  readonly nulls: number;
  readonly count: number;
  readonly nans: number;
  readonly zeros: number;
  readonly posInf: number;
  readonly negInf: number;
  readonly finite: number;
  /** Over non-NaN values, infinities included, -0 as 0. */
  readonly min: number | null;
  readonly max: number | null;
  readonly finiteMin: number | null;
  readonly finiteMax: number | null;
  /** Over finite values; population variance. */
  readonly mean: number | null;
  readonly variance: number | null;
  /** Mean of |x| over finite values (scale for mean tolerances). */
  readonly meanAbs: number;
  /** Non-NaN values ascending, -0 as 0. */
  readonly sorted: Float64Array;
  /** Exact number of distinct non-NaN values (-0 = 0). */
  readonly distinct: number;
}

/** Exact numeric statistics. `valid(i)` false = null row. */
export function numericReference(values: Float64Array, valid: (i: number) => boolean = () => true): NumericReference {
  let nulls = 0;
  let nans = 0;
  let zeros = 0;
  let posInf = 0;
  let negInf = 0;
  const finite: number[] = [];
  const ordered: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (!valid(i)) {
      nulls++;
      continue;
    }
    const x = values[i] === 0 ? 0 : values[i];
    if (Number.isNaN(x)) {
      nans++;
      continue;
    }
    ordered.push(x);
    if (x === Infinity) posInf++;
    else if (x === -Infinity) negInf++;
    else {
      finite.push(x);
      if (x === 0) zeros++;
    }
  }
  const sorted = Float64Array.from(ordered).sort();
  let mean: number | null = null;
  let variance: number | null = null;
  let meanAbs = 0;
  if (finite.length > 0) {
    // Deviations from the median, scaled by a power of two: exact for clustered
    // data (Sterbenz), so ill-conditioned columns (1e9 + noise) stay accurate.
    const n = finite.length;
    const scale = powerOfTwoAbove(Math.max(...finite.map(Math.abs)));
    const c = [...finite].sort((a, b) => a - b)[n >> 1] / scale;
    const d = finite.map((x) => x / scale - c);
    const md = compensatedSum(d) / n;
    mean = (c + md) * scale;
    meanAbs = (compensatedSum(finite.map((x) => Math.abs(x) / scale)) / n) * scale;
    variance = (compensatedSum(d.map((v) => (v - md) ** 2)) / n) * scale * scale;
  }
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  const finiteSorted = sorted.filter((x) => Number.isFinite(x));
  return {
    rows: values.length,
    nulls,
    count: values.length - nulls,
    nans,
    zeros,
    posInf,
    negInf,
    finite: finite.length,
    min: sorted.length ? sorted[0] : null,
    max: sorted.length ? sorted[sorted.length - 1] : null,
    finiteMin: finiteSorted.length ? finiteSorted[0] : null,
    finiteMax: finiteSorted.length ? finiteSorted[finiteSorted.length - 1] : null,
    mean,
    variance,
    meanAbs,
    sorted,
    distinct,
  };
}

/** The element of rank floor(q * (n - 1)) (0-based) of the ascending values, or null when empty. */
export function exactQuantile(sorted: Float64Array, q: number): number | null {
  return sorted.length === 0 ? null : sorted[Math.floor(q * (sorted.length - 1))];
}

/** How many of the ascending values are < x. */
export function countBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const keys = new WeakMap<Uint8Array, string>();

/** Map key for a byte string (latin1, one char per byte); memoized per array. */
export function bytesKey(b: Uint8Array): string {
  let s = keys.get(b);
  if (s === undefined) {
    s = '';
    for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    keys.set(b, s);
  }
  return s;
}

export interface StringReference {
  readonly rows: number;
  readonly nulls: number;
  readonly count: number;
  readonly totalLength: number;
  readonly minLength: number | null;
  readonly maxLength: number | null;
  readonly distinct: number;
  /** Exact count per value (key: bytesKey). */
  readonly freq: Map<string, number>;
}

/** Exact string statistics; lengths are in bytes. */
export function stringReference(values: readonly (Uint8Array | null)[]): StringReference {
  let nulls = 0;
  let total = 0;
  let minLength = Infinity;
  let maxLength = -Infinity;
  const freq = new Map<string, number>();
  for (const v of values) {
    if (v === null) {
      nulls++;
      continue;
    }
    total += v.length;
    minLength = Math.min(minLength, v.length);
    maxLength = Math.max(maxLength, v.length);
    const key = bytesKey(v);
    freq.set(key, (freq.get(key) ?? 0) + 1);
  }
  const count = values.length - nulls;
  return {
    rows: values.length,
    nulls,
    count,
    totalLength: total,
    minLength: count ? minLength : null,
    maxLength: count ? maxLength : null,
    distinct: freq.size,
    freq,
  };
}

// xxHash64 (seed 0) with BigInt arithmetic, straight from the specification.
const M64 = (1n << 64n) - 1n;
const X1 = 0x9e3779b185ebca87n;
const X2 = 0xc2b2ae3d27d4eb4fn;
const X3 = 0x165667b19e3779f9n;
const X4 = 0x85ebca77c2b2ae63n;
const X5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;
const mul = (a: bigint, b: bigint): bigint => (a * b) & M64;
const round = (acc: bigint, lane: bigint): bigint => mul(rotl((acc + mul(lane, X2)) & M64, 31n), X1);
const mergeRound = (h: bigint, v: bigint): bigint => ((mul(h ^ round(0n, v), X1) + X4) & M64);

function readLe(b: Uint8Array, at: number, bytes: number): bigint {
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i]);
  return v;
}

export function xxh64Reference(b: Uint8Array): bigint {
  let p = 0;
  const len = b.length;
  let h: bigint;
  if (len >= 32) {
    let v1 = (X1 + X2) & M64;
    let v2 = X2;
    let v3 = 0n;
    let v4 = (0n - X1) & M64;
    while (p + 32 <= len) {
      v1 = round(v1, readLe(b, p, 8));
      v2 = round(v2, readLe(b, p + 8, 8));
      v3 = round(v3, readLe(b, p + 16, 8));
      v4 = round(v4, readLe(b, p + 24, 8));
      p += 32;
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = X5;
  }
  h = (h + BigInt(len)) & M64;
  while (p + 8 <= len) {
    h = (mul(rotl(h ^ round(0n, readLe(b, p, 8)), 27n), X1) + X4) & M64;
    p += 8;
  }
  if (p + 4 <= len) {
    h = (mul(rotl(h ^ mul(readLe(b, p, 4), X1), 23n), X2) + X3) & M64;
    p += 4;
  }
  while (p < len) {
    h = mul(rotl(h ^ mul(BigInt(b[p]), X5), 11n), X1);
    p++;
  }
  h ^= h >> 33n;
  h = mul(h, X2);
  h ^= h >> 29n;
  h = mul(h, X3);
  return h ^ (h >> 32n);
}
