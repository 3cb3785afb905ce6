// The TFDV export checked field by field against the messages of
// tensorflow_metadata/proto/v0/statistics.proto (fixtures/statistics.proto),
// in the proto3 JSON mapping that TFDV's json_format.Parse reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toTfdvStatistics, tfdvType } from '../../../src/core/statistics/tfdv.ts';
import { checkProtoJson, jsonName, parseProto } from './proto-shape.ts';
import { sampleStatistics as record } from './sample-record.ts';

const proto = parseProto(readFileSync(new URL('./fixtures/statistics.proto', import.meta.url), 'utf8'));
const M = 'DatasetFeatureStatisticsList';

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
