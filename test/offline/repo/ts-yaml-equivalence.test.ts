import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nextRegistry } from '../../../src/core/registry/plan.ts';
import { serializeRegistry } from '../../../src/core/registry/serialize.ts';
import { loadRepo } from '../../../offline/repo/load-repo.ts';
import { driverStatsTsRepo, driverStatsYamlRepo, makeRepo, NOW } from '../support/repo-fixture.ts';

const GOLDEN = fileURLToPath(new URL('../../fixtures/registry/driver-stats.golden.json', import.meta.url));

async function registryOf(files: Record<string, string | Uint8Array>): Promise<string> {
  const repo = await loadRepo(await makeRepo(files), { now: NOW });
  if (!repo.ok) throw new Error(repo.issues.map((i) => `${i.code} ${i.file} ${i.object}.${i.field}: ${i.message}`).join('\n'));
  const { next } = nextRegistry(null, repo.config.project, repo.build.objects, NOW);
  return serializeRegistry(next!);
}

describe('TypeScript and YAML definitions', () => {
  it('give byte-identical registries for the same repo', async () => {
    const ts = await registryOf(driverStatsTsRepo());
    const yaml = await registryOf(driverStatsYamlRepo());
    expect(yaml).toBe(ts);
  });

  it('match the golden registry of the driver-stats repo', async () => {
    const ts = await registryOf(driverStatsTsRepo());
    if (process.env.UPDATE_GOLDEN === '1') {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(GOLDEN, ts);
    }
    expect(ts).toBe(await readFile(GOLDEN, 'utf8'));
  });
});
