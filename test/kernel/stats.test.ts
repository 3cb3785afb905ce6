import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUANTILES,
  QUANTILE_RELATIVE_ERROR,
  TOP_SAMPLE_MAX_BYTES,
  distinctStandardError,
  finalizeNumeric,
  finalizeString,
  mergeNumericStats,
  mergeStringStats,
  numericStats,
  numericStatsState,
  statsHash,
  stringStats,
  stringStatsOf,
  stringStatsState,
  type NumericStats,
  type NumericStatsState,
  type StringStats,
  type StringStatsState,
  type StatsValidity,
} from '../../src/kernel/stats.ts';
import type { Result } from '../../src/core/errors.ts';
import {
  bytesKey,
  countBelow,
  exactQuantile,
  numericReference,
  stringReference,
  xxh64Reference,
  type NumericReference,
  type StringReference,
} from '../reference/stats.ts';
import { runtime, testKernel } from '../support/kernel.ts';
import { rng, type Rng } from '../support/rng.ts';

const CASES = 10_000;
const ALPHA = QUANTILE_RELATIVE_ERROR;
const MIN_NORMAL = 2.2250738585072014e-308;
const MEAN_REL = 1e-9;
const VAR_REL = 1e-9;
/** Subnormal results cannot be relatively accurate: allow a few units of the smallest double. */
const ABS_FLOOR = 8 * Number.MIN_VALUE;

function must<T>(r: Result<T>, what = 'kernel call'): T {
  if (!r.ok) throw new Error(`${what} failed: ${r.error.code} ${r.error.message}`);
  return r.value;
}

function check(cond: boolean, msg: () => string): void {
  if (!cond) throw new Error(msg());
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ------------------------------------------------------------------ inputs

interface Nulls {
  readonly valid: (i: number) => boolean;
  /** Validity for rows [start, end) in the kernel's input form. */
  readonly slice: (start: number, end: number) => StatsValidity | undefined;
}

function makeNulls(r: Rng, n: number): Nulls {
  const mode = r.pick(['none', 'none', 'bytes', 'bitmap'] as const);
  const pNull = mode === 'none' ? 0 : r.pick([0, 0.1, 0.5, 1]);
  if (mode === 'none') return { valid: () => true, slice: () => undefined };
  const v = Array.from({ length: n }, () => !r.bool(pNull));
  if (mode === 'bytes') {
    const bytes = Uint8Array.from(v, (b) => (b ? r.int(1, 255) : 0));
    return { valid: (i) => v[i], slice: (s, e) => bytes.subarray(s, e) };
  }
  const off = r.int(0, 13);
  const bitmap = new Uint8Array(((off + n + 7) >> 3) + r.int(0, 2));
  for (let i = 0; i < bitmap.length * 8; i++) {
    const row = i - off;
    const set = row >= 0 && row < n ? v[row] : r.bool();
    if (set) bitmap[i >> 3] |= 1 << (i & 7);
  }
  return { valid: (i) => v[i], slice: (s) => ({ bitmap, offset: off + s }) };
}

/** Contiguous random partition of [0, n), empty parts allowed: the start of each part, then n. */
function cuts(r: Rng, n: number): number[] {
  const inner = Array.from({ length: r.int(0, 5) }, () => r.int(0, n)).sort((a, b) => a - b);
  return [0, ...inner, n];
}

/** Merge states in a random tree shape. */
function mergeRandomly<S>(r: Rng, states: S[], merge: (a: S, b: S) => S): S {
  const xs = [...states];
  while (xs.length > 1) {
    const i = r.int(0, xs.length - 2);
    const m = r.bool(0.8) ? merge(xs[i], xs[i + 1]) : merge(xs[i + 1], xs[i]);
    xs.splice(i, 2, m);
  }
  return xs[0];
}

type Family = 'uniform' | 'normal' | 'offset' | 'ints' | 'constant' | 'logwide' | 'huge' | 'tiny' | 'specials';
const FAMILIES: readonly Family[] = ['uniform', 'normal', 'offset', 'ints', 'constant', 'logwide', 'huge', 'tiny', 'specials'];
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 1.7976931348623157e308, -1.7976931348623157e308, 5e-324, -5e-324, MIN_NORMAL];

function numericValues(r: Rng, n: number, fam: Family): Float64Array {
  const scale = r.pick([1, 1e3, 1e-3, 1e6, 1e-9, 1e12]);
  const mu = r.pick([0, 5, -1e4, 1e9]);
  const sign = (): number => (r.bool() ? 1 : -1);
  const c = r.pick([0, -0, 0.1, -3.7e10, 42, 5e-324, 1e300]);
  const width = r.int(1, 1000);
  const pSpecial = r.pick([0, 0, 0.02, 0.2]);
  const gen = (): number => {
    if (pSpecial && r.bool(pSpecial)) return r.pick(SPECIALS);
    switch (fam) {
      case 'uniform':
        return (r.next() * 2 - 1) * scale;
      case 'normal':
        return mu + scale * Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
      case 'offset':
        return r.bool(0.5) ? 1e9 + r.next() : 1.7e15 + r.int(0, 1e6);
      case 'ints':
        return r.int(-width, width);
      case 'constant':
        return c;
      case 'logwide':
        return sign() * 10 ** (r.next() * 600 - 300);
      case 'huge':
        return sign() * r.next() * 1e300;
      case 'tiny':
        return sign() * r.next() * 1e-300;
      case 'specials':
        return r.pick(SPECIALS);
    }
  };
  return Float64Array.from({ length: n }, gen);
}

