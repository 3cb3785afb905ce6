// Build a ViewStatistics record (format v1) from computed feature statistics.
import { microsToRfc3339 } from '../time.ts';
import { type FeatureStatistics, STATISTICS_FORMAT_VERSION, type ViewStatistics } from '../schema/statistics.ts';

/** DDSketch relative accuracy of the statistics kernel (src/kernel/stats.ts QUANTILE_RELATIVE_ERROR). */
export const STATS_QUANTILE_RELATIVE_ERROR = 0.01;

export interface ViewStatisticsInput {
  /** A feature view name, or the file's name for `larder stats --file`. */
  readonly view: string;
  /** epoch µs */
  readonly computedAt: number;
  /** Inclusive event-time window, epoch µs; null = unbounded. */
  readonly window: { readonly start: number | null; readonly end: number | null };
  readonly rowCount: number;
  readonly hllPrecision: number;
  readonly features: readonly FeatureStatistics[];
}

export function viewStatisticsRecord(i: ViewStatisticsInput): ViewStatistics {
  return {
    formatVersion: STATISTICS_FORMAT_VERSION,
    view: i.view,
    computedAt: microsToRfc3339(i.computedAt),
    window: {
      start: i.window.start === null ? null : microsToRfc3339(i.window.start),
      end: i.window.end === null ? null : microsToRfc3339(i.window.end),
    },
    rowCount: i.rowCount,
    sketch: { quantileRelativeError: STATS_QUANTILE_RELATIVE_ERROR, distinctStandardError: 1.04 / Math.sqrt(2 ** i.hllPrecision) },
    features: [...i.features],
  };
}
