import type { Result } from '../core/errors.ts';

/** One feature's column in Feast's wire response. */
export interface FeastFeatureResult {
  readonly values: unknown[];
  readonly statuses: ('PRESENT' | 'NULL_VALUE' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE')[];
  readonly event_timestamps: string[];
}

/** Feast's `/get-online-features` response: column-oriented, join keys first. */
export interface FeastOnlineResponse {
  readonly metadata: { readonly feature_names: string[] };
  readonly results: FeastFeatureResult[];
}

export interface OnlineFeaturesQuery {
  /** `view:feature` references (or give `featureService`). */
  readonly features?: readonly string[];
  readonly featureService?: string;
  /** Entity columns: join key -> one value per row (and request data for on-demand views). */
  readonly entities: Readonly<Record<string, readonly unknown[]>>;
  readonly requestContext?: Readonly<Record<string, readonly unknown[]>>;
  readonly fullFeatureNames?: boolean;
  readonly includeStale?: boolean;
}

/**
 * The typed client a model uses, whichever way it reaches larder: in-process
 * (the serving core over the Worker's own KV/D1 bindings), through a service
 * binding, or over HTTP. Every way answers the same Feast wire shape and
 * returns errors as values with larder's stable codes.
 */
export interface FeatureClient {
  getOnlineFeatures(query: OnlineFeaturesQuery): Promise<Result<FeastOnlineResponse>>;
}

/** The request body for a query (Feast's snake_case JSON). */
export function toWireRequest(q: OnlineFeaturesQuery) {
  return {
    ...(q.featureService !== undefined ? { feature_service: q.featureService } : { features: q.features }),
    entities: q.entities,
    ...(q.requestContext ? { request_context: q.requestContext } : {}),
    full_feature_names: q.fullFeatureNames ?? false,
    include_stale: q.includeStale ?? false,
  };
}

/** Row-oriented view of a response: one object per entity row, by feature name. */
export function responseRows(r: FeastOnlineResponse): Record<string, unknown>[] {
  const n = r.results[0]?.values.length ?? 0;
  const rows: Record<string, unknown>[] = Array.from({ length: n }, () => ({}));
  r.metadata.feature_names.forEach((name, i) => {
    for (let j = 0; j < n; j++) rows[j][name] = r.results[i].values[j];
  });
  return rows;
}
