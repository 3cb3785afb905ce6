// The stored statistics of a feature view in short, for `larder describe`.
import type { ProjectConfig } from '../../src/core/schema/project-config.ts';
import { ViewStatisticsSchema } from '../../src/core/schema/statistics.ts';
import type { CliIo } from '../cli/cli-io.ts';
import { resolveRepo } from '../cli/cli-io.ts';
import { openRepoStores } from '../stores/open-online-store.ts';

export interface StatisticsSummary {
  readonly statistics: {
    readonly computedAt: string;
    readonly window: { readonly start: string | null; readonly end: string | null };
    readonly rowCount: number;
    readonly features: readonly { name: string; count: number; nullRate: number; mean: number | null; min: number | null; max: number | null }[];
  } | null;
}

/** `{statistics: ...}` from the metadata store (null when none were computed); `{}` when the store cannot be read. */
export async function storedStatisticsSummary(io: CliIo, repo: string | undefined, config: ProjectConfig, view: string): Promise<StatisticsSummary | Record<string, never>> {
  const stores = await openRepoStores(resolveRepo(io, repo), config, { online: false });
  if (!stores.ok) return {};
  try {
    const rec = await stores.value.metadata.get(config.project, 'statistics', view);
    if (!rec.ok) return {};
    if (rec.value === null) return { statistics: null };
    const parsed = ViewStatisticsSchema.safeParse(rec.value.body);
    if (!parsed.success) return {};
    const s = parsed.data;
    return {
      statistics: {
        computedAt: s.computedAt,
        window: s.window,
        rowCount: s.rowCount,
        features: s.features.map((f) => ({
          name: f.name,
          count: f.count,
          nullRate: f.nullRate,
          mean: f.numeric?.mean ?? null,
          min: f.numeric?.min ?? null,
          max: f.numeric?.max ?? null,
        })),
      },
    };
  } finally {
    await stores.value.close();
  }
}
