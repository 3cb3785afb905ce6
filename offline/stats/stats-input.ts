// One batch of one feature as the stats kernel consumes it: numbers as
// Float64Array, strings as Arrow-layout offsets + UTF-8 bytes, lists as
// per-row lengths over a flattened element input. Rows outside a time window
// are dropped here (`keep`), so nothing downstream sees them.
import { err, ok, type Result } from '../../src/core/errors.ts';
import { parseTimestamp } from '../../src/core/time.ts';
import type { SourceColumn } from '../materialize/source-batch.ts';
import type { Column } from '../parquet/types.ts';
import type { StatsKind } from './stats-dtype.ts';

export interface NumericInput {
  readonly kind: 'numeric';
  readonly values: Float64Array;
  /** 1 byte per row, 0 = null; null when no row is null. */
  readonly validity: Uint8Array | null;
}

export interface StringInput {
  readonly kind: 'string';
  readonly offsets: Int32Array;
  readonly data: Uint8Array;
  readonly validity: Uint8Array | null;
}

export interface ListInput {
  readonly kind: 'list';
  /** Rows (after `keep`). */
  readonly rows: number;
  readonly validity: Uint8Array | null;
  /** Elements per row (0 for null rows). */
  readonly lengths: Int32Array;
  readonly element: NumericInput | StringInput;
}

export type StatsInput = NumericInput | StringInput | ListInput;

const US_PER: Readonly<Record<string, number>> = { ms: 1e3, us: 1, ns: 1e-3 };
const encoder = new TextEncoder();

/**
 * One scratch buffer for converted numbers, reused batch after batch (a 1 Mi-row
 * row group would otherwise leave 8 MiB of garbage per numeric column): an
 * input built from it is valid until the next statsInput call, and the caller
 * hands each input to the kernel (which copies it) before building the next.
 */
let scratch = new Float64Array(0);
function doubles(m: number): Float64Array {
  if (scratch.length < m) scratch = new Float64Array(Math.max(m, 2 * scratch.length));
  return scratch.subarray(0, m);
}

/** int64 words as doubles (correctly rounded beyond 2^53) without BigInt per value. */
function int64ToDouble(v: BigInt64Array | BigUint64Array, n: number, keep: Uint32Array | null, unsigned: boolean): Float64Array {
  const w = new Int32Array(v.buffer, v.byteOffset, 2 * n);
  const m = keep ? keep.length : n;
  const out = doubles(m);
  for (let j = 0; j < m; j++) {
    const i = keep ? keep[j] : j;
    const hi = unsigned ? w[2 * i + 1] >>> 0 : w[2 * i + 1];
    out[j] = hi * 4294967296 + (w[2 * i] >>> 0);
  }
  return out;
}

function gatherValidity(v: Uint8Array | null, n: number, keep: Uint32Array | null): Uint8Array | null {
  if (v === null) return null;
  if (keep === null) return v.subarray(0, n);
  const out = new Uint8Array(keep.length);
  for (let j = 0; j < keep.length; j++) out[j] = v[keep[j]];
  return out;
}

function gatherNumbers(v: ArrayLike<number>, n: number, keep: Uint32Array | null, scale = 1): Float64Array {
  if (keep === null) {
    if (v instanceof Float64Array && scale === 1) return v.subarray(0, n);
    const out = doubles(n);
    out.set((v as Float64Array).subarray(0, n));
    if (scale !== 1) for (let i = 0; i < n; i++) out[i] *= scale;
    return out;
  }
  const out = doubles(keep.length);
  for (let j = 0; j < keep.length; j++) out[j] = v[keep[j]] * scale;
  return out;
}

function gatherBytes(offsets: Int32Array, data: Uint8Array, keep: Uint32Array): { offsets: Int32Array; data: Uint8Array } {
  const o = new Int32Array(keep.length + 1);
  let total = 0;
  for (let j = 0; j < keep.length; j++) {
    total += offsets[keep[j] + 1] - offsets[keep[j]];
    o[j + 1] = total;
  }
  const d = new Uint8Array(total);
  for (let j = 0; j < keep.length; j++) d.set(data.subarray(offsets[keep[j]], offsets[keep[j] + 1]), o[j]);
  return { offsets: o, data: d };
}

