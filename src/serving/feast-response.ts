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
      values: c.values.map((v) => toJsonValue(c.dtype, v)),
      statuses: c.statuses,
      event_timestamps: c.eventTimestamps.map(rfc3339),
    })),
  };
}
