// D1 adapter specifics beyond the contract suite: the packed read, its fallback
// to plain rows when a packed answer is too big, and large values, on real local D1.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { D1OnlineStore, SELECT_PACKED } from '../../src/stores/d1/d1-online-store.ts';
import type { D1Like } from '../../src/stores/d1/d1-like.ts';
import { key, row } from '../contract/online-store.contract.ts';

const db = (env as unknown as { DB: D1Database }).DB;

/** Real D1, except that batches holding a packed query fail with `error`. */
function failingPacked(error: Error): D1Like & { packedTries: number } {
  const wrap = {
    packedTries: 0,
    prepare: (sql: string) => db.prepare(sql),
    batch: <T>(stmts: D1PreparedStatement[]) => {
      if (stmts.some((s) => /group_concat/.test(String((s as unknown as { statement: string }).statement ?? '')))) {
        wrap.packedTries++;
        return Promise.reject(error);
      }
      return db.batch<T>(stmts);
    },
  };
  return wrap as unknown as D1Like & { packedTries: number };
}

const values = (r: Awaited<ReturnType<D1OnlineStore['read']>>) => (r.ok ? r.value.map((v) => v && { ...v, value: Array.from(v.value) }) : r.error.code);

describe('D1 online store', () => {
  it('reads values of every byte, big timestamps and a missing key through the packed query', async () => {
    const s = new D1OnlineStore(db);
    const every = Array.from({ length: 256 }, (_, i) => i);
    await s.write('packed', 'v', [row(key(1), 1_796_027_614_243_123, -1, every), row(key(2), 0, 2 ** 52, [])]);
    expect(values(await s.read('packed', 'v', [key(2), key(3), key(1)]))).toEqual([
      { eventTs: 0, createdTs: 2 ** 52, value: [] },
      null,
      { eventTs: 1_796_027_614_243_123, createdTs: -1, value: every },
    ]);
  });

  it('reads tables that share one key array (a request\'s views) in one packed query, duplicates included', async () => {
    const s = new D1OnlineStore(db);
    await s.write('shared', 'a@1', [row(key(1), 10, 1, [1]), row(key(2), 20, 2, [2])]);
    await s.write('shared', 'b;,@2', [row(key(2), 30, 3, [3])]);
    const keys = [key(2), key(1), key(2), key(9)];
    const prepared: string[] = [];
    const spy = { prepare: (sql: string) => (prepared.push(sql), db.prepare(sql)), batch: db.batch.bind(db) } as unknown as D1Like;
    const r = await new D1OnlineStore(spy).readMany('shared', [
      { table: 'a@1', keys },
      { table: 'b;,@2', keys },
    ]);
    expect(prepared).toHaveLength(1);
    expect(r.ok && r.value.map((t) => t.map((v) => v && [v.eventTs, ...v.value]))).toEqual([
      [[20, 2], [10, 1], [20, 2], null],
      [[30, 3], null, [30, 3], null],
    ]);
  });

  it('plans the packed read as a primary-key search per (table, key), never a scan of online_rows', async () => {
    const plan = await db.prepare(`EXPLAIN QUERY PLAN ${SELECT_PACKED}`).bind('p', '["a","b"]', '["0a","0b"]', 2).all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail);
    expect(details).toContain('SEARCH o USING PRIMARY KEY (project=? AND tbl=? AND entity_key=?)');
    expect(details.some((d) => /SCAN o\b/.test(d))).toBe(false);
  });

  it('falls back to plain rows when the packed answer is too big for D1', async () => {
    await new D1OnlineStore(db).write('toobig', 'v', [row(key(1), 10, 1, [9, 8]), row(key(2), 20, 2, [7])]);
    const d = failingPacked(new Error('D1_ERROR: string or blob too big: SQLITE_TOOBIG'));
    // two tables, so the store sends a batch (a single statement would not reach `batch`)
    const r = await new D1OnlineStore(d).readMany('toobig', [
      { table: 'v', keys: [key(1), key(2)] },
      { table: 'w', keys: [key(1)] },
    ]);
    expect(d.packedTries).toBe(1);
    expect(r.ok && r.value.map((t) => t.map((v) => v && Array.from(v.value)))).toEqual([[[9, 8], [7]], [null]]);
  });

  it('a SQLite without unhex: the first refusal switches the store to plain rows for good; a too-big answer does not', async () => {
    await new D1OnlineStore(db).write('oldsqlite', 'v', [row(key(1), 10, 1, [9, 8]), row(key(2), 20, 2, [7])]);
    const reads = [
      { table: 'v', keys: [key(1), key(2)] },
      { table: 'w', keys: [key(1)] },
    ];
    const expected = [[[9, 8], [7]], [null]];
    const old = failingPacked(new Error('D1_ERROR: no such function: unhex: SQLITE_ERROR'));
    const oldStore = new D1OnlineStore(old);
    for (let i = 0; i < 3; i++) {
      const r = await oldStore.readMany('oldsqlite', reads);
      expect(r.ok && r.value.map((t) => t.map((v) => v && Array.from(v.value)))).toEqual(expected);
    }
    expect(old.packedTries).toBe(1);
    const big = failingPacked(new Error('D1_ERROR: string or blob too big: SQLITE_TOOBIG'));
    const bigStore = new D1OnlineStore(big);
    for (let i = 0; i < 2; i++) expect((await bigStore.readMany('oldsqlite', reads)).ok).toBe(true);
    expect(big.packedTries).toBe(2);
  });

  it('answers store_unavailable, without a fallback, for any other failure', async () => {
    const d = failingPacked(new Error('D1_ERROR: network connection lost'));
    const r = await new D1OnlineStore(d).readMany('toobig', [
      { table: 'v', keys: [key(1)] },
      { table: 'w', keys: [key(1)] },
    ]);
    expect(r.ok ? 'ok' : r.error.code).toBe('store_unavailable');
    expect(d.packedTries).toBe(1);
  });

  it('reads 98 keys of 40 KB each (one query, 7.8 MB of hex) intact', async () => {
    const s = new D1OnlineStore(db);
    const rows = Array.from({ length: 98 }, (_, i) => row(key(i), i, 0, Uint8Array.from({ length: 40_000 }, (_, j) => (i + j) & 255)));
    for (let i = 0; i < rows.length; i += 10) await s.write('big', 'v', rows.slice(i, i + 10));
    const r = await s.read('big', 'v', rows.map((x) => x));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.every((v, i) => v !== null && v.value.length === 40_000 && v.value[0] === (i & 255) && v.value[39_999] === ((i + 39_999) & 255))).toBe(true);
  });
});
