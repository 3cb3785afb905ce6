// What a check of expectations returns, and how it reads as text.
import { bytesToBase64 } from '../base64.ts';
import type { FsError } from '../errors.ts';

/**
 * Kinds of expectation. Row-level: `range`, `allowed_values`, `required` (and `dtype`: a value
 * that does not fit the field's dtype, seen only when checking files). Dataset-level:
 * `max_null_rate`, `min_rows`.
 */
export type ExpectationKind = 'range' | 'allowed_values' | 'required' | 'dtype' | 'max_null_rate' | 'min_rows';

/** A JSON-safe rendering of a value: bigint -> number (string when unsafe), bytes -> base64, NaN -> "NaN". */
export type ExampleValue = null | boolean | number | string | readonly ExampleValue[];

export interface ViolationExample {
  /** Row index in the checked rows (for files: in the source's rows, file by file). */
  readonly row: number;
  readonly value: ExampleValue;
}

export interface ExpectationViolation {
  /** The column checked (a feature name, or its output name in a training set); null for `min_rows`. */
  readonly column: string | null;
  /** The feature's name in its view; null for `min_rows`. */
  readonly feature: string | null;
  readonly expectation: ExpectationKind;
  /** What was expected, e.g. `0 <= value <= 1`, `one of ["a", "b"]`, `null rate <= 0.05`, `at least 100 rows`. */
  readonly expected: string;
  /** Rows checked. */
  readonly rows: number;
  /** Offending rows; for `max_null_rate` the null rows; for `min_rows` the rows found. */
  readonly count: number;
  /** `max_null_rate` only: nulls / rows. */
  readonly rate?: number;
  /** The first offending rows (at most `maxExamples`, default 5), in row order. */
  readonly examples: readonly ViolationExample[];
}

export interface ExpectationReport {
  readonly view: string;
  /** Rows checked. */
  readonly rows: number;
  /** Expectations checked (one per field and kind, plus min rows). */
  readonly checked: number;
  /** Rows that break at least one row-level expectation (range, allowed values, required, dtype). */
  readonly offendingRows: number;
  /** Every violated expectation; empty when all pass. */
  readonly violations: readonly ExpectationViolation[];
}

const MAX_STRING = 120;

export function exampleValue(v: unknown): ExampleValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
  if (v instanceof Uint8Array) return bytesToBase64(v.length > MAX_STRING ? v.subarray(0, MAX_STRING) : v);
  if (Array.isArray(v)) return v.slice(0, 20).map(exampleValue);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
  return String(v);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const show = (v: ExampleValue) => JSON.stringify(v);

function examplesText(v: ExpectationViolation, withValues: boolean): string {
  if (v.examples.length === 0) return '';
  const items = v.examples.map((e) => (withValues ? `${e.row}: ${show(e.value)}` : String(e.row)));
  const more = v.count > v.examples.length ? ', …' : '';
  return ` (${v.examples.length === 1 ? 'row' : 'rows'} ${items.join(', ')}${more})`;
}

/** One line per violation, e.g. `conv_rate: expected 0 <= value <= 1: 3 of 1,000 rows outside (rows 4: 1.5, 17: -0.2, 33: 2)`. */
export function formatViolation(v: ExpectationViolation): string {
  const col = v.column ?? '(dataset)';
  switch (v.expectation) {
    case 'range':
      return `${col}: expected ${v.expected}: ${v.count.toLocaleString('en-US')} of ${plural(v.rows, 'row')} outside${examplesText(v, true)}`;
    case 'allowed_values':
      return `${col}: expected ${v.expected}: ${v.count.toLocaleString('en-US')} of ${plural(v.rows, 'row')} not allowed${examplesText(v, true)}`;
    case 'required':
      return `${col}: expected ${v.expected}: ${v.count.toLocaleString('en-US')} of ${plural(v.rows, 'row')} null${examplesText(v, false)}`;
    case 'dtype':
      return `${col}: expected ${v.expected}: ${v.count.toLocaleString('en-US')} of ${plural(v.rows, 'row')} do not fit${examplesText(v, true)}`;
    case 'max_null_rate':
      return `${col}: expected ${v.expected}: null rate ${formatRate(v.rate ?? 0)} (${v.count.toLocaleString('en-US')} of ${plural(v.rows, 'row')} null)${examplesText(v, false)}`;
    case 'min_rows':
      return `${col}: expected ${v.expected}: found ${plural(v.count, 'row')}`;
  }
}

export function formatRate(r: number): string {
  return r === 0 || r === 1 ? String(r) : r < 0.0001 ? r.toExponential(2) : String(Number(r.toFixed(4)));
}

/** A readable report: a header line, then one line per violation (indented). */
export function formatReport(report: ExpectationReport): string[] {
  if (report.checked === 0 && report.violations.length === 0) return [`${report.view}: declares no expectations (${plural(report.rows, 'row')} read).`];
  if (report.violations.length === 0)
    return [`${report.view}: ${plural(report.checked, 'expectation')} passed over ${plural(report.rows, 'row')}.`];
  // Values that do not fit their dtype are listed, but are not one of the declared expectations.
  const failed = report.violations.filter((v) => v.expectation !== 'dtype').length;
  return [
    `${report.view}: ${plural(failed, 'expectation')} of ${report.checked} failed over ${plural(report.rows, 'row')}` +
      (report.offendingRows > 0 ? ` (${plural(report.offendingRows, 'row')} ${report.offendingRows === 1 ? 'breaks' : 'break'} a row-level expectation):` : ':'),
    ...report.violations.map((v) => `  ${formatViolation(v)}`),
  ];
}

/**
 * The error for a failed check: code `expectation_failed`, the first violation in the message,
 * and `{ featureView, rows, offendingRows, violations }` as details (JSON-safe).
 */
export function expectationError(report: ExpectationReport): FsError {
  const first = report.violations[0];
  const more = report.violations.length > 1 ? ` (and ${report.violations.length - 1} more)` : '';
  return {
    code: 'expectation_failed',
    message: `rows for feature view "${report.view}" break its expectations: ${first === undefined ? 'none' : formatViolation(first)}${more}`,
    details: { featureView: report.view, rows: report.rows, offendingRows: report.offendingRows, violations: report.violations },
  };
}