function caseSize(r: Rng): number {
  const u = r.next();
  if (u < 0.05) return 0;
  if (u < 0.35) return r.int(1, 10);
  if (u < 0.9) return r.int(10, 200);
  return r.int(200, 1200);
}

// ------------------------------------------------------------------ checks

interface DistinctErrors {
  z: number[];
}

function checkDistinct(est: number, exact: number, p: number, acc: DistinctErrors, ctx: () => string): void {
  const sigma = distinctStandardError(p);
  if (exact === 0) {
    check(est === 0, () => `${ctx()}: distinct ${est} for no values`);
    return;
  }
  // With fewer than 256 registers the estimate is heavy-tailed: only exact merging is checked there.
  if (p < 8) return;
  check(Math.abs(est - exact) <= 5 * sigma * exact + 2, () => `${ctx()}: distinct ${est} vs ${exact} (p=${p})`);
  if (exact >= 100) acc.z.push((est - exact) / (sigma * exact));
}

function checkMoments(s: NumericStats, ref: NumericReference, ctx: () => string): void {
  if (ref.mean === null || ref.variance === null) {
    check(s.mean === null && s.variance === null && s.stdDev === null, () => `${ctx()}: moments without finite values`);
    return;
  }
  const m = s.mean as number;
  const mScale = Math.max(Math.abs(ref.mean), ref.meanAbs);
  check(Math.abs(m - ref.mean) <= MEAN_REL * mScale + ABS_FLOOR, () => `${ctx()}: mean ${m} vs ${ref.mean}`);
  const v = s.variance as number;
  if (!Number.isFinite(v)) {
    // M2 = n * variance overflowed: only when the spread squared is near the double range.
    check(ref.variance * ref.finite > 1e300, () => `${ctx()}: variance ${v} vs ${ref.variance}`);
    return;
  }
  check(Math.abs(v - ref.variance) <= VAR_REL * ref.variance + ABS_FLOOR, () => `${ctx()}: variance ${v} vs ${ref.variance}`);
}

/** The sketch guarantees x only for normal magnitudes above the collapse floor of its sign. */
function guaranteed(x: number, s: NumericStats): boolean {
  if (x === 0 || !Number.isFinite(x)) return true;
  const floor = x > 0 ? s.sketch.positiveFloor : s.sketch.negativeFloor;
  return Math.abs(x) >= MIN_NORMAL && Math.abs(x) > floor * (1 + 1e-12);
}

function checkQuantile(v: number | null, x: number | null, s: NumericStats, ctx: () => string): void {
  if (x === null) {
    check(v === null, () => `${ctx()}: quantile ${v} of no values`);
    return;
  }
  check(v !== null, () => `${ctx()}: missing quantile`);
  const got = v as number;
  if (!Number.isFinite(x) || x === 0) {
    check(Object.is(got, x), () => `${ctx()}: quantile ${got} vs exact ${x}`);
  } else if (guaranteed(x, s)) {
    check(Math.abs(got - x) <= ALPHA * Math.abs(x) * (1 + 1e-9), () => `${ctx()}: quantile ${got} vs exact ${x}`);
  } else {
    check(Math.sign(got) === Math.sign(x) && got >= (s.min as number) && got <= (s.max as number), () => `${ctx()}: quantile ${got} vs ${x}`);
  }
}

function checkHistogram(s: NumericStats, ref: NumericReference, ctx: () => string): void {
  const h = s.histogram;
  const total = h.reduce((a, b) => a + b.count, 0);
  check(total === ref.finite + ref.posInf + ref.negInf, () => `${ctx()}: histogram total ${total}`);
  let i = 0;
  if (ref.negInf > 0) {
    check(h[0].low === -Infinity && h[0].count === ref.negInf, () => `${ctx()}: -Inf bucket`);
    i = 1;
  }
  if (ref.posInf > 0) check(h[h.length - 1].low === Infinity && h[h.length - 1].count === ref.posInf, () => `${ctx()}: +Inf bucket`);
  const fin = h.slice(i, ref.posInf > 0 ? h.length - 1 : h.length);
  if (ref.finite === 0) {
    check(fin.length === 0, () => `${ctx()}: finite buckets without finite values`);
    return;
  }
  check(fin[0].low === ref.finiteMin && fin[fin.length - 1].high === ref.finiteMax, () => `${ctx()}: histogram range`);
  const finite = ref.sorted.subarray(ref.negInf, ref.sorted.length - ref.posInf);
  // For each inner edge e, the values counted below it are those whose representative is < e.
  let below = 0;
  for (let j = 0; j < fin.length - 1; j++) {
    check(fin[j].high === fin[j + 1].low && fin[j].low <= fin[j].high, () => `${ctx()}: histogram edges`);
    below += fin[j].count;
    const e = fin[j].high;
    let lo = 0;
    let hi = 0;
    for (const x of finite) {
      const slack = guaranteed(x, s) ? ALPHA * Math.abs(x) * (1 + 1e-9) : Infinity;
      if (x + slack < e) lo++;
      if (x - slack < e) hi++;
    }
    check(lo <= below && below <= hi, () => `${ctx()}: ${below} counted below ${e}, exact bounds [${lo}, ${hi}]`);
  }
  const qh = s.quantileHistogram;
  check(qh.length === fin.length || ref.finite + ref.posInf + ref.negInf > 0, () => `${ctx()}: quantile histogram`);
}

