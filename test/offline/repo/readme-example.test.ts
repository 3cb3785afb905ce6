import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { nextRegistry } from '../../../src/core/registry/plan.ts';
import { serializeRegistry } from '../../../src/core/registry/serialize.ts';
import { loadRepo } from '../../../offline/repo/load-repo.ts';
import { driverStatsParquet } from '../../../offline/repo/template/driver-stats-data.ts';
import { DATA_END_MS, makeRepo, NOW } from '../support/repo-fixture.ts';

// The two examples of the README's "Defining features" section (kept in test/fixtures/readme-example).
const fixture = (name: string) => readFile(new URL(`../../fixtures/readme-example/${name}`, import.meta.url), 'utf8');

async function registry(files: Record<string, string | Uint8Array>): Promise<string> {
  const repo = await loadRepo(await makeRepo({ 'larder.yaml': 'project: drivers\n', 'data/driver_stats.parquet': driverStatsParquet({ endMs: DATA_END_MS }), ...files }), { now: NOW });
  expect(repo.issues).toEqual([]);
  if (!repo.ok) throw new Error('invalid');
  return serializeRegistry(nextRegistry(null, 'drivers', repo.build.objects, NOW).next!);
}

describe('README examples', () => {
  it('the TypeScript and the YAML example define the same registry', async () => {
    const transforms = await fixture('transforms.ts');
    const ts = await registry({ 'features.ts': await fixture('features.ts'), 'transforms.ts': transforms });
    const yaml = await registry({ 'features.yaml': await fixture('features.yaml'), 'transforms.ts': transforms });
    expect(yaml).toBe(ts);
    expect(JSON.parse(ts).featureServices[0].projections.map((p: { view: string }) => p.view)).toEqual(['driver_hourly_stats', 'conv_rate_plus']);
  });
});
