// `larder keys create/list/revoke` through the CLI on an init-ed repo (file registry, metadata
// beside it), then `larder serve` with an auth section: keys work over HTTP, the key is shown
// once and is nowhere on disk, in the registry dump or in the server's answers.
import { appendFile, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthConfig } from '../../../src/core/auth/auth-config.ts';
import { ProjectConfig } from '../../../src/core/schema/project-config.ts';
import { wranglerConfig } from '../../../offline/dev/local-worker.ts';
import { startServer } from '../../../offline/serve/node-server.ts';
import { ok } from '../../../src/core/errors.ts';
import { MemoryMetadataStore } from '../../../src/stores/metadata/memory-metadata-store.ts';
import { ApiKeyVerifier } from '../../../src/worker/auth/api-key-verifier.ts';
import { run } from '../cli/cli-support.ts';

let repo = '';
const KEY = /^lk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), 'larder-keys-'));
  repo = join(home, 'repo');
  expect((await run(home, 'init', repo)).code).toBe(0);
  expect((await run(repo, 'apply')).code).toBe(0);
});

describe('larder keys', () => {
  it('create prints the key once on stdout, stores only a hash; list shows no secret; revoke marks it', async () => {
    const c = await run(repo, 'keys', 'create', '--role', 'read_online', '--role', 'write_online', '--name', 'ci job');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(KEY);
    const key = c.out;
    const id = KEY.exec(key)![1];
    const secret = key.slice(20);
    expect(c.err).toContain(`Created API key ${id} for project repo (roles: read_online, write_online)`);
    expect(c.err).toContain('only time the key is shown');
    expect(c.err).toContain('warning: larder.yaml has no auth section');
    expect(c.err).not.toContain(secret);

    const stored = await filesUnder(join(repo, 'data'));
    const record = stored.find((f) => f.endsWith(`${id}.json`))!;
    expect(record).toContain(join('data', 'metadata', '_auth', 'api_key'));
    const body = JSON.parse(await readFile(record, 'utf8')).body;
    expect(Object.keys(body).sort()).toEqual(['createdAt', 'formatVersion', 'hash', 'id', 'name', 'project', 'revokedAt', 'roles']);
    expect(body).toMatchObject({ id, name: 'ci job', project: 'repo', roles: ['read_online', 'write_online'], revokedAt: null });
    for (const f of await filesUnder(repo)) expect(await readFile(f, 'latin1'), f).not.toContain(secret);

    const l = await run(repo, 'keys', 'list');
    expect(l.code).toBe(0);
    const lines = l.out.split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+PROJECT\s+ROLES\s+CREATED\s+REVOKED$/);
    expect(lines.find((x) => x.startsWith(id))).toMatch(new RegExp(`^${id}  ci job  repo\\s+read_online,write_online  \\S+Z  -$`));
    expect(l.out).not.toContain(secret);
    const lj = await run(repo, 'keys', 'list', '--json');
    expect(JSON.parse(lj.out).find((k: { id: string }) => k.id === id)).toEqual({ id, name: 'ci job', project: 'repo', roles: ['read_online', 'write_online'], createdAt: body.createdAt, revokedAt: null });

    const dump = await run(repo, 'registry-dump');
    expect(dump.code).toBe(0);
    expect(dump.out).not.toContain(secret);
    expect(dump.out).not.toContain(id);

    const r = await run(repo, 'keys', 'revoke', id);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Revoked API key ${id} \\(project repo\\) at \\S+Z\\.$`));
    const again = await run(repo, 'keys', 'revoke', key); // the whole key works too, and is not echoed
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/was already revoked/);
    expect(again.out + again.err).not.toContain(secret);
    expect((await run(repo, 'keys', 'list')).out).toMatch(new RegExp(`${id}.*Z  \\S+Z$`, 'm'));
  });

  it('keys of another project are listed with --project or --all', async () => {
    const c = await run(repo, 'keys', 'create', '--role', 'admin', '--project', 'other_proj');
    expect(c.code).toBe(0);
    const id = KEY.exec(c.out)![1];
    expect((await run(repo, 'keys', 'list')).out).not.toContain(id);
    expect((await run(repo, 'keys', 'list', '--project', 'other_proj')).out).toContain(id);
    expect((await run(repo, 'keys', 'list', '--all')).out).toContain(id);
  });

  it('usage errors exit 2, user errors exit 1, one line each', async () => {
    const usage: string[][] = [
      ['keys'],
      ['keys', 'rotate'],
      ['keys', 'create'],
      ['keys', 'create', '--role', 'superuser'],
      ['keys', 'create', '--role', 'admin', '--project', '9bad'],
      ['keys', 'create', '--role', 'admin', 'extra'],
      ['keys', 'list', '--role', 'admin'],
      ['keys', 'list', '--all', '--project', 'x'],
      ['keys', 'revoke'],
      ['keys', 'revoke', '--name', 'x', 'abc'],
    ];
    for (const argv of usage) {
      const r = await run(repo, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/^error\[usage\]: [^\n]+$/);
    }
    const unknown = await run(repo, 'keys', 'revoke', '0123456789abcdef');
    expect(unknown).toEqual({ code: 1, out: '', err: 'error[not_found]: no API key 0123456789abcdef' });
    const bad = await run(repo, 'keys', 'revoke', 'lk_not-a-key-but-secret-looking');
    expect(bad.code).toBe(1);
    expect(bad.err).not.toContain('secret-looking');
  });
});

describe('larder keys export', () => {
  it('prints a D1 upsert (and a KV key/value) of the record that verifies the key, with no secret', async () => {
    const key = (await run(repo, 'keys', 'create', '--role', 'read_online', '--name', "o'brien")).out;
    const id = KEY.exec(key)![1];
    const sql = await run(repo, 'keys', 'export', id);
    expect(sql.code).toBe(0);
    expect(sql.out).not.toContain(key.slice(20));
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(':memory:');
    db.exec(await readFile(new URL('../../../src/stores/d1/migrations/0003_metadata.sql', import.meta.url), 'utf8'));
    db.exec(sql.out);
    db.exec(sql.out); // idempotent
    const rows = db.prepare('SELECT project, kind, name, body FROM metadata').all() as { project: string; kind: string; name: string; body: string }[];
    expect(rows.map((r) => [r.project, r.kind, r.name])).toEqual([['_auth', 'api_key', id]]);
    const mem = new MemoryMetadataStore();
    await mem.put('_auth', 'api_key', id, JSON.parse(rows[0].body));
    expect(await new ApiKeyVerifier(mem, { cacheMs: 0 }).verify(key)).toEqual(ok({ kind: 'api_key', id, projects: ['repo'], roles: ['read_online'] }));

    const kv = await run(repo, 'keys', 'export', key, '--format', 'kv');
    const [kvKey, kvValue] = kv.out.split('\n');
    expect(kvKey).toBe(`meta:_auth:api_key:${id}`);
    expect(JSON.parse(kvValue).body).toEqual(JSON.parse(rows[0].body));
    expect((await run(repo, 'keys', 'export', id, '--format', 'xml')).code).toBe(2);
  });
});

describe('larder serve with auth in larder.yaml', () => {
  it('refuses requests without a valid key, serves them with one', async () => {
    await appendFile(join(repo, 'larder.yaml'), '\nauth:\n  key_cache_seconds: 0\n');
    const reader = (await run(repo, 'keys', 'create', '--role', 'read_online')).out;
    const writer = (await run(repo, 'keys', 'create', '--role', 'write_online')).out;
    const s = await startServer({ repoDir: repo, port: 0 });
    if (!s.ok) throw new Error(s.error.message);
    try {
      const get = (key?: string) =>
        fetch(`${s.value.url}/get-online-features`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }) },
          body: JSON.stringify({ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] } }),
        });
      expect((await fetch(`${s.value.url}/health`)).status).toBe(200);
      const anon = await get();
      expect(anon.status).toBe(401);
      expect(anon.headers.get('www-authenticate')).toBe('Bearer realm="larder"');
      expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
      expect((await get(reader)).status).toBe(200);
      const w = await get(writer);
      expect(w.status).toBe(403);
      expect(await w.text()).not.toContain(writer.slice(20));
      expect((await run(repo, 'keys', 'revoke', reader.slice(3, 19))).code).toBe(0);
      expect((await get(reader)).status).toBe(401);
    } finally {
      await s.value.close();
    }
  });
});

describe('larder dev passes the auth section to the Worker as LARDER_AUTH', () => {
  it('writes the same config, in larder.yaml form, into the generated wrangler vars', () => {
    const auth = { key_cache_seconds: 2, jwt: { jwks_url: 'https://id.example.com/jwks.json', issuer: 'https://id.example.com/', audience: 'larder', project_claim: 'proj' } };
    const config = ProjectConfig.parse({ project: 'p', registry: { type: 'd1' }, online_store: { type: 'kv' }, auth });
    const vars = wranglerConfig('/tmp/x', config, { d1: { localId: 'a', databaseName: 'p' }, kv: { localId: 'b' } }).vars as Record<string, string>;
    expect(AuthConfig.parse(JSON.parse(vars.LARDER_AUTH))).toEqual(config.auth);
    const open = ProjectConfig.parse({ project: 'p', registry: { type: 'd1' }, online_store: { type: 'kv' } });
    expect(wranglerConfig('/tmp/x', open, { d1: { localId: 'a', databaseName: 'p' }, kv: { localId: 'b' } }).vars).not.toHaveProperty('LARDER_AUTH');
  });
});