function checkNumeric(s: NumericStats, ref: NumericReference, qs: readonly number[], acc: DistinctErrors, ctx: () => string): void {
  const exact: [string, number, number][] = [
    ['rows', s.rows, ref.rows],
    ['count', s.count, ref.count],
    ['nulls', s.nulls, ref.nulls],
    ['nans', s.nans, ref.nans],
    ['zeros', s.zeros, ref.zeros],
    ['+inf', s.positiveInfinities, ref.posInf],
    ['-inf', s.negativeInfinities, ref.negInf],
    ['finite', s.finiteCount, ref.finite],
  ];
  for (const [name, got, want] of exact) check(got === want, () => `${ctx()}: ${name} ${got} vs ${want}`);
  check(Object.is(s.min, ref.min) && Object.is(s.max, ref.max), () => `${ctx()}: min/max ${s.min} ${s.max} vs ${ref.min} ${ref.max}`);
  check(s.nullRate === (ref.rows ? ref.nulls / ref.rows : 0), () => `${ctx()}: null rate`);
  checkMoments(s, ref, ctx);
  qs.forEach((q, i) => checkQuantile(s.quantiles[i].value, exactQuantile(ref.sorted, q), s, () => `${ctx()} q=${q}`));
  checkHistogram(s, ref, ctx);
  checkDistinct(s.distinct, ref.distinct, s.sketch.hllPrecision, acc, ctx);
}

/** Two numeric states hold the same multiset: equal bytes except the moments (80..104), checked within tolerance elsewhere. */
function checkSameNumeric(a: NumericStatsState, b: NumericStatsState, ctx: () => string): void {
  const x = a.bytes;
  const y = b.bytes;
  check(x.length === y.length, () => `${ctx()}: state lengths ${x.length} vs ${y.length}`);
  check(sameBytes(x.subarray(0, 80), y.subarray(0, 80)) && sameBytes(x.subarray(104), y.subarray(104)), () => `${ctx()}: states differ`);
}

// ------------------------------------------------------------------ strings

const encoder = new TextEncoder();
const UNICODE = ['é', 'ß', '中', '文', '😀', 'e\u0301', 'ж', '∑', 'a', ' ', 'ü', '\u0000'];

function randomBytes(r: Rng, len: number, byte: () => number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = byte();
  return b;
}

function randomString(r: Rng, alphabet: readonly string[], maxLen: number): string {
  let s = '';
  const len = r.int(0, maxLen);
  for (let i = 0; i < len; i++) s += r.pick(alphabet);
  return s;
}

type StringFamily = 'zipf' | 'unique' | 'unicode' | 'long' | 'bytes' | 'empty';
const STRING_FAMILIES: readonly StringFamily[] = ['zipf', 'zipf', 'unique', 'unicode', 'long', 'bytes', 'empty'];
const ASCII = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const ODD_BYTES = [0x00, 0x80, 0xbf, 0xc3, 0xe2, 0xf0, 0xff, undefined];

function stringValues(r: Rng, n: number, fam: StringFamily): Uint8Array[] {
  const vocabSize = fam === 'long' ? r.pick([1, 3, 20, 200]) : r.pick([1, 3, 20, 200, 5000]);
  const vocab: Uint8Array[] = [];
  const word = (): Uint8Array => {
    switch (fam) {
      case 'zipf':
      case 'unique':
        return randomBytes(r, r.int(0, 12), () => 97 + r.int(0, 25));
      case 'unicode':
        return encoder.encode(randomString(r, UNICODE, 8));
      case 'long':
        return encoder.encode('x'.repeat(r.int(100, 140)) + randomString(r, UNICODE, 20));
      case 'bytes':
        return randomBytes(r, r.int(0, 20), () => r.pick(ODD_BYTES) ?? r.int(0, 255));
      case 'empty':
        return r.bool(0.8) ? new Uint8Array() : encoder.encode(randomString(r, ASCII, 3));
    }
  };
  const skew = r.pick([1, 2, 4]);
  const pick = (): Uint8Array => {
    if (fam === 'unique') return word();
    const i = Math.floor(vocabSize * r.next() ** skew);
    while (vocab.length <= i) vocab.push(word());
    return vocab[i];
  };
  return Array.from({ length: n }, pick);
}

interface StringColumnCase {
  readonly values: (Uint8Array | null)[];
  readonly offsets: Int32Array;
  readonly data: Uint8Array;
}

function column(values: readonly Uint8Array[], nulls: Nulls): StringColumnCase {
  const offsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((v, i) => {
    total += nulls.valid(i) ? v.length : 0;
    offsets[i + 1] = total;
  });
  const data = new Uint8Array(total);
  values.forEach((v, i) => nulls.valid(i) && data.set(v, offsets[i]));
  return { values: values.map((v, i) => (nulls.valid(i) ? v : null)), offsets, data };
}

