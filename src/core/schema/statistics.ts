import { z } from 'zod';

/**
 * Per-view feature statistics as larder stores them (metadata kind `statistics`, one record per
 * view, name = view name) and serves them (`GET /registry/feature-views/{name}/statistics`).
 * Version 1. Numbers that do not exist (min of an all-null column) are null. Quantiles and
 * distinct counts come from sketches: `sketch` states their error bounds.
 */
export const STATISTICS_FORMAT_VERSION = 1;

const Num = z.number().nullable();

export const HistogramBucketSchema = z.strictObject({ low: z.number(), high: z.number(), count: z.number().nonnegative() });

export const NumericSummarySchema = z.strictObject({
  min: Num,
  max: Num,
  mean: Num,
  stdDev: Num,
  zeros: z.number().int().nonnegative(),
  nans: z.number().int().nonnegative(),
  /** p1, p5, p25, p50, p75, p95, p99 */
  quantiles: z.strictObject({ p1: Num, p5: Num, p25: Num, p50: Num, p75: Num, p95: Num, p99: Num }),
  /** Equal-width buckets between min and max. */
  histogram: z.array(HistogramBucketSchema),
  /** Equal-mass buckets between quantiles i/B (TFDV's QUANTILES histogram); count = count / B each. */
  quantileHistogram: z.array(HistogramBucketSchema).optional(),
});

export const StringSummarySchema = z.strictObject({
  avgLength: Num,
  minLength: Num,
  maxLength: Num,
  /** Most frequent values, most frequent first (Misra-Gries; counts are lower bounds within `topValuesError`). */
  topValues: z.array(z.strictObject({ value: z.string(), count: z.number().int().nonnegative() })),
  topValuesError: z.number().nonnegative(),
});

export const FeatureStatisticsSchema = z.strictObject({
  name: z.string(),
  /** The registry dtype, e.g. `Float64`, `String`, `Array(Int64)`. */
  dtype: z.string(),
  /** Rows seen (nulls included). */
  rows: z.number().int().nonnegative(),
  /** Non-null values. */
  count: z.number().int().nonnegative(),
  nulls: z.number().int().nonnegative(),
  nullRate: z.number().min(0).max(1),
  /** HyperLogLog estimate of distinct non-null values. */
  distinct: z.number().nonnegative(),
  /** List features only: elements per non-null row (numeric/string then describe the elements). */
  valuesPerRow: z.strictObject({ min: Num, max: Num, mean: Num }).optional(),
  numeric: NumericSummarySchema.optional(),
  string: StringSummarySchema.optional(),
});

export const ViewStatisticsSchema = z.strictObject({
  formatVersion: z.literal(STATISTICS_FORMAT_VERSION),
  /** A feature view name, or the file's name for `larder stats --file`. */
  view: z.string(),
  /** RFC 3339. */
  computedAt: z.string(),
  /** The event-time window the rows were taken from (RFC 3339, inclusive); null = unbounded. */
  window: z.strictObject({ start: z.string().nullable(), end: z.string().nullable() }),
  rowCount: z.number().int().nonnegative(),
  sketch: z.strictObject({ quantileRelativeError: z.number(), distinctStandardError: z.number() }),
  features: z.array(FeatureStatisticsSchema),
});

export type HistogramBucketStats = z.output<typeof HistogramBucketSchema>;
export type FeatureStatistics = z.output<typeof FeatureStatisticsSchema>;
export type ViewStatistics = z.output<typeof ViewStatisticsSchema>;
