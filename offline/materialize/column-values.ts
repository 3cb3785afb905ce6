// Reading single values and timestamp columns out of a SourceColumn.
import { MICROS_PER_SECOND, parseTimestamp } from '../../src/core/time.ts';
import { NULL_TS } from '../../src/kernel/pit-join.ts';
import type { TimeUnit } from '../parquet/types.ts';
import type { SourceColumn } from './source-batch.ts';

const DAY_US = 86_400_000_000n;
const UNIT_US: Readonly<Record<TimeUnit, { mul: bigint; div: bigint }>> = {
  ms: { mul: 1000n, div: 1n },
  us: { mul: 1n, div: 1n },
  ns: { mul: 1n, div: 1000n },
};
const utf8 = new TextDecoder();

export function isNullAt(c: SourceColumn, i: number): boolean {
  if (c.type === 'text') return c.values[i] === '';
  if (c.type === 'js') return c.values[i] === null || c.values[i] === undefined;
  return c.validity !== null && c.validity[i] === 0;
}

/** Floor division of bigints (timestamps before 1970 round down, like Arrow). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

export function unitToMicros(v: bigint, unit: TimeUnit): bigint {
  const u = UNIT_US[unit];
  return u.div === 1n ? v * u.mul : floorDiv(v, u.div);
}

/**
 * A text or JS value as epoch µs: RFC 3339 / ISO 8601 text (naive = UTC),
 * a Date, a bigint (µs) or a number / integer text (epoch seconds). Null when
 * it is none of these.
 */
export function looseMicros(v: unknown): bigint | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.round(v * MICROS_PER_SECOND)) : null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : BigInt(v.getTime()) * 1000n;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^-?\d+(\.\d+)?$/.test(s)) return looseMicros(Number(s));
    const us = parseTimestamp(s);
    return us === null ? null : BigInt(us);
  }
  return null;
}

/**
 * A timestamp column as epoch µs, a fresh array (callers may write into it);
 * null and unreadable values become NULL_TS (i64 min). Integer columns are
 * epoch seconds, date columns days.
 */
export function timestampMicros(c: SourceColumn, n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  switch (c.type) {
    case 'timestamp': {
      const { mul, div } = UNIT_US[c.unit];
      if (mul === 1n && div === 1n) out.set(c.values.subarray(0, n));
      else for (let i = 0; i < n; i++) out[i] = div === 1n ? c.values[i] * mul : floorDiv(c.values[i], div);
      break;
    }
    case 'date':
      for (let i = 0; i < n; i++) out[i] = BigInt(c.values[i]) * DAY_US;
      break;
    case 'int32':
      for (let i = 0; i < n; i++) out[i] = BigInt(c.values[i]) * 1_000_000n;
      break;
    case 'int64':
      for (let i = 0; i < n; i++) out[i] = c.values[i] * 1_000_000n;
      break;
    default:
      for (let i = 0; i < n; i++) out[i] = looseMicros(jsValueAt(c, i)) ?? NULL_TS;
      return out;
  }
  if (c.validity !== null) for (let i = 0; i < n; i++) if (c.validity[i] === 0) out[i] = NULL_TS;
  return out;
}

/** Row i of a column as a plain JS value (timestamps and dates as bigint µs), or null. */
export function jsValueAt(c: SourceColumn, i: number): unknown {
  if (isNullAt(c, i)) return null;
  switch (c.type) {
    case 'text':
    case 'js':
      return c.values[i];
    case 'bool':
      return c.values[i] !== 0;
    case 'int32':
    case 'float':
    case 'double':
      return c.values[i];
    case 'int64':
      return c.values[i];
    case 'uint64':
      return c.values[i];
    case 'date':
      return BigInt(c.values[i]) * DAY_US;
    case 'timestamp':
      return unitToMicros(c.values[i], c.unit);
    case 'string':
      return utf8.decode(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
    case 'binary':
      return c.data.slice(c.offsets[i], c.offsets[i + 1]);
    case 'list': {
      const out: unknown[] = [];
      for (let j = c.offsets[i]; j < c.offsets[i + 1]; j++) out.push(jsValueAt(c.element, j));
      return out;
    }
  }
}
