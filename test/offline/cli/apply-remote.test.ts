// `larder apply --remote URL`: definitions applied to a running larder server (`larder serve`,
// the Worker's app on Node) through POST /apply, with its auth in front: admin keys apply,
// other roles are refused, a stale --expect-version is a conflict, and an unchanged repo
// writes nothing.
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../offline/serve/node-server.ts';
import { driverStatsTsRepo, driverStatsYamlRepo, makeRepo } from '../support/repo-fixture.ts';
import { run } from './cli-support.ts';

let serverRepo: string;
let client: string;
let server: RunningServer;
let admin: string;
let reader: string;

beforeAll(async () => {
  serverRepo = await makeRepo(driverStatsTsRepo('remote_apply'));
  await appendFile(join(serverRepo, 'larder.yaml'), '\nauth:\n  key_cache_seconds: 0\n');
  admin = (await run(serverRepo, 'keys', 'create', '--role', 'admin')).out.trim();
  reader = (await run(serverRepo, 'keys', 'create', '--role', 'read_online')).out.trim();
  const s = await startServer({ repoDir: serverRepo, port: 0, registryCacheSeconds: 3600 });
  if (!s.ok) throw new Error(s.error.message);
  server = s.value;
  // YAML definitions: read afresh by every apply in this process (a TS module would be cached).
  client = await makeRepo(driverStatsYamlRepo('remote_apply'));
});
afterAll(() => server?.close());

const summary = async () => {
  const res = await fetch(`${server.url}/registry`, { headers: { authorization: `Bearer ${reader}` } });
  return { status: res.status, body: (await res.json()) as { version?: number; counts?: Record<string, number> } };
};

describe('larder apply --remote', () => {
  it('applies the repo to the server, which serves it at once; again, nothing changes', async () => {
    expect((await summary()).status).toBe(404);
    const planned = await run(client, 'plan', '--remote', server.url, '--token', admin);
    expect(planned.code).toBe(0);
    expect(planned.out).toMatch(/^Plan for remote_apply: registry version 0 -> 1/);
    expect(planned.out).toMatch(/\+ feature_view driver_hourly_stats/);
    expect((await summary()).status).toBe(404); // plan wrote nothing
    const r = await run(client, 'apply', '--remote', server.url, '--token', admin);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Applied: the registry of remote_apply is at version 1 (remote ${server.url}).`);
    expect(r.out).toMatch(/\+ feature_view driver_hourly_stats/);
    const s = await summary();
    expect(s.body.version).toBe(1);
    expect(s.body.counts?.['feature-views']).toBeGreaterThan(0);

    const again = await run(client, 'apply', '--remote', server.url, '--token', admin);
    expect(again.code).toBe(0);
    expect(again.out).not.toContain('Applied:');
    expect((await summary()).body.version).toBe(1);
  });

  it('a changed definition is a new version; a stale --expect-version is a conflict; a reader key is forbidden', async () => {
    const features = join(client, 'features.yaml');
    const text = await readFile(features, 'utf8');
    expect(text).toContain('description: Average daily trips');
    await writeFile(features, text.replace('description: Average daily trips', 'description: Average daily trips (remote)'));
    const stale = await run(client, 'apply', '--remote', server.url, '--token', admin, '--expect-version', '0');
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/^error\[conflict\]/);
    const forbidden = await run(client, 'apply', '--remote', server.url, '--token', reader);
    expect(forbidden.code).toBe(1);
    expect(forbidden.err).toMatch(/^error\[forbidden\]/);
    expect((await summary()).body.version).toBe(1);
    const ok = await run(client, 'apply', '--remote', server.url, '--token', admin, '--expect-version', '1');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('is at version 2');
    expect((await summary()).body.version).toBe(2);
  });

  it('usage: --token needs --remote; the URL must be http(s); an unreachable server is an error', async () => {
    expect((await run(client, 'apply', '--token', 'x')).code).toBe(2);
    expect((await run(client, 'apply', '--remote', 'ftp://x')).code).toBe(2);
    const down = await run(client, 'apply', '--remote', 'http://127.0.0.1:9', '--token', admin);
    expect(down.code).toBe(1);
    expect(down.err).toMatch(/^error\[store_unavailable\]: cannot reach/);
  });
});
