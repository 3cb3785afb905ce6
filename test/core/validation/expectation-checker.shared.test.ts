import { describe, expect, it } from 'vitest';
import type { FeatureView } from '../../../src/core/schema/feature-view.ts';
import type { Field } from '../../../src/core/schema/field.ts';
import { checkRowExpectations } from '../../../src/core/validation/check-rows.ts';
import { ExpectationChecker, hasExpectations, violationPolicy } from '../../../src/core/validation/expectation-checker.ts';
import { expectationError, formatReport } from '../../../src/core/validation/expectation-violation.ts';

const T = '2025-01-01T00:00:00.000Z';
function view(features: Field[], extra: Partial<FeatureView> = {}): FeatureView {
  return {
    name: 'fv', entities: ['driver'], entityColumns: [{ name: 'driver_id', dtype: 'int64' }], features, source: 'src', ttlSeconds: 0, online: true,
    description: '', tags: {}, owner: '', createdAt: T, updatedAt: T, ...extra,
  };
}
/** Rows in the shape parseViewRows returns: values[r].values[f]. */
const parsed = (rows: unknown[][]) => ({ rows: rows.length, values: rows.map((values) => ({ eventTs: 0n, createdTs: null, values })) });

describe('checkRowExpectations (parsed rows, before encoding)', () => {
  it('range: passes inside the inclusive bounds, fails outside with counts and examples', () => {
    const v = view([{ name: 'rate', dtype: 'float64', expectations: { min: 0, max: 1 } }]);
    expect(checkRowExpectations(v, parsed([[0], [1], [0.5], [null]])).violations).toEqual([]);
    const r = checkRowExpectations(v, parsed([[0.5], [1.5], [-0.1], [NaN], [1], [2], [3], [4], [5]]));
    expect(r.violations).toEqual([
      {
        column: 'rate', feature: 'rate', expectation: 'range', expected: '0 <= value <= 1', rows: 9, count: 7,
        examples: [{ row: 1, value: 1.5 }, { row: 2, value: -0.1 }, { row: 3, value: 'NaN' }, { row: 5, value: 2 }, { row: 6, value: 3 }],
      },
    ]);
    expect(r.offendingRows).toBe(7);
    expect(r.rows).toBe(9);
  });

  it('range on int64 (bigint values) compares exactly, and one-sided bounds work', () => {
    const v = view([{ name: 'n', dtype: 'int64', expectations: { min: 10 } }]);
    const r = checkRowExpectations(v, parsed([[10n], [9n], [2n ** 62n]]));
    expect(r.violations.map((x) => [x.expected, x.count, x.examples])).toEqual([['value >= 10', 1, [{ row: 1, value: 9 }]]]);
  });

  it('range on float32 compares in float32 (a stored 0.1 meets max 0.1)', () => {
    const v = view([{ name: 'x', dtype: 'float32', expectations: { min: 0.1, max: 0.1 } }]);
    expect(checkRowExpectations(v, parsed([[Math.fround(0.1)]])).violations).toEqual([]);
    expect(checkRowExpectations(v, parsed([[Math.fround(0.2)]])).violations[0]?.count).toBe(1);
  });

  it('allowed values: strings, ints (5n == 5) and float32 (rounded like the codec)', () => {
    const s = view([{ name: 'city', dtype: 'string', expectations: { allowedValues: ['a', 'b'] } }]);
    expect(checkRowExpectations(s, parsed([['a'], ['b'], [null]])).violations).toEqual([]);
    const bad = checkRowExpectations(s, parsed([['a'], ['c'], ['A']]));
    expect(bad.violations).toEqual([
      { column: 'city', feature: 'city', expectation: 'allowed_values', expected: 'one of ["a", "b"]', rows: 3, count: 2, examples: [{ row: 1, value: 'c' }, { row: 2, value: 'A' }] },
    ]);
    const i = view([{ name: 'k', dtype: 'int64', expectations: { allowedValues: [1, 5] } }]);
    expect(checkRowExpectations(i, parsed([[5n], [1n]])).violations).toEqual([]);
    expect(checkRowExpectations(i, parsed([[6n]])).violations[0]?.count).toBe(1);
    const f = view([{ name: 'x', dtype: 'float32', expectations: { allowedValues: [0.1] } }]);
    expect(checkRowExpectations(f, parsed([[Math.fround(0.1)]])).violations).toEqual([]);
  });

  it('required: nulls fail, with their rows as examples', () => {
    const v = view([{ name: 'x', dtype: 'float64', expectations: { required: true } }, { name: 'y', dtype: 'float64' }]);
    expect(checkRowExpectations(v, parsed([[1, null]])).violations).toEqual([]);
    const r = checkRowExpectations(v, parsed([[null, 1], [2, 2], [null, 3]]));
    expect(r.violations).toEqual([
      { column: 'x', feature: 'x', expectation: 'required', expected: 'no nulls (required)', rows: 3, count: 2, examples: [{ row: 0, value: null }, { row: 2, value: null }] },
    ]);
    expect(r.offendingRows).toBe(2);
  });

  it('counts each offending row once across expectations', () => {
    const v = view([
      { name: 'a', dtype: 'float64', expectations: { max: 0 } },
      { name: 'b', dtype: 'string', expectations: { allowedValues: ['ok'] } },
    ]);
    const r = checkRowExpectations(v, parsed([[1, 'no'], [0, 'ok'], [0, 'no']]));
    expect(r.violations.map((x) => [x.expectation, x.count])).toEqual([['range', 1], ['allowed_values', 2]]);
    expect(r.offendingRows).toBe(2);
  });

  it('leaves dataset-level expectations (null rate, min rows) out unless asked', () => {
    const v = view([{ name: 'x', dtype: 'float64', expectations: { maxNullRate: 0.25 } }], { minRows: 10 });
    const rows = parsed([[null], [null], [1], [2]]);
    expect(checkRowExpectations(v, rows).violations).toEqual([]);
    const r = checkRowExpectations(v, rows, { datasetLevel: true });
    expect(r.violations).toEqual([
      { column: 'x', feature: 'x', expectation: 'max_null_rate', expected: 'null rate <= 0.25', rows: 4, count: 2, rate: 0.5, examples: [{ row: 0, value: null }, { row: 1, value: null }] },
      { column: null, feature: null, expectation: 'min_rows', expected: 'at least 10 rows', rows: 4, count: 4, examples: [] },
    ]);
    expect(r.offendingRows).toBe(0);
    expect(checkRowExpectations(v, parsed([[null], [1], [2], [3]]), { datasetLevel: true }).violations.map((x) => x.expectation)).toEqual(['min_rows']);
  });

  it('a view without expectations passes; policy and hasExpectations read the view', () => {
    const plain = view([{ name: 'x', dtype: 'float64' }]);
    expect(checkRowExpectations(plain, parsed([[1]]))).toEqual({ view: 'fv', rows: 1, checked: 0, offendingRows: 0, violations: [] });
    expect(formatReport(checkRowExpectations(plain, parsed([[1], [2]])))).toEqual(['fv: declares no expectations (2 rows read).']);
    expect(hasExpectations(plain)).toBe(false);
    expect(violationPolicy(plain)).toBe('reject');
    const nullRateOnly = view([{ name: 'x', dtype: 'float64', expectations: { maxNullRate: 0 } }], { onViolation: 'accept' });
    expect(hasExpectations(nullRateOnly)).toBe(true);
    expect(hasExpectations(nullRateOnly, { datasetLevel: false })).toBe(false);
    expect(violationPolicy(nullRateOnly)).toBe('accept');
  });

  it('keeps at most maxExamples examples but counts every row', () => {
    const v = view([{ name: 'x', dtype: 'int32', expectations: { max: 0 } }]);
    const r = checkRowExpectations(v, parsed(Array.from({ length: 1000 }, (_, i) => [i + 1])), { maxExamples: 2 });
    expect(r.violations[0]?.count).toBe(1000);
    expect(r.violations[0]?.examples).toEqual([{ row: 0, value: 1 }, { row: 1, value: 2 }]);
  });

  it('gives an expectation_failed error with JSON-safe details, and a readable report', () => {
    const v = view([{ name: 'n', dtype: 'int64', expectations: { min: 0 } }]);
    const r = checkRowExpectations(v, parsed([[-(2n ** 60n)]]));
    const e = expectationError(r);
    expect(e.code).toBe('expectation_failed');
    expect(e.message).toBe('rows for feature view "fv" break its expectations: n: expected value >= 0: 1 of 1 row outside (row 0: "-1152921504606846976")');
    expect(JSON.parse(JSON.stringify(e.details))).toEqual(e.details);
    expect(formatReport(r)).toEqual([
      'fv: 1 expectation of 1 failed over 1 row (1 row breaks a row-level expectation):',
      '  n: expected value >= 0: 1 of 1 row outside (row 0: "-1152921504606846976")',
    ]);
  });
});

