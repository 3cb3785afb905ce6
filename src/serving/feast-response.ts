import { microsToRfc3339 } from '../core/time.ts';
import { toJsonValue } from '../core/wire/json-values.ts';
import type { OnlineFeaturesResult } from './online-features.ts';

const EPOCH = '1970-01-01T00:00:00Z';

/** The Feast wire response: column-oriented, join keys first. */
export function toFeastResponse(r: OnlineFeaturesResult) {
  // Rows of one view share few distinct timestamps: format each once.
  const formatted = new Map<number, string>([[0, EPOCH]]);
  const rfc3339 = (t: number) => {
    let s = formatted.get(t);
    if (s === undefined) formatted.set(t, (s = microsToRfc3339(t)));
    return s;
  };
  return {
    metadata: { feature_names: r.featureNames },
    results: r.results.map((c) => ({
      values: jsonColumn(c.dtype, c.values),
      statuses: c.statuses,
      event_timestamps: c.eventTimestamps.map(rfc3339),
    })),
  };
}

/** A column's values as JSON values, with the dtype switch hoisted out of the loop for scalars. */
function jsonColumn(dtype: string, values: readonly unknown[]): unknown[] {
  switch (dtype) {
    case 'float32':
    case 'float64':
      return values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
    case 'int32':
    case 'string':
    case 'bool':
      return values as unknown[];
    case 'int64':
      return values.map((v) => (typeof v === 'bigint' ? Number(v) : v));
    default:
      return values.map((v) => toJsonValue(dtype, v));
  }
}
