// `--remote URL`: materialization through a larder server's
// POST /write-to-online-store (createApp on Node, as the Worker serves it),
// in chunks within its limits, with the token passed through; the server's
// store ends byte-identical to a local run's.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from '../../../src/core/errors.ts';
import { indexRegistry } from '../../../src/core/registry/registry-index.ts';
import { microsToRfc3339 } from '../../../src/core/time.ts';
import { SqliteOnlineStore } from '../../../src/stores/sqlite/sqlite-online-store.ts';
import { createApp } from '../../../src/worker/app.ts';
import { main } from '../../../offline/cli/main.ts';
import { FileMetadataStore } from '../../../offline/stores/file-metadata-store.ts';
import { FileRegistryStore } from '../../../offline/stores/file-registry-store.ts';
import { nodeKernel } from '../../../offline/parquet/kernel.ts';
import { makeRepo } from '../support/repo-fixture.ts';
import { FEATURES_YAML, randomRows, SEC, T0, writeRowsArrow, writeRowsCsv, writeRowsParquet } from './fixture.ts';

const TOKEN = 's3cret-token';
const START = microsToRfc3339(Number(T0));
const END = microsToRfc3339(Number(T0 + 900n * SEC));
const VIEWS = 'stats,stats_by_city,stats_fresh';

interface Seen {
  rows: number;
  bytes: number;
}

let dir: string;
let url: string;
let remoteDb: DatabaseSync;
let seen: Seen[] = [];
let close: () => Promise<void>;

function dump(db: DatabaseSync): unknown[] {
  return db
    .prepare("SELECT tbl, hex(entity_key) AS k, event_ts, CASE WHEN tbl LIKE 'svc:%' THEN NULL ELSE created_ts END AS created_ts, hex(value) AS v FROM online_rows ORDER BY tbl, k")
    .all();
}

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const errs: string[] = [];
  const code = await main([...args, '--repo', dir], { cwd: dir, out: (l) => out.push(l), err: (l) => errs.push(l) });
  return { code, out, err: errs };
}

