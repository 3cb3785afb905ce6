// End to end through `larder dev`: larder.yaml's auth section reaches the real Worker under
// `wrangler dev --local` as LARDER_AUTH, and keys made by `larder keys create` (written to the
// repo's local D1 state) are the ones the Worker checks; a revoke takes effect.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDev, type RunningDev } from '../../../offline/dev/dev-server.ts';
import { loadConfig } from '../../../offline/repo/load-config.ts';
import { run } from '../cli/cli-support.ts';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let home = '';
let dev: RunningDev | null = null;
afterAll(async () => {
  await dev?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('larder dev with auth', () => {
  it('the Worker refuses requests without a key and serves them with one made by larder keys create', async () => {
    home = await mkdtemp(join(tmpdir(), 'larder-dev-auth-'));
    const repo = join(home, 'repo');
    expect((await run(home, 'init', repo, '--project', 'dev_auth')).code).toBe(0);
    await writeFile(join(repo, 'larder.yaml'), 'project: dev_auth\nregistry:\n  type: d1\nonline_store:\n  type: kv\nauth:\n  key_cache_seconds: 0\n');
    for (const step of [['migrate'], ['apply']]) {
      const r = await run(repo, ...step);
      expect(r.code, `${step.join(' ')}: ${r.err}`).toBe(0);
    }
    const made = await run(repo, 'keys', 'create', '--role', 'read_online');
    expect(made.code, made.err).toBe(0);
    const key = made.out;
    const loaded = await loadConfig(repo);
    if (!('config' in loaded)) throw new Error(JSON.stringify(loaded.issues));
    const log = join(home, 'wrangler.log');
    const started = await startDev({ repoDir: repo, config: loaded.config, port: await freePort(), wranglerOutput: { file: log }, skipMigrations: true });
    if (!started.ok) throw new Error(`${started.error.message}\n${await readFile(log, 'utf8').catch(() => '')}`);
    dev = started.value;
    const wranglerJson = JSON.parse(await readFile(dev.paths.configPath, 'utf8'));
    expect(JSON.parse(wranglerJson.vars.LARDER_AUTH)).toEqual({ api_keys: true, key_cache_seconds: 0 });

    const get = (authorization?: string) =>
      fetch(`${dev!.url}/get-online-features`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
        body: JSON.stringify({ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] } }),
      });
    expect((await fetch(`${dev.url}/health`)).status).toBe(200);
    const anon = await get();
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toBe('Bearer realm="larder"');
    await anon.body?.cancel();
    const ok = await get(`Bearer ${key}`);
    expect(ok.status, await ok.clone().text()).toBe(200);
    await ok.body?.cancel();
    const reg = await fetch(`${dev.url}/registry`, { headers: { authorization: `Bearer ${key}` } });
    expect(reg.status).toBe(200);
    await reg.body?.cancel();
    const write = await fetch(`${dev.url}/write-to-online-store`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
    expect(write.status).toBe(403);
    await write.body?.cancel();

    expect((await run(repo, 'keys', 'revoke', key.slice(3, 19))).code).toBe(0);
    const revoked = await get(`Bearer ${key}`);
    expect(revoked.status).toBe(401);
    await revoked.body?.cancel();
    expect(await readFile(log, 'utf8')).not.toContain(key.slice(20));
  }, 180_000);
});
