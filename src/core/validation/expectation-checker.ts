// A streaming, columnar checker of a feature view's expectations. Pure (no
// platform imports): the Worker runs it on parsed rows before encoding, the
// offline tools batch by batch over files in bounded memory (counts per
// expectation and the first few examples only).
import type { Dtype } from '../schema/dtype.ts';
import type { FeatureView } from '../schema/feature-view.ts';
import type { Field } from '../schema/field.ts';
import {
  exampleValue,
  type ExpectationKind,
  type ExpectationReport,
  type ExpectationViolation,
  formatRate,
  type ViolationExample,
} from './expectation-violation.ts';

export const DEFAULT_MAX_EXAMPLES = 5;

/**
 * One column of a batch, row-aligned. Values are in the codec's JS form (numbers, bigint for
 * int64 and unix_timestamp, strings, booleans, Uint8Array, arrays); `null` is null, and so is a
 * row whose `validity` byte is 0. `undefined` marks a value that does not fit the dtype.
 * Typed arrays (Float64Array, BigInt64Array, ...) are fine as `values`.
 */
export type CheckColumn = ValueColumn | Utf8Column;

export interface ValueColumn {
  readonly values: ArrayLike<unknown>;
  readonly validity?: Uint8Array | null;
  /** The values as read (e.g. CSV text), shown as examples of values that do not fit the dtype. */
  readonly raw?: ArrayLike<unknown>;
}

/**
 * A string column in Arrow layout (value i is utf8.data[offsets[i], offsets[i + 1])), for
 * string fields: checked on the bytes, decoded only for examples.
 */
export interface Utf8Column {
  readonly utf8: { readonly offsets: Int32Array; readonly data: Uint8Array };
  readonly validity?: Uint8Array | null;
}

/** A checked column and the field (with its expectations) it holds. */
export interface CheckTarget {
  /** Column name in the batches (a feature name, or an output name in a training set). */
  readonly column: string;
  readonly field: Field;
}

export interface CheckerOptions {
  /** Check dataset-level expectations (max null rate, min rows) too; default true. */
  readonly datasetLevel?: boolean;
  /** Examples kept per violated expectation (default 5). */
  readonly maxExamples?: number;
}

interface Counter {
  count: number;
  readonly examples: ViolationExample[];
}

interface TargetState {
  readonly target: CheckTarget;
  readonly range: { readonly min: number; readonly max: number } | null;
  readonly allowed: ReadonlySet<string> | null;
  /** String fields: the allowed values' UTF-8 bytes by byte length. */
  readonly allowedBytes: ReadonlyMap<number, readonly Uint8Array[]> | null;
  readonly required: boolean;
  readonly maxNullRate: number | null;
  readonly counters: Partial<Record<'range' | 'allowed_values' | 'required' | 'dtype' | 'nulls', Counter>>;
  rows: number;
  nulls: number;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

const NUMERIC: ReadonlySet<string> = new Set(['int32', 'int64', 'float32', 'float64']);

/** The key an allowed value or a checked value is compared by: one spelling per number (5, 5n, 5.0 -> "5"). */
function allowedKey(dtype: Dtype, v: unknown): string | null {
  switch (typeof v) {
    case 'string':
      return dtype === 'string' ? v : null;
    case 'boolean':
      return dtype === 'bool' ? String(v) : null;
    case 'bigint':
      return NUMERIC.has(dtype) ? v.toString() : null;
    case 'number':
      if (!NUMERIC.has(dtype)) return null;
      return String(dtype === 'float32' ? Math.fround(v) : v);
    default:
      return null;
  }
}

const toPrecision = (dtype: Dtype, x: number): number => (dtype === 'float32' ? Math.fround(x) : x);

const fmtList = (xs: readonly unknown[]) => {
  const shown = xs.slice(0, 10).map((x) => JSON.stringify(x));
  return `[${shown.join(', ')}${xs.length > 10 ? `, … (${xs.length} values)` : ''}]`;
};

function rangeText(min: number, max: number): string {
  if (min === -Infinity) return `value <= ${max}`;
  if (max === Infinity) return `value >= ${min}`;
  return `${min} <= value <= ${max}`;
}

/** Fields of a view that carry expectations, as targets named like the features. */
export function viewTargets(view: FeatureView): CheckTarget[] {
  return view.features.filter((f) => f.expectations !== undefined).map((field) => ({ column: field.name, field }));
}

/** True when the view declares any expectation (so callers can skip checking). */
export function hasExpectations(view: FeatureView, options: { datasetLevel?: boolean } = {}): boolean {
  const dataset = options.datasetLevel ?? true;
  return view.features.some((f) => {
    const e = f.expectations;
    if (e === undefined) return false;
    return e.min !== undefined || e.max !== undefined || e.allowedValues !== undefined || e.required === true || (dataset && e.maxNullRate !== undefined);
  }) || (dataset && view.minRows !== undefined);
}

/** The view's ingestion policy for rows that break an expectation (default `reject`). */
export function violationPolicy(view: FeatureView): 'reject' | 'accept' {
  return view.onViolation ?? 'reject';
}

/**
 * Accumulates expectation checks over batches. Memory is O(targets x maxExamples) whatever the
 * number of rows. `finish()` returns every violated expectation with its count and examples.
 */
export class ExpectationChecker {
  readonly #view: string;
  readonly #minRows: number | null;
  readonly #dataset: boolean;
  readonly #maxExamples: number;
  readonly #states: TargetState[];
  #rows = 0;
  #offending = 0;