describe('ExpectationChecker over batches', () => {
  it('streams typed columns with validity, row offsets and a selection', () => {
    const v = view([{ name: 'x', dtype: 'float64', expectations: { min: 0, required: true, maxNullRate: 0.1 } }], { minRows: 3 });
    const c = ExpectationChecker.forView(v);
    c.addBatch(4, { x: { values: new Float64Array([1, -1, 0, 5]), validity: Uint8Array.from([1, 1, 0, 1]) } }, 0);
    // Second batch: rows 4..7, only rows 5 and 7 selected (e.g. in the time window).
    c.addBatch(4, { x: { values: new Float64Array([-9, -2, -9, 3]) } }, 4, Uint8Array.from([0, 1, 0, 1]));
    const r = c.finish();
    expect(r.rows).toBe(6);
    expect(r.violations.map((x) => [x.expectation, x.count, x.examples.map((e) => e.row)])).toEqual([
      ['range', 2, [1, 5]],
      ['required', 1, [2]],
      ['max_null_rate', 1, [2]],
    ]);
    expect(r.offendingRows).toBe(3);
    expect(r.checked).toBe(4);
  });

  it('checks string columns given as UTF-8 bytes (Arrow layout) without decoding every value', () => {
    const v = view([{ name: 'city', dtype: 'string', expectations: { allowedValues: ['ams', 'zürich'], required: true } }]);
    const words = ['ams', 'zürich', 'zurich', '', 'am', 'ams'];
    const bytes = words.map((w) => new TextEncoder().encode(w));
    const offsets = new Int32Array(words.length + 1);
    bytes.forEach((b, i) => (offsets[i + 1] = offsets[i]! + b.length));
    const data = new Uint8Array(offsets[words.length]!);
    bytes.forEach((b, i) => data.set(b, offsets[i]!));
    const c = ExpectationChecker.forView(v, { maxExamples: 2 });
    c.addBatch(words.length, { city: { utf8: { offsets, data }, validity: Uint8Array.from([1, 1, 1, 0, 1, 1]) } }, 10);
    const r = c.finish();
    expect(r.violations.map((x) => [x.expectation, x.count, x.examples])).toEqual([
      ['allowed_values', 2, [{ row: 12, value: 'zurich' }, { row: 14, value: 'am' }]],
      ['required', 1, [{ row: 13, value: null }]],
    ]);
  });

  it('reports values that do not fit the dtype (undefined) with their raw text', () => {
    const v = view([{ name: 'x', dtype: 'float64', expectations: { max: 10 } }]);
    const c = ExpectationChecker.forView(v);
    c.addBatch(2, { x: { values: [1, undefined], raw: ['1', 'abc'] } });
    expect(c.finish().violations).toEqual([
      { column: 'x', feature: 'x', expectation: 'dtype', expected: 'values of type float64', rows: 2, count: 1, examples: [{ row: 1, value: 'abc' }] },
    ]);
  });
});
