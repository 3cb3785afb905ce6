// Offline pushes follow the batch source's format: Arrow IPC sources get
// Arrow IPC files (read back by historical retrieval, µs times
// included); CSV sources refuse offline pushes (501 unsupported) and then
// nothing is written, online either.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getHistoricalFeatures } from '../../../offline/historical/get-historical-features.ts';
import { push } from '../../../offline/ingest/ingest.ts';
import { run } from '../cli/cli-support.ts';
import { makeRepo } from '../support/repo-fixture.ts';
import { T0, SEC, writeRowsArrow, writeRowsCsv, randomRows } from '../materialize/fixture.ts';

const yaml = (path: string) => `entities:
  - { name: driver, join_keys: [driver_id], value_type: Int64 }
sources:
  - { name: src, type: file, path: ${path}, timestamp_field: ts, created_timestamp_column: created, field_mapping: { drv: driver_id, rate_src: rate } }
  - { name: src_push, type: push, batch_source: src }
feature_views:
  - name: stats
    entities: [driver]
    ttl: 0
    source: src_push
    schema: [{ name: rate, dtype: Float64 }, { name: trips, dtype: Int64 }, { name: label, dtype: String }, { name: flag, dtype: Bool }]
`;

const AT = T0 + 5000n * SEC + 7n; // µs precision on purpose
const iso = (us: bigint) => new Date(Number(us / 1000n)).toISOString().replace('Z', `${String(us % 1000n).padStart(3, '0')}Z`);

describe('offline push formats', () => {
  it('Arrow IPC batch source: pushed rows are an .arrow file that historical retrieval reads', async () => {
    const dir = await makeRepo({ 'larder.yaml': 'project: arrowpush\n', 'features.yaml': yaml('data/stats.arrow') });
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeRowsArrow(join(dir, 'data/stats.arrow'), randomRows(5, 50, 5, 100), 25);
    expect((await run(dir, 'apply')).code).toBe(0);
    const r = await push(dir, 'src_push', [{ driver_id: 1001, ts: iso(AT), created: null, rate: 0.25, trips: 123, label: 'arrow-pushed', flag: true }], { to: 'offline' });
    expect(r.ok && r.value.offlineKey).toMatch(/^data\/_pushed\/stats\/2025-01-01\/b-[0-9a-f]{32}\.arrow$/);
    const at = (us: bigint) => getHistoricalFeatures({ repo: dir, entities: [{ driver_id: 1001, event_timestamp: new Date(Number(us / 1000n) + 1) }], features: ['stats:rate', 'stats:trips', 'stats:label', 'stats:flag'] });
    const h = await at(AT);
    if (!h.ok) throw new Error(h.error.message);
    expect(['rate', 'trips', 'label', 'flag'].map((c) => h.value.getChild(c)!.get(0))).toEqual([0.25, 123n, 'arrow-pushed', true]);
  });

  it('CSV batch source: to=offline is unsupported and writes nothing anywhere', async () => {
    const dir = await makeRepo({ 'larder.yaml': 'project: csvpush\n', 'features.yaml': yaml('data/stats.csv') });
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeRowsCsv(join(dir, 'data/stats.csv'), randomRows(6, 20, 5, 100));
    expect((await run(dir, 'apply')).code).toBe(0);
    const r = await push(dir, 'src_push', [{ driver_id: 1001, ts: iso(AT), created: null, rate: 0.25, trips: 123, label: 'x', flag: true }], { to: 'online_and_offline' });
    expect(!r.ok && r.error.code).toBe('unsupported');
    const online = await push(dir, 'src_push', [{ driver_id: 1001, ts: iso(AT - SEC), created: null, rate: 0.5, trips: 1, label: 'y', flag: true }], { to: 'online' });
    // The refused push wrote nothing online: this older row is still written (nothing newer is stored).
    expect(online.ok && online.value).toMatchObject({ written: 1, skipped: 0 });
  });
});
