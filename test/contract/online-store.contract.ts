// One contract suite for every OnlineStore adapter (memory in Node; KV and D1
// inside workerd). Call describeOnlineStore(name, make) from a test file.
import { describe, expect, it } from 'vitest';
import { readTables, writeTables, type EncodedRow, type EntityKeyRef, type OnlineStore, type TableWrite } from '../../src/core/online-store.ts';

let seq = 0;
/** A distinct project per test, so suites never see each other's rows. */
const project = () => `p${Date.now().toString(36)}${(seq++).toString(36)}`;

export function key(id: number, pad = 0): EntityKeyRef {
  const bytes = new Uint8Array(8 + pad);
  new DataView(bytes.buffer).setFloat64(0, id, true);
  bytes.fill(7, 8);
  return { entityKey: bytes, keyHash: BigInt(id) * 0x9e3779b97f4a7c15n & 0xffffffffffffffffn };
}

export function row(k: EntityKeyRef, eventTs: number, createdTs: number, value: number[] | Uint8Array): EncodedRow {
  return { ...k, eventTs, createdTs, value: Uint8Array.from(value) };
}

export function describeOnlineStore(name: string, make: () => OnlineStore | Promise<OnlineStore>) {
  describe(`online store contract: ${name}`, () => {
    it('reads null for keys never written, and nothing for no keys', async () => {
      const s = await make();
      const p = project();
      expect(await s.read(p, 'v', [key(1), key(2)])).toEqual({ ok: true, value: [null, null] });
      expect(await s.read(p, 'v', [])).toEqual({ ok: true, value: [] });
      expect(await s.write(p, 'v', [])).toEqual({ ok: true, value: { written: 0, skipped: 0 } });
    });

    it('returns what was written, in the order asked, duplicates included', async () => {
      const s = await make();
      const p = project();
      const every = Uint8Array.from({ length: 256 }, (_, i) => i);
      const w = await s.write(p, 'v', [row(key(1), 100, 5, [1, 2, 3]), row(key(2), 200, 6, every)]);
      expect(w).toEqual({ ok: true, value: { written: 2, skipped: 0 } });
      const r = await s.read(p, 'v', [key(2), key(3), key(1), key(2)]);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.map((v) => v && { ...v, value: Array.from(v.value) })).toEqual([
        { eventTs: 200, createdTs: 6, value: Array.from(every) },
        null,
        { eventTs: 100, createdTs: 5, value: [1, 2, 3] },
        { eventTs: 200, createdTs: 6, value: Array.from(every) },
      ]);
    });

    it('never replaces a newer value with an older one (event ts, then created ts)', async () => {
      const s = await make();
      const p = project();
      await s.write(p, 'v', [row(key(1), 100, 10, [1])]);
      expect(await s.write(p, 'v', [row(key(1), 99, 99, [2])])).toMatchObject({ ok: true, value: { written: 0, skipped: 1 } });
      expect(await s.write(p, 'v', [row(key(1), 100, 9, [3])])).toMatchObject({ ok: true, value: { written: 0, skipped: 1 } });
      let r = await s.read(p, 'v', [key(1)]);
      expect(r.ok && Array.from(r.value[0]!.value)).toEqual([1]);
      // equal timestamps replace (a replayed write is idempotent), newer replaces
      expect(await s.write(p, 'v', [row(key(1), 100, 10, [4])])).toMatchObject({ ok: true, value: { written: 1 } });
      await s.write(p, 'v', [row(key(1), 100, 11, [5])]);
      r = await s.read(p, 'v', [key(1)]);
      expect(r.ok && r.value[0]).toMatchObject({ eventTs: 100, createdTs: 11 });
      expect(r.ok && Array.from(r.value[0]!.value)).toEqual([5]);
      await s.write(p, 'v', [row(key(1), 101, 0, [6])]);
      r = await s.read(p, 'v', [key(1)]);
      expect(r.ok && Array.from(r.value[0]!.value)).toEqual([6]);
    });

    it('keeps the newest row when one batch holds a key twice', async () => {
      const s = await make();
      const p = project();
      const w = await s.write(p, 'v', [row(key(1), 300, 0, [3]), row(key(1), 100, 0, [1]), row(key(1), 300, 0, [4])]);
      expect(w).toEqual({ ok: true, value: { written: 1, skipped: 2 } });
      const r = await s.read(p, 'v', [key(1)]);
      expect(r.ok && Array.from(r.value[0]!.value)).toEqual([4]);
    });

    it('isolates projects and tables, and drops a table', async () => {
      const s = await make();
      const p = project();
      const q = project();
      await s.write(p, 'a', [row(key(1), 1, 1, [1])]);
      await s.write(p, 'b', [row(key(1), 1, 1, [2])]);
      await s.write(q, 'a', [row(key(1), 1, 1, [3])]);
      const vals = async (pr: string, t: string) => {
        const r = await s.read(pr, t, [key(1)]);
        return r.ok ? r.value.map((v) => v && Array.from(v.value)) : r.error;
      };
      expect([await vals(p, 'a'), await vals(p, 'b'), await vals(q, 'a')]).toEqual([[[1]], [[2]], [[3]]]);
      expect(await s.dropTable(p, 'a')).toEqual({ ok: true, value: undefined });
      expect([await vals(p, 'a'), await vals(p, 'b'), await vals(q, 'a')]).toEqual([[null], [[2]], [[3]]]);
    });

    it('stores long entity keys, and never serves another key that shares its hash', async () => {
      const s = await make();
      const p = project();
      const long = key(1, 600);
      const twin = { entityKey: key(2, 600).entityKey, keyHash: long.keyHash };
      await s.write(p, 'v', [row(long, 1, 1, [9, 9])]);
      const r = await s.read(p, 'v', [long, twin]);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value[0] && Array.from(r.value[0].value)).toEqual([9, 9]);
      expect(r.value[1]).toBeNull();
    });

    it('reads and writes more keys than one bulk operation takes', async () => {
      const s = await make();
      const p = project();
      const rows = Array.from({ length: 250 }, (_, i) => row(key(i), 1000 + i, 0, [i & 255, i >> 8]));
      expect(await s.write(p, 'v', rows)).toEqual({ ok: true, value: { written: 250, skipped: 0 } });
      const keys = Array.from({ length: 260 }, (_, i) => key(259 - i));
      const r = await s.read(p, 'v', keys);
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.slice(0, 10).every((v) => v === null)).toBe(true);
      for (let j = 10; j < 260; j++) {
        const i = 259 - j;
        expect(r.value[j]?.eventTs).toBe(1000 + i);
        expect(Array.from(r.value[j]!.value)).toEqual([i & 255, i >> 8]);
      }
    });

    it('reads several tables at once with the same answers as one read per table', async () => {
      const s = await make();
      const p = project();
      await s.write(p, 'a', Array.from({ length: 120 }, (_, i) => row(key(i), 10 + i, 0, [1, i & 255])));
      await s.write(p, 'b', Array.from({ length: 60 }, (_, i) => row(key(2 * i), 500 + i, 3, [2, i])));
      const reads = [
        { table: 'a', keys: Array.from({ length: 130 }, (_, i) => key(129 - i)) },
        { table: 'b', keys: [key(4), key(5), key(4), key(118)] },
        { table: 'missing', keys: [key(1)] },
        { table: 'a', keys: [] },
      ];
      const many = await readTables(s, p, reads);
      if (!many.ok) throw new Error(many.error.message);
      for (let t = 0; t < reads.length; t++) {
        const one = await s.read(p, reads[t].table, reads[t].keys);
        expect(many.value[t]).toEqual(one.ok && one.value);
      }
      expect(many.value[1].map((v) => v?.eventTs ?? null)).toEqual([502, null, 502, 559]);
      expect(many.value[2]).toEqual([null]);
      expect(many.value[3]).toEqual([]);
    });

    it('writes several tables at once with the same results as one write per table (newer wins inside)', async () => {
      const s = await make();
      const [p, q] = [project(), project()];
      // What both projects hold before: key 1 of table a is newer than what the write brings.
      for (const pr of [p, q]) await s.write(pr, 'a', [row(key(1), 500, 0, [50]), row(key(2), 10, 0, [10])]);
      const writes: TableWrite[] = [
        { table: 'a', rows: [row(key(1), 400, 0, [1]), row(key(2), 20, 0, [2]), row(key(3), 30, 0, [3]), row(key(3), 30, 1, [4]), row(key(3), 29, 9, [5])] },
        { table: 'b', rows: Array.from({ length: 40 }, (_, i) => row(key(i), 100 + i, i, [i, 7])) },
        { table: 'c', rows: [] },
        { table: 'd', rows: [row(key(1), 1, 1, [9])] },
      ];
      const many = await writeTables(s, p, writes);
      const one = [];
      for (const w of writes) one.push(await s.write(q, w.table, w.rows));
      expect(many).toEqual({ ok: true, value: one.map((r) => (r.ok ? r.value : r)) });
      expect(many.ok && many.value).toEqual([
        { written: 2, skipped: 3 },
        { written: 40, skipped: 0 },
        { written: 0, skipped: 0 },
        { written: 1, skipped: 0 },
      ]);
      const reads = writes.map((w) => ({ table: w.table, keys: Array.from({ length: 41 }, (_, i) => key(i)) }));
      const [got, want] = [await readTables(s, p, reads), await readTables(s, q, reads)];
      if (!got.ok || !want.ok) throw new Error('read failed');
      expect(got.value).toEqual(want.value);
      expect(got.value[0].slice(1, 4).map((v) => v && [v.eventTs, v.createdTs, ...v.value])).toEqual([[500, 0, 50], [20, 0, 2], [30, 1, 4]]);
      expect(await writeTables(s, p, [])).toEqual({ ok: true, value: [] });
    });

    it('writeMany: a row that cannot be stored, in the last table, leaves every table of the write untouched', async (ctx) => {
      const s = await make();
      // Stores without writeMany write table by table (writeTables' fallback): not atomic, nothing to check.
      if (!s.writeMany) return ctx.skip();
      const p = project();
      await s.write(p, 'a', [row(key(1), 1, 1, [1])]);
      const bad = { ...row(key(99), 5, 5, []), value: null } as unknown as EncodedRow;
      const writes: TableWrite[] = [
        // 40 rows: several multi-row statements before the failing one
        { table: 'a', rows: Array.from({ length: 40 }, (_, i) => row(key(i), 10 + i, 0, [2, i])) },
        { table: 'b', rows: [row(key(1), 3, 3, [3]), row(key(2), 3, 3, [3]), bad] },
      ];
      const w = await s.writeMany(p, writes);
      expect(w.ok).toBe(false);
      const got = await readTables(s, p, [
        { table: 'a', keys: Array.from({ length: 40 }, (_, i) => key(i)) },
        { table: 'b', keys: [key(1), key(2), key(99)] },
      ]);
      if (!got.ok) throw new Error(got.error.message);
      expect(got.value[0].map((v) => v && [v.eventTs, ...v.value])).toEqual(Array.from({ length: 40 }, (_, i) => (i === 1 ? [1, 1] : null)));
      expect(got.value[1]).toEqual([null, null, null]);
      // the store still works after the failed unit
      expect(await s.writeMany(p, writes.map((x) => ({ ...x, rows: x.rows.filter((r) => r !== bad) })))).toEqual({
        ok: true,
        value: [{ written: 40, skipped: 0 }, { written: 2, skipped: 0 }],
      });
    });
  });
}
