// The TFDV export checked field by field against the messages of
// tensorflow_metadata/proto/v0/statistics.proto (fixtures/statistics.proto),
// in the proto3 JSON mapping that TFDV's json_format.Parse reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ViewStatistics, ViewStatisticsSchema } from '../../../src/core/schema/statistics.ts';
import { toTfdvStatistics, tfdvType } from '../../../src/core/statistics/tfdv.ts';
import { checkProtoJson, jsonName, parseProto } from './proto-shape.ts';

const proto = parseProto(readFileSync(new URL('./fixtures/statistics.proto', import.meta.url), 'utf8'));
const M = 'DatasetFeatureStatisticsList';

const q = { p1: 1, p5: 2, p25: 10, p50: 20.5, p75: 30, p95: 40, p99: 41 };
const record: ViewStatistics = ViewStatisticsSchema.parse({
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

describe('TFDV DatasetFeatureStatisticsList export', () => {
  it('the proto fixture reads as the messages TFDV defines', () => {
    expect(proto.messages.get('CommonStatistics')!.map((f) => jsonName(f.name))).toEqual([
      'numNonMissing', 'numMissing', 'minNumValues', 'maxNumValues', 'avgNumValues', 'totNumValues', 'numValuesHistogram',
      'weightedCommonStats', 'featureListLengthHistogram', 'presenceAndValencyStats', 'weightedPresenceAndValencyStats',
    ]);
    expect(proto.enums.get('Histogram.HistogramType')).toEqual(['STANDARD', 'QUANTILES']);
    expect(proto.messages.get('StringStatistics.FreqAndValue')!.map((f) => f.name)).toEqual(['value', 'frequency']);
  });

  it('conforms to the proto3 JSON mapping field by field', () => {
    const out = toTfdvStatistics(record);
    expect(checkProtoJson(proto, M, out)).toEqual([]);
    // The checker does catch mistakes: snake_case keys, numbers for uint64, unknown enum names, two oneof members.
    const bad = JSON.parse(JSON.stringify(out));
    bad.datasets[0].num_examples = '100';
    bad.datasets[0].numExamples = 100;
    bad.datasets[0].features[0].type = 'DOUBLE';
    bad.datasets[0].features[0].stringStats = { unique: '1' };
    expect(checkProtoJson(proto, M, bad)).toEqual([
      expect.stringContaining('.numExamples: uint64 must be a non-negative decimal string'),
      expect.stringContaining('"DOUBLE" is not a value of enum FeatureNameStatistics.Type'),
      expect.stringContaining('oneof stats has both numStats and stringStats'),
      expect.stringContaining('.num_examples: no field'),
    ]);
  });

  it('maps the values of every kind of feature', () => {
    const [ds] = toTfdvStatistics(record).datasets;
    expect(ds.name).toBe('trips');
    expect(ds.numExamples).toBe('100');
    const [price, qty, empty, city, photo, scores] = ds.features;
    expect(price).toEqual({
      name: 'price',
      type: 'FLOAT',
      numStats: {
        commonStats: {
          numNonMissing: '90', numMissing: '10', minNumValues: '1', maxNumValues: '1', avgNumValues: 1, totNumValues: '90',
          numValuesHistogram: { buckets: Array(10).fill({ lowValue: 1, highValue: 1, sampleCount: 9 }), type: 'QUANTILES' },
        },
        mean: 20.25, stdDev: 11.5, numZeros: '3', min: 0.5, median: 20.5, max: 42,
        histograms: [
          { numNan: '2', buckets: [{ lowValue: 0.5, highValue: 21.25, sampleCount: 50 }, { lowValue: 21.25, highValue: 42, sampleCount: 38 }], type: 'STANDARD' },
          { numNan: '2', buckets: [{ lowValue: 0.5, highValue: 20.5, sampleCount: 44 }, { lowValue: 20.5, highValue: 42, sampleCount: 44 }], type: 'QUANTILES' },
        ],
      },
    });
    expect(qty.type).toBe('INT');
    // All null: no values, so no mean/min/max (proto3 leaves unset numbers out).
    expect(empty.numStats).toEqual({
      commonStats: { numNonMissing: '0', numMissing: '100', minNumValues: '0', maxNumValues: '0', avgNumValues: 0, totNumValues: '0' },
      numZeros: '0',
      histograms: [{ numNan: '0', buckets: [], type: 'STANDARD' }],
    });
    expect(city).toMatchObject({
      type: 'STRING',
      stringStats: {
        commonStats: { numNonMissing: '95', numMissing: '5' },
        unique: '12',
        topValues: [{ value: 'paris', frequency: 40 }, { value: 'tokyo', frequency: 20 }],
        avgLength: 5.5,
        rankHistogram: { buckets: [{ lowRank: '0', highRank: '0', label: 'paris', sampleCount: 40 }, { lowRank: '1', highRank: '1', label: 'tokyo', sampleCount: 20 }] },
      },
    });
    expect(photo).toEqual({
      name: 'photo',
      type: 'BYTES',
      bytesStats: {
        commonStats: expect.objectContaining({ numNonMissing: '100' }),
        unique: '100', avgNumBytes: 64, minNumBytes: 10, maxNumBytes: 300,
      },
    });
    // Lists: value counts per example, element statistics.
    expect(scores.type).toBe('INT');
    expect(scores.numStats!.commonStats).toEqual({ numNonMissing: '60', numMissing: '40', minNumValues: '0', maxNumValues: '5', avgNumValues: 2.5, totNumValues: '150' });
  });

  it('types follow the registry dtypes', () => {
    expect(['bool', 'int32', 'int64', 'unix_timestamp', 'float32', 'float64', 'string', 'bytes', 'list<float32>', 'list<string>'].map(tfdvType)).toEqual([
      'INT', 'INT', 'INT', 'INT', 'FLOAT', 'FLOAT', 'STRING', 'BYTES', 'FLOAT', 'STRING',
    ]);
  });
});
