import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../cli/cli-support.ts';
import { latestInData } from './template-data.ts';

const LARDER = fileURLToPath(new URL('../../../bin/larder.js', import.meta.url));

describe('larder materialize and larder serve on an init-ed repo', () => {
  it('materializes the template data and serves it over HTTP from SQLite', async () => {
    const home = await mkdtemp(join(tmpdir(), 'larder-serve-'));
    const repo = join(home, 'repo');
    expect((await run(home, 'init', repo)).code).toBe(0);
    expect((await run(repo, 'apply')).code).toBe(0);

    const m = await run(repo, 'materialize-incremental', 'now');
    expect(m.err).toBe('');
    expect(m.code).toBe(0);
    const lines = m.out.split('\n');
    expect(lines[0]).toMatch(/^driver_hourly_stats: 360 rows read from 1 file, 5 keys written \(\S+ \.\. \S+\) in \d+\.\d\d s$/);
    expect(lines[1]).toMatch(/^driver_hourly_stats_fresh: 360 rows read from 1 file, 5 keys written/);
    expect(lines[2]).toBe('Materialized 2 views into sqlite data/online.db.');

    const child = spawn(process.execPath, [LARDER, 'serve', '--repo', repo, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errOut = '';
    child.stderr.on('data', (d) => (errOut += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          out += d;
          const m = /Serving \w+ on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve(m[1]);
        });
        void exited.then((code) => reject(new Error(`larder serve exited (${code}): ${out}${errOut}`)));
      });
      expect(out).toContain('(registry: data/registry.json; online store: sqlite data/online.db)');

      const res = await fetch(`${url}/get-online-features`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ feature_service: 'driver_activity_v1', entities: { driver_id: [1001, 1005, 4242] }, request_context: { val_to_add: [1, 2, 3], val_to_add_2: [10, 20, 30] } }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { metadata: { feature_names: string[] }; results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[] };
      expect(body.metadata.feature_names).toEqual(['driver_id', 'conv_rate', 'conv_rate_plus_val1', 'conv_rate_plus_val2']);
      const data = await latestInData(repo);
      const [keys, conv, plus1, plus2] = body.results;
      expect(keys.values).toEqual([1001, 1005, 4242]);
      expect(conv.statuses).toEqual(['PRESENT', 'PRESENT', 'NOT_FOUND']);
      for (const [i, d] of [1001, 1005].entries()) {
        const want = data.get(d)!;
        expect(conv.values[i]).toBe(Math.fround(want.convRate));
        expect(conv.event_timestamps[i]).toBe(new Date(Number(want.eventUs / 1000n)).toISOString().replace('.000Z', 'Z'));
        expect(plus1.values[i]).toBeCloseTo(want.convRate + [1, 2][i], 6);
        expect(plus2.values[i]).toBeCloseTo(want.convRate + [10, 20][i], 6);
      }
      const health = await fetch(`${url}/health`);
      expect(await health.json()).toEqual({ status: 'ok', project: 'repo' });
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('reports usage and user errors of materialize', async () => {
    const home = await mkdtemp(join(tmpdir(), 'larder-mat-cli-'));
    const repo = join(home, 'repo');
    await run(home, 'init', repo);
    expect(await run(repo, 'materialize', 'now')).toMatchObject({ code: 2, err: expect.stringContaining('materialize takes START and END') });
    expect(await run(repo, 'materialize', 'yesterday', 'now')).toMatchObject({ code: 2, err: expect.stringContaining('START "yesterday" is not an ISO 8601 time or "now"') });
    expect(await run(repo, 'materialize', '2025-02-01', '2025-01-01')).toMatchObject({ code: 2, err: expect.stringContaining('is after END') });
    expect(await run(repo, 'materialize-incremental', 'now', '--lookback', 'soon')).toMatchObject({ code: 2, err: expect.stringContaining('--lookback "soon" is not a duration') });
    expect(await run(repo, 'materialize', '2025-01-01', 'now')).toMatchObject({ code: 1, err: expect.stringContaining('nothing applied yet for repo (data/registry.json): run larder apply') });
    await run(repo, 'apply');
    expect(await run(repo, 'materialize', '2025-01-01', 'now', '--views', 'driver_hourly_stats,nope')).toMatchObject({
      code: 1,
      err: 'error[unknown_feature_view]: unknown feature view "nope" (views: driver_hourly_stats, driver_hourly_stats_fresh)',
    });
    const one = await run(repo, 'materialize', '2025-01-01T00:00:00', 'now', '--views', 'driver_hourly_stats');
    expect(one.code).toBe(0);
    expect(one.out).toMatch(/^driver_hourly_stats: 360 rows read from 1 file, 5 keys written \(2025-01-01T00:00:00Z \.\. /);
  });
});