  constructor(view: { readonly name: string; readonly minRows?: number }, targets: readonly CheckTarget[], options: CheckerOptions = {}) {
    this.#view = view.name;
    this.#dataset = options.datasetLevel ?? true;
    this.#minRows = this.#dataset ? (view.minRows ?? null) : null;
    this.#maxExamples = Math.max(0, options.maxExamples ?? DEFAULT_MAX_EXAMPLES);
    this.#states = targets.map((target) => {
      const e = target.field.expectations ?? {};
      const dtype = target.field.dtype;
      const allowed = e.allowedValues === undefined ? null : new Set(e.allowedValues.map((a) => allowedKey(dtype, a)).filter((k) => k !== null));
      let allowedBytes: Map<number, Uint8Array[]> | null = null;
      if (dtype === 'string' && e.allowedValues !== undefined) {
        allowedBytes = new Map();
        for (const a of e.allowedValues) {
          if (typeof a !== 'string') continue;
          const b = utf8Encoder.encode(a);
          allowedBytes.set(b.length, [...(allowedBytes.get(b.length) ?? []), b]);
        }
      }
      return {
        target,
        // float32 values are compared with the bounds in float32 too, so a declared max 0.1 admits the stored 0.1.
        range: e.min === undefined && e.max === undefined ? null : { min: toPrecision(dtype, e.min ?? -Infinity), max: toPrecision(dtype, e.max ?? Infinity) },
        allowed,
        allowedBytes,
        required: e.required === true,
        maxNullRate: this.#dataset ? (e.maxNullRate ?? null) : null,
        counters: {},
        rows: 0,
        nulls: 0,
      };
    });
  }

  /** For a view: every feature with expectations, by feature name. */
  static forView(view: FeatureView, options: CheckerOptions = {}): ExpectationChecker {
    return new ExpectationChecker(view, viewTargets(view), options);
  }

  /** Columns this checker reads. */
  get columns(): string[] {
    return this.#states.map((s) => s.target.column);
  }

  #note(s: TargetState, kind: keyof TargetState['counters'], row: number, value: unknown): void {
    let c = s.counters[kind];
    if (c === undefined) s.counters[kind] = c = { count: 0, examples: [] };
    c.count++;
    if (c.examples.length < this.#maxExamples) c.examples.push({ row, value: exampleValue(value) });
  }

  /**
   * Check one batch of `numRows` rows. `columns` holds (at least) every target column;
   * `rowOffset` is the index of the batch's first row in the whole dataset (for examples);
   * `selection`, when given, keeps only rows whose byte is non-zero (e.g. an event-time window).
   * A missing column counts as all-null.
   */
  addBatch(
    numRows: number,
    columns: Readonly<Record<string, CheckColumn | undefined>> | ReadonlyMap<string, CheckColumn>,
    rowOffset = 0,
    selection: Uint8Array | null = null,
  ): void {
    let selected = numRows;
    if (selection !== null) {
      selected = 0;
      for (let i = 0; i < numRows; i++) if (selection[i] !== 0) selected++;
    }
    this.#rows += selected;
    const bad = this.#states.length > 0 ? new Uint8Array(numRows) : null;
    const get = (name: string) => (columns instanceof Map ? columns.get(name) : (columns as Record<string, CheckColumn | undefined>)[name]);
    for (const s of this.#states) {
      s.rows += selected;
      const col = get(s.target.column);
      if (col !== undefined && 'utf8' in col) {
        this.#utf8Batch(s, col, numRows, rowOffset, selection, bad!);
        continue;
      }
      const dtype = s.target.field.dtype;
      const values = col?.values;
      const validity = col?.validity ?? null;
      const { range, allowed, required } = s;
      for (let i = 0; i < numRows; i++) {
        if (selection !== null && selection[i] === 0) continue;
        const v = values === undefined || (validity !== null && validity[i] === 0) ? null : values[i];
        const row = rowOffset + i;
        if (v === null) {
          s.nulls++;
          if (s.maxNullRate !== null) this.#note(s, 'nulls', row, null);
          if (required) {
            this.#note(s, 'required', row, null);
            bad![i] = 1;
          }
          continue;
        }
        if (v === undefined) {
          this.#note(s, 'dtype', row, col?.raw?.[i] ?? null);
          bad![i] = 1;
          continue;
        }
        if (range !== null) {
          if (typeof v === 'number' || typeof v === 'bigint') {
            // NaN is outside every range; bigint compares exactly with number bounds.
            if (!(v >= range.min && v <= range.max)) {
              this.#note(s, 'range', row, v);
              bad![i] = 1;
            }
          } else {
            this.#note(s, 'dtype', row, v);
            bad![i] = 1;
            continue;
          }
        }
        if (allowed !== null) {
          const key = allowedKey(dtype, v);
          if (key === null || !allowed.has(key)) {
            this.#note(s, 'allowed_values', row, v);
            bad![i] = 1;
          }
        }
      }
    }
    if (bad !== null) for (let i = 0; i < numRows; i++) this.#offending += bad[i];
  }

  #utf8Batch(s: TargetState, col: Utf8Column, numRows: number, rowOffset: number, selection: Uint8Array | null, bad: Uint8Array): void {
    const { offsets, data } = col.utf8;
    const validity = col.validity ?? null;
    const allowed = s.allowedBytes;
    const text = (i: number) => utf8Decoder.decode(data.subarray(offsets[i], offsets[i + 1]));
    for (let i = 0; i < numRows; i++) {
      if (selection !== null && selection[i] === 0) continue;
      const row = rowOffset + i;
      if (validity !== null && validity[i] === 0) {
        s.nulls++;
        if (s.maxNullRate !== null) this.#note(s, 'nulls', row, null);
        if (s.required) {
          this.#note(s, 'required', row, null);
          bad[i] = 1;
        }
        continue;
      }
      if (allowed === null) continue;
      const start = offsets[i];
      const len = offsets[i + 1] - start;
      const candidates = allowed.get(len);
      let found = false;
      if (candidates !== undefined) {
        for (const c of candidates) {
          let j = 0;
          while (j < len && data[start + j] === c[j]) j++;
          if (j === len) {
            found = true;
            break;
          }
        }
      }
      if (!found) {
        const c = s.counters.allowed_values;
        // Decode only the values kept as examples.
        this.#note(s, 'allowed_values', row, c === undefined || c.examples.length < this.#maxExamples ? text(i) : null);
        bad[i] = 1;
      }
    }
  }

  /** Report the violated expectations (in target order: range, allowed values, required, dtype, null rate; min rows last). */
  finish(): ExpectationReport {
    const violations: ExpectationViolation[] = [];
    let checked = 0;
    for (const s of this.#states) {
      const e = s.target.field.expectations ?? {};
      const base = { column: s.target.column, feature: s.target.field.name, rows: s.rows };
      const push = (expectation: ExpectationKind, expected: string, c: Counter | undefined) => {
        if (c !== undefined && c.count > 0) violations.push({ ...base, expectation, expected, count: c.count, examples: c.examples });
      };
      if (s.range !== null) {
        checked++;
        push('range', rangeText(e.min ?? -Infinity, e.max ?? Infinity), s.counters.range);
      }
      if (e.allowedValues !== undefined) {
        checked++;
        push('allowed_values', `one of ${fmtList(e.allowedValues)}`, s.counters.allowed_values);
      }
      if (s.required) {
        checked++;
        push('required', 'no nulls (required)', s.counters.required);
      }
      push('dtype', `values of type ${s.target.field.dtype}`, s.counters.dtype);
      if (s.maxNullRate !== null) {
        checked++;
        const rate = s.rows === 0 ? 0 : s.nulls / s.rows;
        if (rate > s.maxNullRate)
          violations.push({ ...base, expectation: 'max_null_rate', expected: `null rate <= ${formatRate(s.maxNullRate)}`, count: s.nulls, rate, examples: s.counters.nulls?.examples ?? [] });
      }
    }
    if (this.#minRows !== null) {
      checked++;
      if (this.#rows < this.#minRows)
        violations.push({ column: null, feature: null, expectation: 'min_rows', expected: `at least ${this.#minRows.toLocaleString('en-US')} rows`, rows: this.#rows, count: this.#rows, examples: [] });
    }
    return { view: this.#view, rows: this.#rows, checked, offendingRows: this.#offending, violations };
  }
}
