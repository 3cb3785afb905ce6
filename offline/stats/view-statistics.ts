// `larder stats VIEW`: statistics of a feature view's features over its
// source (a push source's batch source), optionally inside an event-time window.
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import type { ViewStatistics } from '../../src/core/schema/statistics.ts';
import { viewStatisticsRecord } from '../../src/core/statistics/view-statistics-record.ts';
import { nowMicros } from '../../src/core/time.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { DEFAULT_HLL_PRECISION } from '../../src/kernel/stats.ts';
import { readSource, resolveSourceFiles } from '../materialize/read-source.ts';
import type { SourceBatch } from '../materialize/source-batch.ts';
import { planView } from '../materialize/view-plan.ts';
import { type ComputeOptions, computeStatistics } from './compute-statistics.ts';

export interface ViewStatisticsOptions extends Omit<ComputeOptions, 'window'> {
  /** Inclusive event-time window, epoch µs; null = unbounded. */
  readonly start?: number | null;
  readonly end?: number | null;
  readonly now?: () => number;
}

/** Statistics of the features of view `name` (unknown_feature_view when there is none). */
export async function viewStatistics(
  k: KernelInstance,
  repoDir: string,
  registry: RegistryIndex,
  name: string,
  options: ViewStatisticsOptions = {},
): Promise<Result<{ record: ViewStatistics; files: number }>> {
  const view = registry.featureViews.get(name);
  if (view === undefined) {
    const known = [...registry.featureViews.keys()];
    return err('unknown_feature_view', `no feature view named ${name}${known.length ? ` (feature views: ${known.join(', ')})` : ''}`, { featureView: name });
  }
  const plan = planView(registry, view);
  if (!plan.ok) return plan;
  const p = plan.value;
  const start = options.start ?? null;
  const end = options.end ?? null;
  const columns = [...new Set([p.eventColumn, ...p.features.map((f) => f.column)])];
  const files = await resolveSourceFiles(repoDir, p.source.path, p.source.format);
  if (files.length === 0) return err('not_found', `feature view ${name}: no data file matches its source path ${p.source.path}`, { featureView: name });
  async function* batches(): AsyncGenerator<Result<SourceBatch>> {
    for await (const r of readSource(repoDir, p.source, columns)) {
      if (!r.ok) {
        yield r.error.code === 'corrupt_data' ? err('corrupt_file', r.error.message, r.error.details) : r;
        return;
      }
      yield ok(r.value.batch);
    }
  }
  const windowed = start !== null || end !== null;
  const computed = await computeStatistics(
    k,
    batches(),
    p.features.map((f) => ({ name: f.name, column: f.column, dtype: f.dtype })),
    { ...options, ...(windowed && { window: { column: p.eventColumn, start: start === null ? null : BigInt(start), end: end === null ? null : BigInt(end) } }) },
  );
  if (!computed.ok) return computed;
  const record = viewStatisticsRecord({
    view: name,
    computedAt: (options.now ?? nowMicros)(),
    window: { start, end },
    rowCount: computed.value.rowCount,
    hllPrecision: options.hllPrecision ?? DEFAULT_HLL_PRECISION,
    features: computed.value.features,
  });
  return ok({ record, files: files.length });
}
