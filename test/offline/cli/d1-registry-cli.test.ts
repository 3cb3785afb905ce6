import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPlatformProxy } from 'wrangler';
import { describe, expect, it } from 'vitest';
import { driverStatsYamlRepo, makeRepo } from '../support/repo-fixture.ts';
import { run } from './cli-support.ts';

// No network here: keep wrangler from fetching request metadata or sending metrics.
process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
process.env.WRANGLER_SEND_METRICS = 'false';

const MIGRATION = fileURLToPath(new URL('../../../src/stores/d1/migrations/0001_init.sql', import.meta.url));

describe('larder apply with a D1 registry (local wrangler state)', () => {
  // Each CLI run starts a local workerd through wrangler's platform proxy (~1-2 s): keep them few.
  it('applies through the platform proxy and refuses a stale version', async () => {
    const repo = await makeRepo({
      ...driverStatsYamlRepo(),
      'larder.yaml': 'project: driver_stats\nregistry:\n  type: d1\n  binding: DB\n',
      'wrangler.toml': 'name = "t"\ncompatibility_date = "2026-11-01"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "t"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\n',
    });
    const missing = await run(repo, 'apply');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^error\[store_unavailable\]: .*no such table: registry.*wrangler d1 migrations apply/);

    const proxy = await getPlatformProxy<{ DB: D1Database }>({
      configPath: join(repo, 'wrangler.toml'),
      persist: { path: join(repo, '.wrangler/state/v3') },
    });
    const sql = (await readFile(MIGRATION, 'utf8')).replace(/--.*$/gm, '').replace(/\s+/g, ' ');
    await proxy.env.DB.exec(sql.trim());
    await proxy.dispose();

    const first = await run(repo, 'apply');
    expect(first.out.split('\n').at(-1)).toBe('Applied: the registry of driver_stats is at version 1 (D1 binding DB).');
    await writeFile(join(repo, 'features.yaml'), (await readFile(join(repo, 'features.yaml'), 'utf8')).replace('ttl: 1d', 'ttl: 3d'));
    const stale = await run(repo, 'apply', '--expect-version', '0');
    expect(stale).toMatchObject({ code: 1, err: expect.stringMatching(/^error\[conflict\]: /) });
  });
});
