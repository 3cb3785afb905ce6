// writeViewsRows: every view's rows and every precomputed service vector are computed first and
// written as one writeTables unit; a service section keeps the newer row (event ts, then created
// ts), also across views of one unit and among duplicate keys of one batch.
import { describe, expect, it } from 'vitest';
import type { EncodedRow, OnlineStore, TableWrite } from '../../src/core/online-store.ts';
import type { ServingContext } from '../../src/serving/context.ts';
import { decodeSections } from '../../src/serving/precomputed.ts';
import { serviceTable, viewTable } from '../../src/serving/view-table.ts';
import { writeEncodedRows, writeViewsRows } from '../../src/serving/write-rows.ts';
import { MemoryOnlineStore } from '../../src/stores/memory/memory-online-store.ts';
import { FaultyOnlineStore } from '../../src/stores/testing/faulty-online-store.ts';
import { key, row } from '../contract/online-store.contract.ts';
import { testKernel } from '../support/kernel.ts';
import { fixtureRegistry } from './fixture-registry.ts';

/** A memory store that records each write call: ['write', table] or ['writeMany', tables...]. */
function recording() {
  const inner = new MemoryOnlineStore();
  const log: string[][] = [];
  const store: OnlineStore = {
    read: (p, t, k) => inner.read(p, t, k),
    write: (p, t, r) => (log.push(['write', t]), inner.write(p, t, r)),
    writeMany: (p, w: readonly TableWrite[]) => (log.push(['writeMany', ...w.map((x) => x.table)]), inner.writeMany(p, w)),
    dropTable: (p, t) => inner.dropTable(p, t),
  };
  return { store, log, inner };
}

async function context(online: OnlineStore, now = 1_000_000): Promise<ServingContext> {
  return { project: 'p', kernel: await testKernel(), registry: fixtureRegistry(), online, transforms: new Map(), now: () => now };
}

const reg = fixtureRegistry();
const hourly = reg.featureViews.get('driver_hourly_stats')!;
const profile = reg.featureViews.get('driver_profile')!;
const fast = serviceTable('driver_model_fast');

async function sections(s: OnlineStore, id: number) {
  const r = await s.read('p', fast, [key(id)]);
  if (!r.ok || r.value[0] === null) return null;
  return decodeSections(r.value[0].value, 2)!.map((x) => x.row && [x.eventTs, x.createdTs, ...x.row]);
}

describe('writeViewsRows', () => {
  it('writes two views and the service projecting both as one writeMany, both sections filled', async () => {
    const { store, log, inner } = recording();
    const ctx = await context(store);
    const w = await writeViewsRows(ctx, [
      { view: hourly, rows: [row(key(1), 100, 1, [1]), row(key(2), 100, 1, [2])] },
      { view: profile, rows: [row(key(1), 50, 0, [9])] },
    ]);
    expect(w).toEqual({ ok: true, value: [{ written: 2, skipped: 0 }, { written: 1, skipped: 0 }] });
    expect(log).toEqual([['writeMany', viewTable(hourly), viewTable(profile), fast]]);
    expect(await sections(inner, 1)).toEqual([[100, 1, 1], [50, 0, 9]]);
    expect(await sections(inner, 2)).toEqual([[100, 1, 2], null]);
    const svc = await inner.read('p', fast, [key(1)]);
    expect(svc.ok && svc.value[0]).toMatchObject({ eventTs: 100, createdTs: 1_000_000 });
  });

  it('never replaces a section with an older row, across calls and among duplicates of one batch', async () => {
    const { store, inner } = recording();
    const ctx = await context(store);
    await writeEncodedRows(ctx, profile, [row(key(1), 500, 0, [5])]);
    // duplicates out of order: the newest (later wins ties) is [4], not the last row [3]
    await writeEncodedRows(ctx, hourly, [row(key(1), 300, 0, [1]), row(key(1), 300, 0, [4]), row(key(1), 100, 0, [3])]);
    expect(await sections(inner, 1)).toEqual([[300, 0, 4], [500, 0, 5]]);
    const older = await writeEncodedRows(ctx, hourly, [row(key(1), 200, 9, [7])]);
    expect(older).toEqual({ ok: true, value: { written: 0, skipped: 1 } });
    expect(await sections(inner, 1)).toEqual([[300, 0, 4], [500, 0, 5]]);
    // equal timestamps replace (a replay is idempotent), a newer created ts replaces
    await writeEncodedRows(ctx, hourly, [row(key(1), 300, 2, [8])]);
    expect(await sections(inner, 1)).toEqual([[300, 2, 8], [500, 0, 5]]);
    const svc = await inner.read('p', fast, [key(1)]);
    // the vector's created ts moves past what was stored, so the newer-wins store keeps the new vector
    expect(svc.ok && svc.value[0]).toMatchObject({ eventTs: 500, createdTs: 1_000_002 });
  });

  it('a unit refused by the store writes no table; a store without writeMany gets one write per table', async () => {
    const mem = new MemoryOnlineStore();
    const faulty = new FaultyOnlineStore(mem).failNth(0, 'error', { op: 'write', table: fast });
    const ctx = await context(faulty);
    const rows: EncodedRow[] = [row(key(3), 10, 0, [3])];
    const w = await writeViewsRows(ctx, [{ view: hourly, rows }]);
    expect(w.ok || w.error.code).toBe('store_unavailable');
    expect(await mem.read('p', viewTable(hourly), [key(3)])).toEqual({ ok: true, value: [null] });
    expect(await sections(mem, 3)).toBeNull();

    const { inner, log } = recording();
    const plain: OnlineStore = { read: inner.read.bind(inner), write: (p, t, r) => (log.push(['write', t]), inner.write(p, t, r)), dropTable: inner.dropTable.bind(inner) };
    expect(await writeViewsRows(await context(plain), [{ view: hourly, rows }])).toEqual({ ok: true, value: [{ written: 1, skipped: 0 }] });
    expect(log).toEqual([['write', viewTable(hourly)], ['write', fast]]);
  });
});
