// feastResponseJson must be exactly JSON.stringify(toFeastResponse(r)): the Worker sends the
// former, the in-process client returns the latter, and Feast clients parse either.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feastResponseJson, toFeastResponse } from '../../src/serving/feast-response.ts';
import type { FeatureStatus, OnlineFeaturesResult, ResultColumn } from '../../src/serving/online-features.ts';

const statuses: FeatureStatus[] = ['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE'];
const anyNumber = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.1, 2 ** 53 + 2), fc.integer());
const valueFor: Record<string, fc.Arbitrary<unknown>> = {
  float32: fc.oneof(anyNumber.map((x) => Math.fround(x)), fc.constant(null)),
  float64: fc.oneof(anyNumber, fc.constant(null), fc.constant(undefined)),
  int32: fc.oneof(fc.integer(), fc.constant(null), fc.constant(NaN)),
  int64: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer(), fc.constant(null)),
  string: fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '\u2028', '\ud800'), fc.constant(null)),
  bool: fc.oneof(fc.boolean(), fc.constant(null)),
  bytes: fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.constant(null)),
  'list<float64>': fc.oneof(fc.array(anyNumber, { maxLength: 3 }), fc.constant(null)),
};

function column(n: number): fc.Arbitrary<ResultColumn> {
  return fc.constantFrom(...Object.keys(valueFor)).chain((dtype) =>
    fc.record({
      name: fc.string(),
      dtype: fc.constant(dtype),
      values: fc.array(valueFor[dtype], { minLength: n, maxLength: n }) as fc.Arbitrary<never[]>,
      // mostly-uniform columns (the fast path) and mixed ones
      statuses: fc.oneof(fc.constantFrom(...statuses).map((s) => Array(n).fill(s)), fc.array(fc.constantFrom(...statuses), { minLength: n, maxLength: n })),
      eventTimestamps: fc.oneof(
        fc.constantFrom(0, 1_796_027_614_243_123).map((t) => Array(n).fill(t)),
        fc.array(fc.integer({ min: 0, max: 4_102_444_800_000_000 }), { minLength: n, maxLength: n }),
      ),
    }),
  );
}

const result: fc.Arbitrary<OnlineFeaturesResult> = fc
  .integer({ min: 0, max: 6 })
  .chain((n) => fc.array(column(n), { maxLength: 5 }))
  .map((results) => ({ featureNames: results.map((c) => c.name), results }));

describe('feastResponseJson', () => {
  it('is byte for byte JSON.stringify(toFeastResponse(r))', () => {
    fc.assert(
      fc.property(result, (r) => {
        expect(feastResponseJson(r)).toBe(JSON.stringify(toFeastResponse(r)));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a typical response (numbers, uniform statuses and timestamps) as Feast does', () => {
    const r: OnlineFeaturesResult = {
      featureNames: ['driver_id', 'conv_rate'],
      results: [
        { name: 'driver_id', dtype: 'int64', values: [1001n, 1002n], statuses: ['PRESENT', 'PRESENT'], eventTimestamps: [0, 0] },
        { name: 'conv_rate', dtype: 'float64', values: [0.5, null], statuses: ['PRESENT', 'NOT_FOUND'], eventTimestamps: [1_700_000_000_000_000, 0] },
      ],
    };
    expect(JSON.parse(feastResponseJson(r))).toEqual({
      metadata: { feature_names: ['driver_id', 'conv_rate'] },
      results: [
        { values: [1001, 1002], statuses: ['PRESENT', 'PRESENT'], event_timestamps: ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'] },
        { values: [0.5, null], statuses: ['PRESENT', 'NOT_FOUND'], event_timestamps: ['2023-11-14T22:13:20Z', '1970-01-01T00:00:00Z'] },
      ],
    });
  });
});
