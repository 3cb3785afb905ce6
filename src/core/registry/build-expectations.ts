import type { ExpectationsSpec } from '../schema/definition-spec.ts';
import { type Dtype } from '../schema/dtype.ts';
import type { AllowedValue, FieldExpectations } from '../schema/field.ts';
import type { Report } from './build-context.ts';

const NUMERIC: ReadonlySet<Dtype> = new Set(['int32', 'int64', 'float32', 'float64']);
const INTEGER: ReadonlySet<Dtype> = new Set(['int32', 'int64']);
const ALLOWED_VALUE_DTYPES: ReadonlySet<Dtype> = new Set(['int32', 'int64', 'float32', 'float64', 'string', 'bool']);

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The JS type an allowed value of `dtype` must have, or null when allowed values do not apply. */
function allowedValueFits(dtype: Dtype, v: unknown): v is AllowedValue {
  if (dtype === 'string') return typeof v === 'string';
  if (dtype === 'bool') return typeof v === 'boolean';
  if (INTEGER.has(dtype)) return isNumber(v) && Number.isInteger(v);
  return isNumber(v);
}

/**
 * Validate a field's expectations against its dtype and normalize them for the registry
 * (keys only when set; `required: false` dropped). Problems are reported as
 * `invalid_expectation` at `at.expectations.KEY`; the invalid parts are left out.
 */
export function buildExpectations(spec: ExpectationsSpec, field: string, dtype: Dtype, report: Report, at: string): FieldExpectations | undefined {
  const where = (key: string) => `${at}.expectations.${key}`;
  const out: { -readonly [K in keyof FieldExpectations]: FieldExpectations[K] } = {};
  for (const key of ['min', 'max'] as const) {
    const v = spec[key];
    if (v === undefined) continue;
    if (!NUMERIC.has(dtype)) {
      report('invalid_expectation', where(key), `a range (${key}) applies to numeric fields (int32, int64, float32, float64); ${field} is ${dtype}`);
    } else if (!isNumber(v)) {
      report('invalid_expectation', where(key), `${key} of ${field} must be a finite number, got ${JSON.stringify(v)}`);
    } else {
      out[key] = v;
    }
  }
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) {
    report('invalid_expectation', where('min'), `min ${out.min} of ${field} is greater than max ${out.max}`);
    delete out.min;
    delete out.max;
  }
  if (spec.allowedValues !== undefined) {
    const values: unknown = spec.allowedValues;
    if (!ALLOWED_VALUE_DTYPES.has(dtype)) {
      report('invalid_expectation', where('allowedValues'), `allowed values apply to string, bool and numeric fields; ${field} is ${dtype}`);
    } else if (!Array.isArray(values) || values.length === 0) {
      report('invalid_expectation', where('allowedValues'), `allowed values of ${field} must be a non-empty list`);
    } else {
      const bad = values.findIndex((v) => !allowedValueFits(dtype, v));
      if (bad >= 0) {
        const kind = dtype === 'string' ? 'strings' : dtype === 'bool' ? 'booleans' : INTEGER.has(dtype) ? 'integers' : 'numbers';
        report('invalid_expectation', `${where('allowedValues')}[${bad}]`, `allowed values of ${field} (${dtype}) must be ${kind}, got ${JSON.stringify(values[bad])}`);
      } else {
        out.allowedValues = [...values] as AllowedValue[];
      }
    }
  }
  if (spec.maxNullRate !== undefined) {
    const v: unknown = spec.maxNullRate;
    if (!isNumber(v) || v < 0 || v > 1) {
      report('invalid_expectation', where('maxNullRate'), `max null rate of ${field} must be a number in [0, 1], got ${JSON.stringify(v)}`);
    } else {
      out.maxNullRate = v;
    }
  }
  if (spec.required !== undefined) {
    const v: unknown = spec.required;
    if (typeof v !== 'boolean') report('invalid_expectation', where('required'), `required of ${field} must be true or false, got ${JSON.stringify(v)}`);
    else if (v) out.required = true;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** A view's minimum dataset size, validated; undefined when not set or invalid (reported). */
export function buildMinRows(v: unknown, report: Report): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    report('invalid_expectation', 'minRows', `min rows must be a positive integer, got ${JSON.stringify(v)}`);
    return undefined;
  }
  return v;
}

/** A view's ingestion policy: stored only when `accept` (`reject` is the default). */
export function buildOnViolation(v: unknown, report: Report): 'accept' | undefined {
  if (v === undefined || v === 'reject') return undefined;
  if (v === 'accept') return 'accept';
  report('invalid_expectation', 'onViolation', `on violation must be "reject" or "accept", got ${JSON.stringify(v)}`);
  return undefined;
}