/** A number from a CSV cell or a JS value; undefined when it is not one. null = missing. */
function looseNumber(v: unknown): number | null | undefined {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime() / 1000;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^true$/i.test(s)) return 1;
    if (/^false$/i.test(s)) return 0;
    if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
    if (/^[+-]?nan$/i.test(s)) return Number.NaN;
    const x = Number(s);
    if (s !== '' && !Number.isNaN(x)) return x;
    const us = parseTimestamp(s);
    if (us !== null) return us / 1e6;
  }
  return undefined;
}

function jsNumbers(values: readonly unknown[], n: number, keep: Uint32Array | null, what: string): Result<NumericInput> {
  const m = keep ? keep.length : n;
  const out = new Float64Array(m);
  let validity: Uint8Array | null = null;
  for (let j = 0; j < m; j++) {
    const i = keep ? keep[j] : j;
    const x = looseNumber(values[i]);
    if (x === undefined) return err('invalid_rows', `${what}: row ${i + 1} holds ${JSON.stringify(String(values[i]))}, not a number`, { row: i });
    if (x === null) {
      validity ??= new Uint8Array(m).fill(1);
      validity[j] = 0;
    } else out[j] = x;
  }
  return ok({ kind: 'numeric', values: out, validity });
}

function jsStrings(values: readonly unknown[], n: number, keep: Uint32Array | null, emptyIsNull: boolean): StringInput {
  const m = keep ? keep.length : n;
  const parts: (Uint8Array | null)[] = new Array(m);
  let total = 0;
  for (let j = 0; j < m; j++) {
    const v = values[keep ? keep[j] : j];
    const b = v === null || v === undefined || (emptyIsNull && v === '') ? null : v instanceof Uint8Array ? v : encoder.encode(String(v));
    parts[j] = b;
    total += b?.length ?? 0;
  }
  const offsets = new Int32Array(m + 1);
  const data = new Uint8Array(total);
  let validity: Uint8Array | null = null;
  let at = 0;
  for (let j = 0; j < m; j++) {
    const b = parts[j];
    if (b === null) {
      validity ??= new Uint8Array(m).fill(1);
      validity[j] = 0;
    } else {
      data.set(b, at);
      at += b.length;
    }
    offsets[j + 1] = at;
  }
  return { kind: 'string', offsets, data, validity };
}

function numericOfColumn(c: Column, n: number, keep: Uint32Array | null, what: string): Result<NumericInput> {
  const validity = gatherValidity(c.validity, n, keep);
  switch (c.type) {
    case 'double':
    case 'float':
    case 'int32':
    case 'bool':
      return ok({ kind: 'numeric', values: gatherNumbers(c.values, n, keep), validity });
    case 'date':
      return ok({ kind: 'numeric', values: gatherNumbers(c.values, n, keep, 86_400), validity });
    case 'int64':
      return ok({ kind: 'numeric', values: int64ToDouble(c.values, n, keep, false), validity });
    case 'uint64':
      return ok({ kind: 'numeric', values: int64ToDouble(c.values, n, keep, true), validity });
    case 'timestamp': {
      // Epoch seconds (fractional), like the wire format's unix timestamps.
      const values = int64ToDouble(c.values, n, keep, false);
      const scale = US_PER[c.unit] / 1e6;
      for (let i = 0; i < values.length; i++) values[i] *= scale;
      return ok({ kind: 'numeric', values, validity });
    }
    default:
      return err('invalid_rows', `${what}: a ${c.type} column cannot have numeric statistics`);
  }
}

function stringOfColumn(c: Column, n: number, keep: Uint32Array | null): StringInput {
  if (c.type === 'string' || c.type === 'binary') {
    const validity = gatherValidity(c.validity, n, keep);
    if (keep === null) return { kind: 'string', offsets: c.offsets.subarray(0, n + 1), data: c.data, validity };
    return { kind: 'string', ...gatherBytes(c.offsets, c.data, keep), validity };
  }
  // Anything else is described by its text form.
  const values: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) values[i] = c.validity !== null && c.validity[i] === 0 ? null : scalarAt(c, i);
  return jsStrings(values, n, keep, false);
}

