// The running statistics of one feature: each batch becomes a kernel state
// that is merged into the one held (a few KiB), so memory does not grow with
// the data. Lists count rows at the row level and describe their elements.
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { Dtype } from '../../src/core/schema/dtype.ts';
import type { FeatureStatistics } from '../../src/core/schema/statistics.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import {
  DEFAULT_HLL_PRECISION,
  finalizeNumeric,
  finalizeString,
  mergeNumericStats,
  mergeStringStats,
  numericStats,
  stringStats,
  type NumericStatsState,
  type StringStatsState,
} from '../../src/kernel/stats.ts';
import { statsKindOf } from './stats-dtype.ts';
import type { NumericInput, StatsInput, StringInput } from './stats-input.ts';

export interface AccumulatorOptions {
  readonly hllPrecision?: number;
  readonly histogramBuckets?: number;
  readonly topValues?: number;
}

const QUANTILE_NAMES = ['p1', 'p5', 'p25', 'p50', 'p75', 'p95', 'p99'] as const;
const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

/** JSON has no infinities or NaN: they become null in the record. */
const num = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : x);

/** Infinite values have their own one-value buckets in the kernel's histogram: JSON cannot hold them. */
const finiteBuckets = (h: readonly { low: number; high: number; count: number }[]) =>
  h.filter((b) => Number.isFinite(b.low) && Number.isFinite(b.high)).map((b) => ({ low: b.low, high: b.high, count: b.count }));

export class FeatureAccumulator {
  readonly name: string;
  readonly dtype: Dtype;
  readonly #options: AccumulatorOptions;
  #rows = 0;
  #nulls = 0;
  #numeric: NumericStatsState | null = null;
  #string: StringStatsState | null = null;
  /** Rows seen before this batch (string top values remember a row). */
  #elementRows = 0;
  #lists: { min: number; max: number; total: number; rows: number } | null = null;

  constructor(name: string, dtype: Dtype, options: AccumulatorOptions = {}) {
    this.name = name;
    this.dtype = dtype;
    this.#options = options;
  }

  /** Add one batch (already restricted to the rows wanted). */
  add(k: KernelInstance, input: StatsInput): Result<void> {
    if (input.kind === 'list') {
      const rows = input.rows;
      this.#rows += rows;
      const l = (this.#lists ??= { min: Infinity, max: -Infinity, total: 0, rows: 0 });
      for (let i = 0; i < rows; i++) {
        if (input.validity !== null && input.validity[i] === 0) {
          this.#nulls++;
          continue;
        }
        const len = input.lengths[i];
        l.rows++;
        l.total += len;
        if (len < l.min) l.min = len;
        if (len > l.max) l.max = len;
      }
      return this.#addValues(k, input.element);
    }
    const n = input.kind === 'numeric' ? input.values.length : input.offsets.length - 1;
    this.#rows += n;
    if (input.validity !== null) for (let i = 0; i < n; i++) this.#nulls += input.validity[i] === 0 ? 1 : 0;
    return this.#addValues(k, input);
  }

  #addValues(k: KernelInstance, input: NumericInput | StringInput): Result<void> {
    const hllPrecision = this.#options.hllPrecision ?? DEFAULT_HLL_PRECISION;
    if (input.kind === 'numeric') {
      if (input.values.length === 0 && this.#numeric !== null) return ok(undefined);
      const s = numericStats(k, input.values, input.validity ?? undefined, { hllPrecision });
      if (!s.ok) return s;
      if (this.#numeric === null) this.#numeric = s.value;
      else {
        const m = mergeNumericStats(k, this.#numeric, s.value);
        if (!m.ok) return m;
        this.#numeric = m.value;
      }
      return ok(undefined);
    }
    const n = input.offsets.length - 1;
    if (n === 0 && this.#string !== null) return ok(undefined);
    const s = stringStats(k, { offsets: input.offsets, data: input.data }, input.validity ?? undefined, { hllPrecision, rowOffset: this.#elementRows });
    if (!s.ok) return s;
    this.#elementRows += n;
    if (this.#string === null) this.#string = s.value;
    else {
      const m = mergeStringStats(k, this.#string, s.value);
      if (!m.ok) return m;
      this.#string = m.value;
    }
    return ok(undefined);
  }

  /** The feature's statistics (a feature with no rows at all gets empty summaries). */
  finish(k: KernelInstance): Result<FeatureStatistics> {
    const rows = this.#rows;
    const nulls = this.#nulls;
    const base = { name: this.name, dtype: this.dtype, rows, count: rows - nulls, nulls, nullRate: rows === 0 ? 0 : nulls / rows };
    const lists = this.#lists;
    const listPart =
      lists === null
        ? {}
        : {
            valuesPerRow:
              lists.rows === 0 ? { min: null, max: null, mean: null } : { min: lists.min, max: lists.max, mean: lists.total / lists.rows },
          };
    if (this.#string === null && this.#numeric === null && statsKindOf(this.dtype).element === 'string') {
      // No batch at all (an empty file): empty string statistics.
      const empty = stringStats(k, { offsets: new Int32Array(1), data: new Uint8Array(0) });
      if (!empty.ok) return empty;
      this.#string = empty.value;
    }
    if (this.#string !== null) {
      const s = finalizeString(k, this.#string, { topK: this.#options.topValues ?? 20 });
      if (!s.ok) return s;
      const v = s.value;
      return ok({
        ...base,
        distinct: v.distinct,
        ...listPart,
        string: {
          avgLength: v.avgLength,
          minLength: v.minLength,
          maxLength: v.maxLength,
          topValues: v.topValues.map((t) => ({ value: t.value, count: t.count })),
          topValuesError: v.topValuesError,
        },
      });
    }
    if (this.#numeric === null) {
      // No batch at all (an empty file): nothing to describe beyond the counts.
      const empty = numericStats(k, new Float64Array(0));
      if (!empty.ok) return empty;
      this.#numeric = empty.value;
    }
    const f = finalizeNumeric(k, this.#numeric, { quantiles: QUANTILES, histogramBuckets: this.#options.histogramBuckets ?? 10 });
    if (!f.ok) return f;
    const v = f.value;
    if (v.quantiles.length !== QUANTILE_NAMES.length) return err('kernel_failed', 'stats: unexpected quantile count');
    const quantiles = Object.fromEntries(QUANTILE_NAMES.map((q, i) => [q, num(v.quantiles[i].value)])) as Record<(typeof QUANTILE_NAMES)[number], number | null>;
    return ok({
      ...base,
      distinct: v.distinct,
      ...listPart,
      numeric: {
        min: num(v.min),
        max: num(v.max),
        mean: num(v.mean),
        stdDev: num(v.stdDev),
        zeros: v.zeros,
        nans: v.nans,
        quantiles,
        histogram: finiteBuckets(v.histogram),
        quantileHistogram: finiteBuckets(v.quantileHistogram),
      },
    });
  }
}
