import { base64ToBytes } from '../core/base64.ts';
import { MICROS_PER_SECOND, parseTimestamp } from '../core/time.ts';
import type { FeatureValue, FieldType } from '../kernel/codec.ts';

/**
 * Turning incoming values (JSON from HTTP, or JS values from the Node SDK)
 * into the codec's JS form, by dtype: int64 -> bigint, float32 rounded to
 * single precision, bytes from base64 (or Uint8Array), unix_timestamp from
 * epoch seconds, an ISO string, a Date or bigint µs -> bigint µs, lists from
 * arrays. `undefined` means the value does not fit the dtype.
 */
export function toFeatureValue(dtype: FieldType, v: unknown): FeatureValue | undefined {
  if (v === null || v === undefined) return null;
  if (dtype.startsWith('list<')) {
    if (!Array.isArray(v)) return undefined;
    const inner = dtype.slice(5, -1) as FieldType;
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = toFeatureValue(inner, v[i]);
      if (x === undefined || x === null) return undefined; // list elements cannot be null
      out[i] = x;
    }
    return out as FeatureValue;
  }
  switch (dtype) {
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'int32':
      return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? v : undefined;
    case 'int64': {
      if (typeof v === 'bigint') return v === BigInt.asIntN(64, v) ? v : undefined;
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) {
        const b = BigInt(v);
        return b === BigInt.asIntN(64, b) ? b : undefined;
      }
      return undefined;
    }
    case 'float32':
      return typeof v === 'number' ? Math.fround(v) : undefined;
    case 'float64':
      return typeof v === 'number' ? v : undefined;
    case 'string':
      return typeof v === 'string' ? v : undefined;
    case 'bytes':
      if (v instanceof Uint8Array) return v;
      return typeof v === 'string' ? (base64ToBytes(v) ?? undefined) : undefined;
    case 'unix_timestamp': {
      const us = toMicros(v);
      return us === null ? undefined : BigInt(us);
    }
    default:
      return undefined;
  }
}

/**
 * An event or created timestamp as epoch µs: ISO string, epoch seconds
 * (number), Date, or bigint µs. Null when unparseable.
 */
export function toMicros(v: unknown): number | null {
  if (typeof v === 'string') return parseTimestamp(v);
  if (typeof v === 'number') {
    // Past JS Date's range (±8.64e15 ms) a number is not a timestamp; BigInt(Infinity) would throw.
    const us = Math.round(v * MICROS_PER_SECOND);
    return Number.isFinite(us) && Math.abs(us) <= 8.64e18 ? us : null;
  }
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime() * 1000;
  return null;
}
