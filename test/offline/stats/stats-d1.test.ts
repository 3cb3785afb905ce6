// `larder stats VIEW` with a D1 registry: the record lands in the local D1
// state's metadata table (what `larder dev` and the Worker read), and the
// Worker route answers it.
import { join } from 'node:path';
import { getPlatformProxy } from 'wrangler';
import { describe, expect, it } from 'vitest';
import { ok } from '../../../src/core/errors.ts';
import { indexRegistry } from '../../../src/core/registry/registry-index.ts';
import { ViewStatisticsSchema } from '../../../src/core/schema/statistics.ts';
import { D1MetadataStore, type D1MetaLike } from '../../../src/stores/metadata/d1-metadata-store.ts';
import { D1RegistryStore } from '../../../src/stores/registry/d1-registry-store.ts';
import { MemoryOnlineStore } from '../../../src/stores/memory/memory-online-store.ts';
import { createApp } from '../../../src/worker/app.ts';
import { nodeKernel } from '../../../offline/parquet/kernel.ts';
import { driverStatsYamlRepo, makeRepo } from '../support/repo-fixture.ts';
import { run } from '../cli/cli-support.ts';

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_SEND_METRICS = 'false';

describe('larder stats with a D1 registry (local wrangler state)', () => {
  it('stores the statistics in D1 beside the registry', async () => {
    const repo = await makeRepo({
      ...driverStatsYamlRepo(),
      'larder.yaml': 'project: driver_stats\nregistry:\n  type: d1\n  binding: DB\n',
      'wrangler.toml': 'name = "t"\ncompatibility_date = "2026-11-01"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "t"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\n',
    });
    expect((await run(repo, 'migrate')).code).toBe(0);
    expect((await run(repo, 'apply')).code).toBe(0);
    const r = await run(repo, 'stats', 'driver_hourly_stats', '--format', 'json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('Stored the statistics of driver_hourly_stats (beside D1 (local state)).');
    const printed = ViewStatisticsSchema.parse(JSON.parse(r.out));
    expect(printed.features.map((f) => f.name)).toEqual(['conv_rate', 'acc_rate', 'avg_daily_trips']);

    const proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: join(repo, '.larder', 'proxy.wrangler.json'), persist: { path: join(repo, '.wrangler/state/v3') } });
    try {
      const metadata = new D1MetadataStore(proxy.env.DB as unknown as D1MetaLike);
      const stored = await metadata.get('driver_stats', 'statistics', 'driver_hourly_stats');
      expect(stored.ok && stored.value?.body).toEqual(printed);
      const reg = await new D1RegistryStore(proxy.env.DB as never).read('driver_stats');
      const index = indexRegistry(reg.ok ? reg.value! : (null as never));
      const app = createApp({ project: 'driver_stats', kernel: nodeKernel, registry: { get: async () => ok(index) }, online: new MemoryOnlineStore(), metadata });
      const res = await app.request('/registry/feature-views/driver_hourly_stats/statistics');
      expect(await res.json()).toEqual(printed);
    } finally {
      await proxy.dispose();
    }
  });
});