function checkString(s: StringStats, ref: StringReference, col: StringColumnCase, acc: DistinctErrors, hashes: Map<string, bigint>, ctx: () => string): void {
  const exact: [string, number | null, number | null][] = [
    ['rows', s.rows, ref.rows],
    ['nulls', s.nulls, ref.nulls],
    ['count', s.count, ref.count],
    ['total length', s.totalLength, ref.totalLength],
    ['min length', s.minLength, ref.minLength],
    ['max length', s.maxLength, ref.maxLength],
  ];
  for (const [name, got, want] of exact) check(got === want, () => `${ctx()}: ${name} ${got} vs ${want}`);
  check(s.avgLength === (ref.count ? ref.totalLength / ref.count : null), () => `${ctx()}: avg length`);
  checkDistinct(s.distinct, ref.distinct, s.sketch.hllPrecision, acc, ctx);

  const k = s.topCapacity;
  const err = s.topValuesError;
  const sum = s.topValues.reduce((a, t) => a + t.count, 0);
  check(err * (k + 1) <= ref.count - sum, () => `${ctx()}: error bound ${err} with k=${k}, n=${ref.count}, sum=${sum}`);
  const seen = new Set<string>();
  for (let i = 0; i < s.topValues.length; i++) {
    const t = s.topValues[i];
    if (i > 0) check(s.topValues[i - 1].count >= t.count, () => `${ctx()}: top values not by count`);
    const v = col.values[t.row];
    check(v !== null && v !== undefined, () => `${ctx()}: representative row ${t.row} is null`);
    const key = bytesKey(v as Uint8Array);
    check(!seen.has(key), () => `${ctx()}: value listed twice`);
    seen.add(key);
    const full = (v as Uint8Array).length <= TOP_SAMPLE_MAX_BYTES;
    check(t.truncated === !full, () => `${ctx()}: truncated flag`);
    check(full ? bytesKey(t.bytes) === key : key.startsWith(bytesKey(t.bytes)) && t.bytes.length > TOP_SAMPLE_MAX_BYTES - 4, () => `${ctx()}: sample bytes`);
    const known = hashes.get(key);
    if (known === undefined) hashes.set(key, t.hash);
    else check(known === t.hash, () => `${ctx()}: hash of one value differs`);
    const f = ref.freq.get(key) ?? 0;
    check(t.count <= f && f <= t.count + err, () => `${ctx()}: count ${t.count} vs true ${f} (error ${err})`);
  }
  for (const [key, f] of ref.freq) {
    if (f > err) check(seen.has(key), () => `${ctx()}: value with count ${f} > error ${err} missing`);
    if (f > ref.count / (k + 1)) check(seen.has(key), () => `${ctx()}: heavy hitter ${f} > n/(k+1) missing`);
  }
}

// ------------------------------------------------------------------ tests

