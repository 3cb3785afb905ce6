// End to end against the real Worker: `larder init` a repo configured for the
// Worker's stores (D1 registry, KV online store), migrate, apply and
// materialize into the local state, start `larder dev` (wrangler dev --local)
// on a free port, read and write over HTTP, then stop it and check that no
// process of its group (wrangler, workerd) is left.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../offline/cli/cli-support.ts';
import { latestInData } from '../offline/serve/template-data.ts';

const LARDER = fileURLToPath(new URL('../../bin/larder.js', import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** pid -> [pgid, command line] of every process. */
function processes(): Map<number, [number, string]> {
  const out = new Map<number, [number, string]>();
  for (const line of execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' }).split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) out.set(Number(m[1]), [Number(m[2]), m[3]]);
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

describe('larder dev (wrangler dev --local) end to end', () => {
  it('serves what apply and materialize wrote to the local D1/KV state, takes writes, and stops cleanly', async () => {
    const home = await mkdtemp(join(tmpdir(), 'larder-e2e-'));
    const repo = join(home, 'repo');
    expect((await run(home, 'init', repo, '--project', 'e2e')).code).toBe(0);
    await writeFile(join(repo, 'larder.yaml'), 'project: e2e\nregistry:\n  type: d1\nonline_store:\n  type: kv\n');

    const migrated = await run(repo, 'migrate');
    expect(migrated, migrated.err).toMatchObject({ code: 0, out: `D1 migrations applied to ${join(repo, '.wrangler/state')}.` });
    const applied = await run(repo, 'apply');
    expect(applied.out.split('\n').at(-1)).toBe('Applied: the registry of e2e is at version 1 (D1 binding DB).');
    const materialized = await run(repo, 'materialize-incremental', 'now');
    expect(materialized.err).toBe('');
    expect(materialized.out.split('\n').at(-1)).toBe('Materialized 2 views into kv (local state).');

    const port = await freePort();
    const dev = spawn(process.execPath, [LARDER, 'dev', '--repo', repo, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    dev.stdout.on('data', (d) => (out += d));
    dev.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => dev.on('exit', (code) => r(code)));
    let group: number[] = [];
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /larder dev: e2e on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearInterval(timer);
            resolve(m[1]);
          }
        }, 100);
        void exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`larder dev exited (${code}):\n${out}`));
        });
      });
      expect(url).toBe(`http://127.0.0.1:${port}`);
      // Migrations were applied by `larder migrate`: dev found none pending and did not run wrangler's again.
      expect(out).not.toContain('Applying D1 migrations');

      // wrangler and its workerd processes: one process group, led by wrangler.
      const ps = processes();
      const leader = [...ps].find(([, [, args]]) => args.includes(join(repo, '.larder/wrangler.json')) && / dev /.test(args));
      expect(leader, out).toBeDefined();
      const pgid = leader![1][0];
      group = [...ps].filter(([, [g]]) => g === pgid).map(([pid]) => pid);
      expect([...ps].filter(([, [g, args]]) => g === pgid && args.includes('workerd')).length).toBeGreaterThan(0);

      // Read what materialize wrote, through the on-demand view too.
      const data = await latestInData(repo);
      const read = () =>
        post(`${url}/get-online-features`, {
          feature_service: 'driver_activity_v1',
          entities: { driver_id: [1001, 1002, 777] },
          request_context: { val_to_add: [1, 1, 1], val_to_add_2: [2, 2, 2] },
        });
      const first = await read();
      expect(first.status, JSON.stringify(first.json)).toBe(200);
      expect(first.json.metadata.feature_names).toEqual(['driver_id', 'conv_rate', 'conv_rate_plus_val1', 'conv_rate_plus_val2']);
      const [, conv, plus1] = first.json.results;
      expect(conv.statuses).toEqual(['PRESENT', 'PRESENT', 'NOT_FOUND']);
      expect(conv.values.slice(0, 2)).toEqual([1001, 1002].map((d) => Math.fround(data.get(d)!.convRate)));
      expect(plus1.values[0]).toBeCloseTo(data.get(1001)!.convRate + 1, 6);

      // Write newer rows (one for a new driver), and an older one that must not win.
      const now = new Date().toISOString();
      const write = await post(`${url}/write-to-online-store`, {
        feature_view_name: 'driver_hourly_stats',
        df: { driver_id: [1001, 777], event_timestamp: [now, now], conv_rate: [0.25, 0.5], acc_rate: [0.75, 1], avg_daily_trips: [11, 22] },
      });
      expect(write).toEqual({ status: 200, json: { written: 2, skipped: 0, rows: 2 } });
      const older = await post(`${url}/write-to-online-store`, {
        feature_view_name: 'driver_hourly_stats',
        df: { driver_id: [1001], event_timestamp: ['2020-01-01T00:00:00Z'], conv_rate: [0.125], acc_rate: [0], avg_daily_trips: [0] },
      });
      expect(older).toEqual({ status: 200, json: { written: 0, skipped: 1, rows: 1 } });
      const second = await read();
      expect(second.json.results[1].values).toEqual([0.25, Math.fround(data.get(1002)!.convRate), 0.5]);
      expect(second.json.results[1].statuses).toEqual(['PRESENT', 'PRESENT', 'PRESENT']);
      expect(second.json.results[2].values[2]).toBe(1.5);

      const bad = await post(`${url}/get-online-features`, { features: ['driver_hourly_stats:nope'], entities: { driver_id: [1001] } });
      expect(bad.status).toBe(404);
      expect(bad.json.error.message).toContain('nope');
    } finally {
      dev.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
    // Nothing of wrangler's process group is left (workerd included).
    for (let i = 0; i < 50 && group.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(group.filter(alive)).toEqual([]);
  });
});
