import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/larder.js', import.meta.url));

/** Run `larder ...` as a user would: a separate Node process, from `cwd`. */
function larder(cwd: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    // A user's environment: not vitest's (VITEST would switch the repo loader to its vitest path).
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('larder init -> apply -> list, from any directory', () => {
  it('makes a repo that apply accepts and list shows', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'larder-cli-'));
    const init = await larder(cwd, 'init', 'my_repo');
    expect(init.err).toBe('');
    expect(init.code).toBe(0);
    expect(init.out).toContain('data/driver_stats.parquet');
    // `wrangler deploy` of the repo's own config serves this project (the Worker defaults to "default").
    const toml = await readFile(join(cwd, 'my_repo/wrangler.toml'), 'utf8');
    expect(toml.slice(toml.indexOf('\n[vars]\n'))).toMatch(/^\n\[vars\]\n(#.*\n)*LARDER_PROJECT = "my_repo"\nLARDER_ONLINE_STORE = "kv"\n/);

    const apply = await larder(cwd, 'apply', '--repo', 'my_repo');
    expect(apply.err).toBe('');
    expect(apply.code).toBe(0);
    expect(apply.out.trim().split('\n').at(-1)).toBe('Applied: the registry of my_repo is at version 1 (data/registry.json).');

    const list = await larder(cwd, 'list', 'feature-views', '--repo', 'my_repo');
    expect(list.code).toBe(0);
    expect(list.out.trim().split('\n')).toEqual([
      expect.stringMatching(/^NAME\s+ENTITIES\s+FEATURES\s+SOURCE\s+TTL\s+ONLINE$/),
      expect.stringMatching(/^driver_hourly_stats\s+driver\s+conv_rate, acc_rate, avg_daily_trips\s+driver_hourly_stats_source\s+1d\s+yes$/),
      expect.stringMatching(/^driver_hourly_stats_fresh\s+driver\s+conv_rate, acc_rate, avg_daily_trips\s+driver_stats_push_source\s+1d\s+yes$/),
    ]);

    const again = await larder(join(cwd, 'my_repo'), 'apply');
    expect(again.out.trim()).toBe('No changes: the registry of my_repo is at version 1.');
  });

  it('prints user errors on one line, without a stack trace', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'larder-cli-'));
    const r = await larder(cwd, 'apply');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^error\[invalid_config\]: larder\.yaml: no larder\.yaml in /)]);
    const notEmpty = await larder(cwd, 'init');
    expect(notEmpty.code).toBe(0);
    const twice = await larder(cwd, 'init');
    expect(twice.code).toBe(1);
    expect(twice.err.trim()).toMatch(/^error\[invalid_argument\]: .* is not empty/);
  });
});