describe(`stats kernel (${runtime})`, () => {
  it('xxHash64 matches the specification vectors and the BigInt reference', async () => {
    const k = await testKernel();
    const vec: [string, bigint][] = [
      ['', 0xef46db3751d8e999n],
      ['a', 0xd24ec4f1a98c6e5bn],
      ['abc', 0x44bc2cf5ad770999n],
    ];
    for (const [s, h] of vec) {
      expect(must(statsHash(k, encoder.encode(s)))).toBe(h);
      expect(xxh64Reference(encoder.encode(s))).toBe(h);
    }
    const r = rng(7);
    for (let i = 0; i < 300; i++) {
      const b = Uint8Array.from({ length: r.int(0, 100) }, () => r.int(0, 255));
      expect(must(statsHash(k, b))).toBe(xxh64Reference(b));
    }
  });

  it('keeps the v1 state formats byte for byte', async () => {
    const k = await testKernel();
    const n = must(numericStats(k, new Float64Array([1, -2, 0, NaN]), Uint8Array.of(1, 1, 1, 1), { hllPrecision: 4 }));
    expect(hex(n.bytes)).toBe(
      '01010400' + '98000000' + // version, kind, p, pad, length 152
        '0400000000000000' + '0000000000000000' + '0100000000000000' + '0100000000000000' + // rows nulls nans zeros
        '0000000000000000' + '0000000000000000' + '0300000000000000' + // +inf -inf finite
        '00000000000000c0' + '000000000000f03f' + // min -2, max 1
        '000000000000f03f' + '555555555555f5bf' + 'abaaaaaaaaaa1240' + // shift 1, mean - shift -4/3, M2 14/3
        '00000002000000000002020000000000' + // 16 HyperLogLog registers
        '00000000' + '01000000' + '0100000000000000' + // positive store: bucket 0 holds 1
        '23000000' + '01000000' + '0100000000000000', // negative store: bucket 35 holds 2
    );
    const s = must(stringStatsOf(k, ['ab', null, 'ab', ''], { hllPrecision: 4, topCapacity: 2, rowOffset: 10 }));
    const h = must(statsHash(k, encoder.encode('ab')));
    const h0 = must(statsHash(k, new Uint8Array()));
    const u64 = (x: bigint): string => hex(new Uint8Array(new BigUint64Array([x]).buffer));
    expect(hex(s.bytes)).toBe(
      '01020400' + '80000000' + // version, kind, p, pad, length 128
        '0400000000000000' + '0100000000000000' + '0400000000000000' + // rows nulls bytes
        '00000000' + '02000000' + '0000000000000000' + '0200' + '0200' + '00000000' + // min max error cap entries pad
        '00000000000002000000000000000100' + // 16 HyperLogLog registers
        u64(h) + '0200000000000000' + '0a00000000000000' + '0200' + '00' + '6162' + // "ab" x2 at row 10
        u64(h0) + '0100000000000000' + '0d00000000000000' + '0000' + '00', // "" x1 at row 13
    );
  });

  it('handles empty, all-null, all-equal and special numeric columns', async () => {
    const k = await testKernel();
    const fin = (v: Float64Array, validity?: StatsValidity) => must(finalizeNumeric(k, must(numericStats(k, v, validity))));
    const empty = fin(new Float64Array());
    expect(empty).toMatchObject({ rows: 0, count: 0, nullRate: 0, min: null, max: null, mean: null, stdDev: null, distinct: 0, histogram: [] });
    expect(empty.quantiles.every((q) => q.value === null)).toBe(true);
    const allNull = fin(new Float64Array([1, 2, 3]), new Uint8Array(3));
    expect(allNull).toMatchObject({ rows: 3, count: 0, nulls: 3, nullRate: 1, min: null, mean: null, distinct: 0 });
    const same = fin(new Float64Array(100).fill(0.1));
    expect(same).toMatchObject({ min: 0.1, max: 0.1, mean: 0.1, variance: 0, stdDev: 0, distinct: 1 });
    expect(same.histogram).toEqual([{ low: 0.1, high: 0.1, count: 100 }]);
    expect(same.quantiles.map((q) => q.value)).toEqual(DEFAULT_QUANTILES.map(() => 0.1));
    const zeros = fin(new Float64Array([-0, 0, -0]));
    expect(Object.is(zeros.min, 0) && Object.is(zeros.max, 0)).toBe(true);
    expect(zeros).toMatchObject({ zeros: 3, distinct: 1, mean: 0 });
    const special = fin(new Float64Array([NaN, Infinity, -Infinity, 2, NaN]));
    expect(special).toMatchObject({ count: 5, nans: 2, positiveInfinities: 1, negativeInfinities: 1, finiteCount: 1, min: -Infinity, max: Infinity, mean: 2, variance: 0, distinct: 3 });
    expect(special.histogram).toEqual([
      { low: -Infinity, high: -Infinity, count: 1 },
      { low: 2, high: 2, count: 1 },
      { low: Infinity, high: Infinity, count: 1 },
    ]);
    const onlyNaN = fin(new Float64Array([NaN, NaN]));
    expect(onlyNaN).toMatchObject({ count: 2, nans: 2, min: null, max: null, mean: null, distinct: 0, histogram: [] });
    const onlyInf = fin(new Float64Array([Infinity, Infinity]));
    expect(onlyInf).toMatchObject({ min: Infinity, max: Infinity, mean: null, distinct: 1 });
    expect(onlyInf.quantiles.every((q) => q.value === Infinity)).toBe(true);
    const extremes = fin(new Float64Array([1.7976931348623157e308, -1.7976931348623157e308]));
    expect(extremes).toMatchObject({ min: -1.7976931348623157e308, max: 1.7976931348623157e308, mean: 0, variance: Infinity });
    expect(extremes.histogram.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const tiny = fin(new Float64Array([5e-324, 1e-310, MIN_NORMAL]));
    expect(tiny).toMatchObject({ min: 5e-324, max: MIN_NORMAL, distinct: 3 });
  });

  it('uses the empty state as the identity of merge', async () => {
    const k = await testKernel();
    const r = rng(5);
    const x = must(numericStats(k, numericValues(r, 300, 'logwide')));
    const e = must(numericStats(k, new Float64Array()));
    expect(must(mergeNumericStats(k, e, x)).bytes).toEqual(x.bytes);
    expect(must(mergeNumericStats(k, x, e)).bytes).toEqual(x.bytes);
    const y = must(stringStatsOf(k, stringValues(r, 300, 'zipf'), { topCapacity: 8 }));
    const f = must(stringStatsOf(k, [], { topCapacity: 8 }));
    expect(must(mergeStringStats(k, f, y)).bytes).toEqual(y.bytes);
    expect(must(mergeStringStats(k, y, f)).bytes).toEqual(y.bytes);
  });

  it('reads Arrow bitmaps at any bit offset and validates arguments', async () => {
    const k = await testKernel();
    const values = new Float64Array([1, 2, 3, 4, 5]);
    // bits from offset 3: rows 0..4 -> 1 0 1 1 0
    const bitmap = Uint8Array.of(0b0110_1000, 0b0000_0000);
    const s = must(finalizeNumeric(k, must(numericStats(k, values, { bitmap, offset: 3 }))));
    expect(s).toMatchObject({ nulls: 2, min: 1, max: 4, mean: 8 / 3 });
    const bad = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.code);
    expect(bad(numericStats(k, values, new Uint8Array(4)))).toBe('invalid_argument');
    expect(bad(numericStats(k, values, { bitmap, offset: 12 }))).toBe('invalid_argument');
    expect(bad(numericStats(k, values, undefined, { hllPrecision: 17 }))).toBe('invalid_argument');
    expect(bad(stringStatsOf(k, ['a'], { topCapacity: 0 }))).toBe('invalid_argument');
    expect(bad(stringStatsOf(k, ['a'], { rowOffset: -1 }))).toBe('invalid_argument');
    const data = encoder.encode('abc');
    expect(bad(stringStats(k, { offsets: Int32Array.of(0, 2, 1), data }))).toBe('invalid_argument');
    expect(bad(stringStats(k, { offsets: Int32Array.of(0, 4), data }))).toBe('invalid_argument');
    expect(bad(stringStats(k, { offsets: new Int32Array(), data }))).toBe('invalid_argument');
    const n = must(numericStats(k, values));
    expect(bad(finalizeNumeric(k, n, { quantiles: [1.5] }))).toBe('invalid_argument');
    expect(bad(finalizeNumeric(k, n, { histogramBuckets: 0 }))).toBe('invalid_argument');
    expect(bad(mergeNumericStats(k, n, must(numericStats(k, values, undefined, { hllPrecision: 10 }))))).toBe('invalid_argument');
    const a = must(stringStatsOf(k, ['a'], { topCapacity: 4 }));
    expect(bad(mergeStringStats(k, a, must(stringStatsOf(k, ['a'], { topCapacity: 5 }))))).toBe('invalid_argument');
    // A string state is not a numeric state, and vice versa.
    expect(bad(finalizeNumeric(k, { kind: 'numeric', bytes: a.bytes }))).toBe('invalid_argument');
    expect(bad(finalizeString(k, { kind: 'string', bytes: n.bytes }))).toBe('invalid_argument');
  });

  it('handles empty, non-ASCII and long strings', async () => {
    const k = await testKernel();
    const fin = (vs: (string | null)[], topCapacity = 8) => must(finalizeString(k, must(stringStatsOf(k, vs, { topCapacity }))));
    expect(fin([])).toMatchObject({ rows: 0, count: 0, distinct: 0, avgLength: null, minLength: null, topValues: [], topValuesError: 0 });
    expect(fin([null, null])).toMatchObject({ rows: 2, nulls: 2, nullRate: 1, distinct: 0, topValues: [] });
    const e = fin(['', '', 'a']);
    expect(e).toMatchObject({ minLength: 0, maxLength: 1, avgLength: 1 / 3, distinct: 2 });
    expect(e.topValues.map((t) => [t.value, t.count])).toEqual([['', 2], ['a', 1]]);
    const u = fin(['héllo', '中文', '😀', '中文']);
    expect([u.topValues[0].value, u.topValues[0].count, u.topValues[0].row]).toEqual(['中文', 2, 1]);
    expect(new Set(u.topValues.slice(1).map((t) => `${t.value}@${t.row}x${t.count}`))).toEqual(new Set(['héllo@0x1', '😀@2x1']));
    expect(u).toMatchObject({ minLength: 4, maxLength: 6, distinct: 3 });
    const long = 'a'.repeat(127) + '😀' + 'tail';
    const l = fin([long, long]);
    expect(l.topValues[0]).toMatchObject({ value: 'a'.repeat(127), truncated: true, count: 2, row: 0 });
    expect(l.maxLength).toBe(135);
  });

  it(`matches the reference on ${CASES} random numeric columns, merged across random partitions`, async () => {
    const k = await testKernel();
    const r = rng(20261130);
    const acc: DistinctErrors = { z: [] };
    const merge = (a: NumericStatsState, b: NumericStatsState) => must(mergeNumericStats(k, a, b), 'merge');
    for (let c = 0; c < CASES; c++) {
      const fam = r.pick(FAMILIES);
      const n = caseSize(r);
      const values = numericValues(r, n, fam);
      const nulls = makeNulls(r, n);
      const p = r.pick([12, 12, 12, 4, 8, 14]);
      const ctx = () => `case ${c} (${fam}, n=${n}, p=${p})`;
      const whole = must(numericStats(k, values, nulls.slice(0, n), { hllPrecision: p }), 'numericStats');
      const cs = cuts(r, n);
      const parts = cs.slice(0, -1).map((s, i) => must(numericStats(k, values.subarray(s, cs[i + 1]), nulls.slice(s, cs[i + 1]), { hllPrecision: p })));
      const merged = mergeRandomly(r, parts, merge);
      checkSameNumeric(merged, whole, ctx);
      const ref = numericReference(values, nulls.valid);
      const qs = [...DEFAULT_QUANTILES, 0, 1, r.next(), r.next()];
      const buckets = r.pick([1, 2, 10, 10, 37]);
      const fw = must(finalizeNumeric(k, whole, { quantiles: qs, histogramBuckets: buckets }));
      checkNumeric(fw, ref, qs, acc, () => `${ctx()} whole`);
      const fm = must(finalizeNumeric(k, merged, { quantiles: qs, histogramBuckets: buckets }));
      checkNumeric(fm, ref, qs, { z: [] }, () => `${ctx()} merged`);
      check(JSON.stringify(fm.quantiles) === JSON.stringify(fw.quantiles) && JSON.stringify(fm.histogram) === JSON.stringify(fw.histogram) && fm.distinct === fw.distinct, () => `${ctx()}: merged sketches differ`);
      if (parts.length >= 3) {
        const [a, b, d] = parts;
        checkSameNumeric(merge(merge(a, b), d), merge(a, merge(b, d)), () => `${ctx()} associativity`);
      }
      if (c % 50 === 0) checkSameNumeric(must(numericStatsState(k, merged.bytes)), merged, ctx);
    }
    const beyond3 = acc.z.filter((z) => Math.abs(z) > 3).length;
    expect(beyond3).toBeLessThanOrEqual(Math.max(2, acc.z.length * 0.01));
  });

  it(`matches the reference on ${CASES} random string columns, merged across random partitions`, async () => {
    const k = await testKernel();
    const r = rng(977);
    const acc: DistinctErrors = { z: [] };
    const hashes = new Map<string, bigint>();
    const merge = (a: StringStatsState, b: StringStatsState) => must(mergeStringStats(k, a, b), 'merge');
    for (let c = 0; c < CASES; c++) {
      const fam = r.pick(STRING_FAMILIES);
      const n = caseSize(r);
      const nulls = makeNulls(r, n);
      const col = column(stringValues(r, n, fam), nulls);
      const p = r.pick([12, 12, 4, 8, 14]);
      const topCapacity = r.pick([1, 2, 5, 16, 64, 256]);
      const ctx = () => `case ${c} (${fam}, n=${n}, p=${p}, k=${topCapacity})`;
      const opts = { hllPrecision: p, topCapacity };
      const whole = must(stringStats(k, col, nulls.slice(0, n), opts), 'stringStats');
      const cs = cuts(r, n);
      const parts = cs.slice(0, -1).map((s, i) =>
        must(stringStats(k, { offsets: col.offsets.subarray(s, cs[i + 1] + 1), data: col.data }, nulls.slice(s, cs[i + 1]), { ...opts, rowOffset: s })),
      );
      const merged = mergeRandomly(r, parts, merge);
      const ref = stringReference(col.values);
      const fw = must(finalizeString(k, whole, { topK: topCapacity }));
      checkString(fw, ref, col, acc, hashes, () => `${ctx()} whole`);
      const fm = must(finalizeString(k, merged, { topK: topCapacity }));
      checkString(fm, ref, col, { z: [] }, hashes, () => `${ctx()} merged`);
      // Counts and HyperLogLog registers merge exactly.
      check(sameBytes(merged.bytes.subarray(8, 40), whole.bytes.subarray(8, 40)), () => `${ctx()}: merged header differs`);
      check(sameBytes(merged.bytes.subarray(56, 56 + 2 ** p), whole.bytes.subarray(56, 56 + 2 ** p)), () => `${ctx()}: merged registers differ`);
      if (c % 50 === 0) expect(must(stringStatsState(k, merged.bytes)).bytes).toEqual(merged.bytes);
      if (c % 100 === 0) {
        for (const t of fw.topValues.slice(0, 3)) {
          const v = col.values[t.row] as Uint8Array;
          check(xxh64Reference(v) === t.hash, () => `${ctx()}: hash differs from reference`);
        }
      }
    }
    const beyond3 = acc.z.filter((z) => Math.abs(z) > 3).length;
    expect(beyond3).toBeLessThanOrEqual(Math.max(2, acc.z.length * 0.01));
  });

  it('estimates large distinct counts within 3 sigma (numbers and strings, merged)', async () => {
    const k = await testKernel();
    const r = rng(4242);
    const z: number[] = [];
    for (let c = 0; c < 20; c++) {
      const distinct = Math.floor(10 ** (3 + r.next() * 2)); // 1e3 .. 1e5
      const p = r.pick([10, 12, 14]);
      const sigma = distinctStandardError(p);
      const base = r.int(0, 1e9);
      const numeric = c % 2 === 0;
      const ids = Array.from({ length: distinct + r.int(0, distinct) }, (_, i) => base + (i < distinct ? i : r.int(0, distinct - 1)));
      const cs = cuts(r, ids.length);
      let est: number;
      if (numeric) {
        const v = Float64Array.from(ids, (x) => x * 0.25);
        const parts = cs.slice(0, -1).map((s, i) => must(numericStats(k, v.subarray(s, cs[i + 1]), undefined, { hllPrecision: p })));
        est = must(finalizeNumeric(k, mergeRandomly(r, parts, (a, b) => must(mergeNumericStats(k, a, b))))).distinct;
      } else {
        const v = ids.map((x) => `user-${x}`);
        const parts = cs.slice(0, -1).map((s, i) => must(stringStatsOf(k, v.slice(s, cs[i + 1]), { hllPrecision: p, topCapacity: 16 })));
        est = must(finalizeString(k, mergeRandomly(r, parts, (a, b) => must(mergeStringStats(k, a, b))))).distinct;
      }
      z.push((est - distinct) / (sigma * distinct));
    }
    for (const x of z) expect(Math.abs(x)).toBeLessThanOrEqual(3);
    expect(z.reduce((a, x) => a + x * x, 0) / z.length).toBeLessThan(2);
  });

  it('keeps the top-value guarantees when partitions overflow the 8192-counter working table', async () => {
    const k = await testKernel();
    const r = rng(31337);
    const acc: DistinctErrors = { z: [] };
    const hashes = new Map<string, bigint>();
    let overflowed = 0;
    for (let c = 0; c < 6; c++) {
      const n = r.int(20_000, 40_000);
      const vocab = Array.from({ length: r.pick([10_000, 30_000]) }, (_, i) => encoder.encode(`v${i}-${r.int(0, 99)}`));
      const skew = r.pick([1.5, 3]);
      const nulls = makeNulls(r, n);
      const col = column(Array.from({ length: n }, () => vocab[Math.floor(vocab.length * r.next() ** skew)]), nulls);
      const topCapacity = r.pick([16, 256, 4096]);
      const opts = { hllPrecision: 12, topCapacity };
      const ctx = () => `large case ${c} (n=${n}, k=${topCapacity})`;
      const ref = stringReference(col.values);
      if (ref.distinct > 8192) overflowed++;
      const whole = must(stringStats(k, col, nulls.slice(0, n), opts));
      checkString(must(finalizeString(k, whole, { topK: topCapacity })), ref, col, acc, hashes, () => `${ctx()} whole`);
      const cs = cuts(r, n);
      const parts = cs.slice(0, -1).map((s, i) =>
        must(stringStats(k, { offsets: col.offsets.subarray(s, cs[i + 1] + 1), data: col.data }, nulls.slice(s, cs[i + 1]), { ...opts, rowOffset: s })),
      );
      const merged = mergeRandomly(r, parts, (a, b) => must(mergeStringStats(k, a, b)));
      checkString(must(finalizeString(k, merged, { topK: topCapacity })), ref, col, acc, hashes, () => `${ctx()} merged`);
    }
    expect(overflowed).toBeGreaterThanOrEqual(2);
  });

  it('rejects corrupt state blobs with an error value, never a trap', async () => {
    const k = await testKernel();
    const r = rng(99);
    const numeric = [
      must(numericStats(k, numericValues(r, 500, 'logwide'))),
      must(numericStats(k, numericValues(r, 50, 'normal'), undefined, { hllPrecision: 4 })),
      must(numericStats(k, new Float64Array())),
    ];
    const strings = [
      must(stringStatsOf(k, stringValues(r, 300, 'zipf'), { topCapacity: 8, hllPrecision: 4 })),
      must(stringStatsOf(k, stringValues(r, 100, 'long'), { topCapacity: 4, hllPrecision: 6 })),
    ];
    const allowed = new Set(['corrupt_data', 'unsupported_version', 'invalid_argument']);
    const codeOf = (x: Result<unknown>) => (x.ok ? 'ok' : x.error.code);
    const mutate = (b: Uint8Array): Uint8Array => {
      const m = b.slice();
      switch (r.int(0, 4)) {
        case 0:
          return m.subarray(0, r.int(0, m.length - 1));
        case 1:
          for (let i = r.int(1, 4); i > 0; i--) m[r.int(0, m.length - 1)] ^= 1 << r.int(0, 7);
          return m;
        case 2:
          m[r.int(0, Math.min(m.length, 112) - 1)] = r.int(0, 255);
          return m;
        case 3:
          return Uint8Array.from({ length: r.int(0, 200) }, () => r.int(0, 255));
        default: {
          const grown = new Uint8Array(m.length + r.int(1, 16));
          grown.set(m);
          new DataView(grown.buffer).setUint32(4, grown.length, true);
          return grown;
        }
      }
    };
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      if (i % 2 === 0) {
        const s = r.pick(numeric);
        const bad = { kind: 'numeric' as const, bytes: mutate(s.bytes) };
        for (const res of [finalizeNumeric(k, bad), mergeNumericStats(k, s, bad), mergeNumericStats(k, bad, s), numericStatsState(k, bad.bytes)]) {
          const code = codeOf(res);
          expect(code === 'ok' || allowed.has(code), `numeric mutation ${i}: ${code}`).toBe(true);
          if (code !== 'ok') rejected++;
        }
      } else {
        const s = r.pick(strings);
        const bad = { kind: 'string' as const, bytes: mutate(s.bytes) };
        for (const res of [finalizeString(k, bad), mergeStringStats(k, s, bad), mergeStringStats(k, bad, s), stringStatsState(k, bad.bytes)]) {
          const code = codeOf(res);
          expect(code === 'ok' || allowed.has(code), `string mutation ${i}: ${code}`).toBe(true);
          if (code !== 'ok') rejected++;
        }
      }
    }
    expect(rejected).toBeGreaterThan(6000);
    const n = numeric[0].bytes;
    const v2 = n.slice();
    v2[0] = 2;
    expect(codeOf(finalizeNumeric(k, { kind: 'numeric', bytes: v2 }))).toBe('unsupported_version');
    expect(codeOf(finalizeNumeric(k, { kind: 'numeric', bytes: n.subarray(0, 50) }))).toBe('corrupt_data');
    expect(codeOf(finalizeNumeric(k, { kind: 'numeric', bytes: new Uint8Array() }))).toBe('corrupt_data');
    const c = n.slice();
    c[8] ^= 1; // rows no longer add up
    expect(codeOf(numericStatsState(k, c))).toBe('corrupt_data');
  });
});

