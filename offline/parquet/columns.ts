// Helpers over reader columns: buffers (for transfer and recycling), strings,
// and timestamp conversion to epoch microseconds.
import { rescaleI64 } from '../../src/kernel/parquet.ts';
import { loadedKernel } from './kernel.ts';
import type { Column, TimeUnit, TimestampColumn } from './types.ts';

/** Every ArrayBuffer a column's arrays live in (unique). */
export function columnBuffers(c: Column, out: Set<ArrayBuffer> = new Set()): Set<ArrayBuffer> {
  if (c.validity) out.add(c.validity.buffer as ArrayBuffer);
  if ('values' in c) out.add(c.values.buffer as ArrayBuffer);
  else if (c.type === 'list') {
    out.add(c.offsets.buffer as ArrayBuffer);
    columnBuffers(c.element, out);
  } else {
    out.add(c.offsets.buffer as ArrayBuffer);
    out.add(c.data.buffer as ArrayBuffer);
  }
  return out;
}

/** Number of rows of a column. */
export function columnLength(c: Column): number {
  return 'values' in c ? c.values.length : c.offsets.length - 1;
}

const decoder = new TextDecoder();

/** Value i of a string/binary column as a JS string (null when null). */
export function stringAt(c: Column, i: number): string | null {
  if (c.type !== 'string' && c.type !== 'binary') throw new TypeError(`stringAt: ${c.type} column`);
  if (c.validity && !c.validity[i]) return null;
  return decoder.decode(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
}

/** All values of a string/binary column as JS strings (nulls as null). */
export function columnStrings(c: Column): (string | null)[] {
  const n = columnLength(c);
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) out[i] = stringAt(c, i);
  return out;
}

const NS: Record<TimeUnit, bigint> = { ms: 1_000_000n, us: 1_000n, ns: 1n };

/**
 * Epoch microseconds of a timestamp column (floor for ns; a copy unless the
 * unit is already µs and no null fill is asked). `nullValue` fills null rows,
 * e.g. i64 MIN for the point-in-time join's NULL_TS. Uses the kernel when
 * loaded (fast), plain BigInt arithmetic otherwise.
 */
export function toEpochMicros(c: TimestampColumn, nullValue?: bigint): BigInt64Array {
  const [mul, div] = NS[c.unit] >= 1000n ? [NS[c.unit] / 1000n, 1n] : [1n, 1000n / NS[c.unit]];
  const fill = nullValue !== undefined && c.validity !== null;
  if (mul === 1n && div === 1n && !fill) return c.values;
  const k = loadedKernel();
  if (k) {
    const r = rescaleI64(k, c.values, mul, div, fill ? c.validity : null, nullValue ?? 0n);
    if (r.ok) return r.value;
  }
  const out = new BigInt64Array(c.values.length);
  for (let i = 0; i < out.length; i++) {
    if (fill && !c.validity![i]) {
      out[i] = nullValue!;
      continue;
    }
    const v = BigInt.asIntN(64, c.values[i] * mul);
    const q = v / div;
    out[i] = v % div !== 0n && v < 0n ? q - 1n : q;
  }
  return out;
}