beforeAll(async () => {
  // 300 drivers: more rows than one request may carry; 'zürich' keys: bytes are not UTF-16 units.
  const rows = randomRows(5, 3000, 300, 1000);
  dir = await makeRepo({ 'larder.yaml': 'project: mat\n', 'features.yaml': FEATURES_YAML });
  await writeRowsParquet(join(dir, 'data/stats/part-0.parquet'), rows, 500);
  await writeRowsCsv(join(dir, 'data/stats.csv'), rows.slice(0, 5));
  await writeRowsArrow(join(dir, 'data/stats.arrow'), rows.slice(0, 5), 5);
  expect((await cli('apply')).code).toBe(0);

  // The server: its own store, the repo's registry, and a bearer check in front of the app.
  remoteDb = new DatabaseSync(':memory:');
  const registryStore = new FileRegistryStore(join(dir, 'data/registry.json'));
  const app = createApp({
    project: 'mat',
    kernel: nodeKernel,
    registry: {
      async get() {
        const r = await registryStore.read('mat');
        return r.ok ? ok(r.value === null ? null : indexRegistry(r.value)) : r;
      },
    },
    online: new SqliteOnlineStore(remoteDb),
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      {
        fetch: async (req: Request) => {
          if (req.headers.get('authorization') !== `Bearer ${TOKEN}`)
            return Response.json({ error: { code: 'unauthorized', message: 'missing or wrong token' } }, { status: 401 });
          const body = await req.text();
          if (new URL(req.url).pathname === '/write-to-online-store') {
            const df = (JSON.parse(body) as { df: Record<string, unknown[]> }).df;
            seen.push({ rows: Object.values(df)[0].length, bytes: Buffer.byteLength(body) });
          }
          return app.fetch(new Request(req.url, { method: req.method, headers: req.headers, body }));
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s),
    );
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});

afterAll(async () => {
  await close?.();
  remoteDb?.close();
});

describe('materialize --remote', () => {
  it('writes through /write-to-online-store in chunks of at most 400 rows and 1 MiB; the server store equals a local run', async () => {
    seen = [];
    const remote = await cli('materialize', START, END, '--views', VIEWS, '--remote', url, '--token', TOKEN);
    expect(remote.err).toEqual([]);
    expect(remote.code).toBe(0);
    expect(remote.out.at(-1)).toBe(`Materialized 3 views into remote ${url}.`);
    expect(seen.length).toBeGreaterThan(3);
    expect(Math.max(...seen.map((s) => s.rows))).toBe(400);
    expect(Math.max(...seen.map((s) => s.bytes))).toBeLessThanOrEqual(1 << 20);

    const local = await cli('materialize', START, END, '--views', VIEWS);
    expect(local.code).toBe(0);
    const localDb = new DatabaseSync(join(dir, 'data/online.db'), { readOnly: true });
    const want = dump(localDb);
    localDb.close();
    expect(want.length).toBeGreaterThan(700);
    // Every view table and the precomputed service (refreshed by the server for the touched entities).
    expect(new Set((want as { tbl: string }[]).map((r) => r.tbl.split('@')[0]))).toEqual(new Set(['stats', 'stats_by_city', 'stats_fresh', 'svc:stats_svc']));
    expect(dump(remoteDb)).toEqual(want);

    // Sent again (a rerun): nothing changes.
    seen = [];
    expect((await cli('materialize', START, END, '--views', VIEWS, '--remote', url, '--token', TOKEN)).code).toBe(0);
    expect(dump(remoteDb)).toEqual(want);
  });

  it('splits a chunk that would pass the body limit', async () => {
    const { remoteSink } = await import('../../../offline/materialize/remote-sink.ts');
    const { materialize } = await import('../../../offline/materialize/materialize.ts');
    const reg = await new FileRegistryStore(join(dir, 'data/registry.json')).read('mat');
    if (!reg.ok || reg.value === null) throw new Error('no registry');
    const registry = indexRegistry(reg.value);
    const kernel = await nodeKernel();
    const before = dump(remoteDb);
    seen = [];
    const ctx = { project: 'mat', kernel, registry, online: new SqliteOnlineStore(new DatabaseSync(':memory:')), transforms: new Map(), now: () => 0 };
    const r = await materialize({
      ctx, repoDir: dir, mode: { kind: 'range', start: T0, end: T0 + 900n * SEC }, views: ['stats_by_city'],
      watermarks: { path: join(dir, 'data/w-split.json'), store: 'split' },
      write: remoteSink(kernel, registry, { url, token: TOKEN, maxBodyBytes: 6000 }),
    });
    expect(r.ok).toBe(true);
    expect(seen.length).toBeGreaterThan(10);
    expect(Math.max(...seen.map((s) => s.bytes))).toBeLessThanOrEqual(6000);
    expect(dump(remoteDb)).toEqual(before);
  });

  it('a refused token is a one-line error; the watermark does not move', async () => {
    const marks = async () => {
      const r = await new FileMetadataStore(join(dir, 'data/metadata')).list('mat', 'watermark');
      if (!r.ok) throw new Error(r.error.message);
      return JSON.stringify(Object.fromEntries(r.value.map((m) => [m.name, m.body])));
    };
    const before = await marks();
    expect(JSON.parse(before).stats.store).toBe(`remote ${url}`);
    const later = microsToRfc3339(Number(T0 + 990n * SEC));
    const r = await cli('materialize-incremental', later, '--views', 'stats', '--remote', url, '--token', 'wrong');
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^error\[unauthorized\]: .*write-to-online-store answered 401: missing or wrong token$/)]);
    expect(await marks()).toBe(before);
    const good = await cli('materialize-incremental', later, '--views', 'stats', '--remote', url, '--token', TOKEN);
    expect(good.code).toBe(0);
    expect(JSON.parse(await marks()).stats.watermark).toBe(later);
  });

  it('--token without --remote, and a --remote that is not a URL, are usage errors', async () => {
    expect(await cli('materialize', START, END, '--token', 'x')).toMatchObject({ code: 2, err: [expect.stringMatching(/^error\[usage\]: --token goes with --remote URL/)] });
    expect(await cli('materialize', START, END, '--remote', 'not a url')).toMatchObject({ code: 2, err: [expect.stringMatching(/^error\[usage\]: --remote "not a url" is not a URL/)] });
  });
});
