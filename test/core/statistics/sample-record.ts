import { type ViewStatistics, ViewStatisticsSchema } from '../../../src/core/schema/statistics.ts';

const q = { p1: 1, p5: 2, p25: 10, p50: 20.5, p75: 30, p95: 40, p99: 41 };
/** A ViewStatistics record with one feature of every kind (numeric, all-null, string, bytes, list). */
export const sampleStatistics: ViewStatistics = ViewStatisticsSchema.parse({
  formatVersion: 1,
  view: 'trips',
  computedAt: '2025-01-01T00:00:00Z',
  window: { start: null, end: '2025-01-01T00:00:00Z' },
  rowCount: 100,
  sketch: { quantileRelativeError: 0.01, distinctStandardError: 0.01625 },
  features: [
    {
      name: 'price', dtype: 'float64', rows: 100, count: 90, nulls: 10, nullRate: 0.1, distinct: 80,
      numeric: {
        min: 0.5, max: 42, mean: 20.25, stdDev: 11.5, zeros: 3, nans: 2, quantiles: q,
        histogram: [{ low: 0.5, high: 21.25, count: 50 }, { low: 21.25, high: 42, count: 38 }],
        quantileHistogram: [{ low: 0.5, high: 20.5, count: 44 }, { low: 20.5, high: 42, count: 44 }],
      },
    },
    {
      name: 'qty', dtype: 'int64', rows: 100, count: 100, nulls: 0, nullRate: 0, distinct: 7,
      numeric: { min: -3, max: 9, mean: 2, stdDev: 1, zeros: 0, nans: 0, quantiles: q, histogram: [{ low: -3, high: 9, count: 100 }] },
    },
    {
      name: 'empty', dtype: 'float32', rows: 100, count: 0, nulls: 100, nullRate: 1, distinct: 0,
      numeric: { min: null, max: null, mean: null, stdDev: null, zeros: 0, nans: 0, quantiles: { p1: null, p5: null, p25: null, p50: null, p75: null, p95: null, p99: null }, histogram: [] },
    },
    {
      name: 'city', dtype: 'string', rows: 100, count: 95, nulls: 5, nullRate: 0.05, distinct: 12,
      string: { avgLength: 5.5, minLength: 4, maxLength: 9, topValues: [{ value: 'paris', count: 40 }, { value: 'tokyo', count: 20 }], topValuesError: 0 },
    },
    {
      name: 'photo', dtype: 'bytes', rows: 100, count: 100, nulls: 0, nullRate: 0, distinct: 100,
      string: { avgLength: 64, minLength: 10, maxLength: 300, topValues: [], topValuesError: 1 },
    },
    {
      name: 'scores', dtype: 'list<int64>', rows: 100, count: 60, nulls: 40, nullRate: 0.4, distinct: 30,
      valuesPerRow: { min: 0, max: 5, mean: 2.5 },
      numeric: { min: 1, max: 99, mean: 50, stdDev: 20, zeros: 0, nans: 0, quantiles: q, histogram: [{ low: 1, high: 99, count: 150 }] },
    },
  ],
});

