// The D1 online store goes through a Sessions API session (read replicas) in the
// Worker and the in-process client, inside workerd over real local D1.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { D1OnlineStore } from '../../src/stores/d1/d1-online-store.ts';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { d1Session } from '../../src/worker/d1-session.ts';
import { createWorker, larderClient, type Env } from '../../src/worker/index.ts';
import { key, row } from '../contract/online-store.contract.ts';
import { fixtureDoc } from '../serving/fixture-registry.ts';

const e = env as unknown as Env;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

/** env.DB, counting withSession calls and the statements prepared on the sessions it hands out. */
function countingDb() {
  const count = { sessions: 0, onSession: 0 };
  const db = new Proxy(e.DB, {
    get(target, p) {
      if (p === 'withSession')
        return (c: string) => {
          count.sessions++;
          const s = target.withSession(c);
          return { prepare: (sql: string) => (count.onSession++, s.prepare(sql)), batch: (st: D1PreparedStatement[]) => s.batch(st), getBookmark: () => s.getBookmark() };
        };
      const v = Reflect.get(target, p);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { db, count };
}

describe('d1Session', () => {
  it('a store over a session reads its own write, and the session carries a bookmark after it', async () => {
    const session = d1Session(e.DB) as D1DatabaseSession;
    expect(typeof session.getBookmark).toBe('function');
    const store = new D1OnlineStore(session);
    expect((await store.write('sess', 'v', [row(key(1), 5, 1, [1, 2, 3])])).ok).toBe(true);
    expect(session.getBookmark()).toBeTruthy();
    const r = await store.read('sess', 'v', [key(1), key(2)]);
    expect(r.ok && r.value.map((v) => v && Array.from(v.value))).toEqual([[1, 2, 3], null]);
  });

  it('a binding without the Sessions API is used as it is', () => {
    const plain = { prepare: e.DB.prepare.bind(e.DB), batch: e.DB.batch.bind(e.DB) } as unknown as D1Database;
    expect(d1Session(plain)).toBe(plain);
  });

  it('the Worker on D1 opens one session per isolate and serves every online read and write through it', async () => {
    const { db, count } = countingDb();
    const w = await new D1RegistryStore(e.DB).write({ ...fixtureDoc, project: 'sessions' }, 0);
    expect(w.ok || w.error.code === 'conflict').toBe(true);
    const worker = createWorker();
    const env2: Env = { ...e, DB: db as D1Database, LARDER_PROJECT: 'sessions', LARDER_ONLINE_STORE: 'd1' };
    const call = (path: string, body: unknown) =>
      worker.fetch!(new Request(`http://larder${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) as never, env2, ctx) as Promise<Response>;
    const T = new Date().toISOString();
    const wr = await call('/write-to-online-store', { feature_view_name: 'driver_hourly_stats', df: { driver_id: [8], event_timestamp: [T], created: [null], conv_rate: [0.25], acc_rate: [0.5], avg_daily_trips: [3] } });
    expect(wr.status).toBe(200);
    const afterWrite = count.onSession;
    expect(afterWrite).toBeGreaterThan(0);
    const rd = await call('/get-online-features', { features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [8] } });
    expect(((await rd.json()) as { results: { values: unknown[] }[] }).results[1].values).toEqual([0.25]);
    expect(count.onSession).toBeGreaterThan(afterWrite);
    expect(count.sessions).toBe(1);
  });

  it('the in-process client reads through a session too', async () => {
    const { db, count } = countingDb();
    const client = larderClient({ project: 'sessions', online: { d1: db as D1Database }, registry: { d1: e.DB } });
    const r = await client.getOnlineFeatures({ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [8] } });
    expect(r.ok && r.value.results[1].values).toEqual([0.25]);
    expect(count.sessions).toBe(1);
    expect(count.onSession).toBeGreaterThan(0);
  });
});