function scalarAt(c: Column, i: number): unknown {
  if ('values' in c) return (c.values as ArrayLike<unknown>)[i];
  if (c.type === 'list') return null;
  return c.data.subarray(c.offsets[i], c.offsets[i + 1]);
}

/** Row indexes of a list's elements, for the kept rows. */
function elementKeep(offsets: Int32Array, n: number, keep: Uint32Array | null): Uint32Array {
  const rows = keep ?? Uint32Array.from({ length: n }, (_, i) => i);
  let total = 0;
  for (const r of rows) total += offsets[r + 1] - offsets[r];
  const out = new Uint32Array(total);
  let at = 0;
  for (const r of rows) for (let e = offsets[r]; e < offsets[r + 1]; e++) out[at++] = e;
  return out;
}

function listOfColumn(c: Column, n: number, keep: Uint32Array | null, element: Exclude<StatsKind, 'list'>, what: string): Result<ListInput> {
  if (c.type !== 'list') return err('invalid_rows', `${what}: a ${c.type} column is not a list`);
  const validity = gatherValidity(c.validity, n, keep);
  const m = keep ? keep.length : n;
  const lengths = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const i = keep ? keep[j] : j;
    lengths[j] = c.offsets[i + 1] - c.offsets[i];
  }
  const ek = elementKeep(c.offsets, n, keep);
  const total = c.offsets[n];
  const inner = element === 'numeric' ? numericOfColumn(c.element, total, ek, what) : ok(stringOfColumn(c.element, total, ek));
  if (!inner.ok) return inner;
  return ok({ kind: 'list', rows: m, validity, lengths, element: inner.value });
}

function jsList(values: readonly unknown[], n: number, keep: Uint32Array | null, element: Exclude<StatsKind, 'list'>, what: string): Result<ListInput> {
  const m = keep ? keep.length : n;
  const lengths = new Int32Array(m);
  const flat: unknown[] = [];
  let validity: Uint8Array | null = null;
  for (let j = 0; j < m; j++) {
    const v = values[keep ? keep[j] : j];
    if (v === null || v === undefined || v === '') {
      validity ??= new Uint8Array(m).fill(1);
      validity[j] = 0;
      continue;
    }
    const arr = Array.isArray(v) ? v : typeof v === 'string' ? parseJsonList(v) : null;
    if (arr === null) return err('invalid_rows', `${what}: row ${j + 1} is not a list`);
    lengths[j] = arr.length;
    for (const x of arr) flat.push(x);
  }
  const inner = element === 'numeric' ? jsNumbers(flat, flat.length, null, what) : ok(jsStrings(flat, flat.length, null, false));
  if (!inner.ok) return inner;
  return ok({ kind: 'list', rows: m, validity, lengths, element: inner.value });
}

function parseJsonList(s: string): unknown[] | null {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/**
 * The stats input of one column of a batch of `n` rows, keeping only the rows
 * in `keep` (ascending) when given. `kind` (from the feature's dtype) decides
 * how values are read; `element` is the list element kind.
 */
export function statsInput(
  c: SourceColumn,
  n: number,
  keep: Uint32Array | null,
  kind: StatsKind,
  element: Exclude<StatsKind, 'list'>,
  what: string,
): Result<StatsInput> {
  if (c.type === 'text' || c.type === 'js') {
    if (kind === 'numeric') return jsNumbers(c.values, n, keep, what);
    if (kind === 'string') return ok(jsStrings(c.values, n, keep, c.type === 'text'));
    return jsList(c.values, n, keep, element, what);
  }
  if (kind === 'numeric') return numericOfColumn(c, n, keep, what);
  if (kind === 'string') return ok(stringOfColumn(c, n, keep));
  return listOfColumn(c, n, keep, element, what);
}
