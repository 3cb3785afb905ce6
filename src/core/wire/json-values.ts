import { base64ToBytes, bytesToBase64 } from '../base64.ts';
import { MICROS_PER_SECOND } from '../time.ts';

/**
 * Values on Feast's JSON wire. Decoded feature values (the codec's JS form:
 * int64 and unix timestamps as bigint µs, bytes as Uint8Array) become JSON:
 * int64 -> number, float32 widened to double, bytes -> base64, lists ->
 * arrays, unix timestamps -> integer seconds. Dtype names are the canonical
 * ones of the registry ('int64', 'list<float32>', ...).
 */
export function toJsonValue(dtype: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (dtype.startsWith('list<')) {
    const inner = dtype.slice(5, -1);
    return (v as unknown[]).map((x) => toJsonValue(inner, x));
  }
  switch (dtype) {
    case 'int64':
      return typeof v === 'bigint' ? Number(v) : v;
    case 'unix_timestamp': {
      const micros = typeof v === 'bigint' ? Number(v) : (v as number);
      return Math.floor(micros / MICROS_PER_SECOND);
    }
    case 'bytes':
      return bytesToBase64(v as Uint8Array);
    case 'float32':
    case 'float64':
      return Number.isFinite(v as number) ? v : null; // JSON has no NaN/Infinity
    default:
      return v;
  }
}

export type KeyValue = number | bigint | string | Uint8Array;

/**
 * Parse one entity join-key value from JSON for a key of `dtype`. int64 and
 * unix_timestamp (epoch seconds, as Feast serializes them) accept integers and
 * decimal strings (for ids past 2^53);
 * bytes accept base64. Returns undefined when the value does not fit.
 */
export function fromJsonKey(dtype: string, v: unknown): KeyValue | undefined {
  switch (dtype) {
    case 'int32':
      return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? v : undefined;
    case 'int64':
    case 'unix_timestamp': {
      let b: bigint | undefined;
      if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
      else if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) b = BigInt(v);
      if (b === undefined || b !== BigInt.asIntN(64, b)) return undefined;
      return b; // unix_timestamp keys are epoch seconds, as in Feast's key bytes
    }
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
    case 'bytes':
      return typeof v === 'string' ? (base64ToBytes(v) ?? undefined) : undefined;
    default:
      return undefined;
  }
}
