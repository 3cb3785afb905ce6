import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driverStatsYamlRepo, makeRepo } from '../support/repo-fixture.ts';
import { run } from './cli-support.ts';

const EXTRA_SERVICE = `feature_services:
  - name: extra_service
    features: [{ view: driver_hourly_stats, features: [acc_rate], alias: stats }]
    precompute: true
`;

describe('larder CLI', () => {
  it('exits 2 on usage errors, with one line', async () => {
    const cwd = await makeRepo({});
    for (const argv of [['frobnicate'], ['apply', '--nope'], ['list'], ['list', 'things'], ['describe'], ['apply', '--expect-version', 'x'], []]) {
      const r = await run(cwd, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      if (argv.length > 0) expect(r.err.split('\n')).toEqual([expect.stringMatching(/^error\[usage\]: /)]);
    }
    expect((await run(cwd, '--help')).code).toBe(0);
    expect((await run(cwd, 'apply', '--help')).out).toMatch(/^larder apply/);
  });

  it('plans, applies, and applies again without change (idempotent)', async () => {
    const repo = await makeRepo(driverStatsYamlRepo());
    const cwd = join(repo, '..');
    const plan = await run(cwd, 'plan', '--repo', repo);
    expect(plan.code).toBe(0);
    expect(plan.out.split('\n')[0]).toBe('Plan for driver_stats: registry version 0 -> 1');
    expect(plan.out).toMatch(/\+ feature_view driver_hourly_stats\n/);
    expect(plan.out.split('\n').at(-1)).toBe('9 to add, 0 to change, 0 to remove.');

    const applied = await run(repo, 'apply');
    expect(applied.code).toBe(0);
    expect(applied.out.split('\n').at(-1)).toBe('Applied: the registry of driver_stats is at version 1 (data/registry.json).');
    const stored = await readFile(join(repo, 'data/registry.json'), 'utf8');

    const again = await run(repo, 'apply');
    expect(again).toEqual({ code: 0, out: 'No changes: the registry of driver_stats is at version 1.', err: '' });
    expect(await readFile(join(repo, 'data/registry.json'), 'utf8')).toBe(stored);
    expect((await run(repo, 'plan')).out).toBe('No changes: the registry of driver_stats is at version 1.');

    const dump = await run(repo, 'registry-dump');
    expect(`${dump.out}\n`).toBe(stored);
  });

  it('applies totally: a removed definition is planned as removed, then removed', async () => {
    const repo = await makeRepo({ ...driverStatsYamlRepo(), 'extra.yaml': EXTRA_SERVICE });
    expect((await run(repo, 'apply')).code).toBe(0);
    expect((await run(repo, 'list', 'feature-services')).out).toMatch(/extra_service\s+driver_hourly_stats as stats\s+yes/);

    await rm(join(repo, 'extra.yaml'));
    const plan = await run(repo, 'plan');
    expect(plan.out.split('\n')).toEqual([
      'Plan for driver_stats: registry version 1 -> 2',
      '  - feature_service extra_service',
      '0 to add, 0 to change, 1 to remove.',
    ]);
    expect((await run(repo, 'apply')).code).toBe(0);
    const list = await run(repo, 'list', 'feature-services', '--json');
    expect(JSON.parse(list.out).map((s: { name: string }) => s.name)).toEqual(['driver_activity_v1', 'driver_activity_v2']);
  });

  it('shows a changed field and refuses an apply based on a stale version (conflict)', async () => {
    const repo = await makeRepo(driverStatsYamlRepo());
    expect((await run(repo, 'apply')).code).toBe(0);
    const yaml = (await readFile(join(repo, 'features.yaml'), 'utf8')).replace('ttl: 1d', 'ttl: 2d');
    await writeFile(join(repo, 'features.yaml'), yaml);
    const plan = await run(repo, 'plan');
    expect(plan.out.split('\n').slice(1, 3)).toEqual(['  ~ feature_view driver_hourly_stats', '      ttlSeconds: 86400 -> 172800']);

    const stale = await run(repo, 'apply', '--expect-version', '0');
    expect(stale.code).toBe(1);
    expect(stale.err).toBe(
      'error[conflict]: registry of driver_stats is at version 1, but this apply was based on version 0: run plan again and re-apply',
    );
    const fresh = await run(repo, 'apply', '--expect-version', '1');
    expect(fresh.code).toBe(0);
    expect(fresh.out.split('\n').at(-1)).toMatch(/at version 2 /);
  });

  it('exits 1 with one line per problem and no stack trace on invalid definitions', async () => {
    const files = driverStatsYamlRepo();
    files['features.yaml'] = (files['features.yaml'] as string).replace('ttl: 1d', 'ttl: soon').replace('dtype: Float64 }', 'dtype: Float65 }');
    const repo = await makeRepo(files);
    const r = await run(repo, 'apply');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toEqual([
      'error[invalid_ttl]: features.yaml: driver_hourly_stats.ttl: invalid ttl "soon": use seconds (>= 0) or a duration like 30m, 2h, 1d, 7d',
      expect.stringMatching(/^error\[invalid_dtype\]: features\.yaml: transformed_conv_rate\.schema\[0\]\.dtype: unknown dtype "Float65"/),
    ]);
    expect(r.err).not.toMatch(/\n\s+at /);
    const listed = await run(repo, 'list', 'entities');
    expect(listed).toMatchObject({ code: 1, err: expect.stringMatching(/^error\[not_found\]: nothing applied yet for driver_stats/) });
  });

  it('describes objects and prints the registry JSON Schema', async () => {
    const repo = await makeRepo(driverStatsYamlRepo());
    await run(repo, 'apply');
    const d = await run(repo, 'describe', 'driver_hourly_stats');
    expect(JSON.parse(d.out)).toMatchObject({ kind: 'feature_view', name: 'driver_hourly_stats', ttlSeconds: 86_400 });
    const missing = await run(repo, 'describe', 'nope');
    expect(missing).toMatchObject({ code: 1, err: 'error[not_found]: no object named nope in the registry of driver_stats' });
    const schema = await run(repo, 'registry-schema');
    expect(JSON.parse(schema.out)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object' });
  });
});
