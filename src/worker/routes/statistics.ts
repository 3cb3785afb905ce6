import type { Context } from 'hono';
import { err, ok, type Result } from '../../core/errors.ts';
import type { RegistryIndex } from '../../core/registry/registry-index.ts';
import { type ViewStatistics, ViewStatisticsSchema } from '../../core/schema/statistics.ts';
import { toTfdvStatistics } from '../../core/statistics/tfdv.ts';
import type { MetadataStore } from '../../stores/metadata/metadata-store.ts';
import { errorResponse } from '../error-handler.ts';

export interface StatisticsDeps {
  readonly project: string;
  readonly registry: { get(): Promise<Result<RegistryIndex | null>> };
  readonly metadata?: MetadataStore;
}

/** The stored statistics of a feature view (`larder stats VIEW` writes them). */
export async function readViewStatistics(deps: StatisticsDeps, name: string): Promise<Result<ViewStatistics>> {
  const reg = await deps.registry.get();
  if (!reg.ok) return reg;
  if (reg.value === null || !reg.value.featureViews.has(name))
    return err('not_found', `no feature view named "${name}" in project "${deps.project}"`, { featureView: name });
  const none = err<ViewStatistics>('not_found', `no statistics computed yet for feature view "${name}": run larder stats ${name}`, { featureView: name });
  if (deps.metadata === undefined) return none;
  const rec = await deps.metadata.get(deps.project, 'statistics', name);
  if (!rec.ok) return rec;
  if (rec.value === null) return none;
  const parsed = ViewStatisticsSchema.safeParse(rec.value.body);
  if (!parsed.success) return err('corrupt_data', `the stored statistics of feature view "${name}" are not a format v1 record: run larder stats ${name} again`, { featureView: name });
  return ok(parsed.data);
}

/** GET /registry/feature-views/:name/statistics[?format=tfdv] */
export function statisticsHandler(deps: StatisticsDeps) {
  return async (c: Context): Promise<Response> => {
    const format = c.req.query('format') ?? 'json';
    if (format !== 'json' && format !== 'tfdv') return errorResponse(c, { code: 'invalid_request', message: `format must be json or tfdv, got "${format}"` });
    const r = await readViewStatistics(deps, c.req.param('name') ?? '');
    if (!r.ok) return errorResponse(c, r.error);
    return c.json(format === 'tfdv' ? toTfdvStatistics(r.value) : r.value);
  };
}
