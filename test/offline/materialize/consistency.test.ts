// Training/serving consistency: after `materialize-incremental T`, every
// entity's online value (read through the serving core, as the Worker reads
// it) equals historical retrieval at time T for that entity, for every
// feature of a view without ttl and one with a ttl. Seeded random data with
// several rows per entity, ties on event time broken by created time (and
// full ties), nulls; then late rows and newer rows arrive, and a second
// incremental run with --lookback must agree with historical retrieval again.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextRegistry } from '../../../src/core/registry/plan.ts';
import { indexRegistry, type RegistryIndex } from '../../../src/core/registry/registry-index.ts';
import type { KernelInstance } from '../../../src/kernel/instance.ts';
import type { ServingContext } from '../../../src/serving/context.ts';
import { getOnlineFeatures } from '../../../src/serving/online-features.ts';
import { SqliteOnlineStore } from '../../../src/stores/sqlite/sqlite-online-store.ts';
import { materialize } from '../../../offline/materialize/materialize.ts';
import { nodeKernel } from '../../../offline/parquet/kernel.ts';
import { loadRepo } from '../../../offline/repo/load-repo.ts';
import { rng } from '../../support/rng.ts';
import { makeRepo } from '../support/repo-fixture.ts';
import { FEATURES_YAML, randomRows, SEC, T0, writeRowsArrow, writeRowsCsv, writeRowsParquet, type SourceRow } from './fixture.ts';
import { historicalColumns, onlineColumns } from './consistency-support.ts';

const PROJECT = 'mat';
const VIEWS = ['stats', 'stats_fresh']; // ttl 0 and ttl 10m (its push source's batch source)
const FEATURES = ['rate', 'trips', 'label', 'flag'];
const REFS = VIEWS.flatMap((v) => FEATURES.map((f) => `${v}:${f}`));
const DRIVERS = [...Array.from({ length: 60 }, (_, i) => 1000 + i), 5555];

let kernel: KernelInstance;
beforeAll(async () => {
  kernel = await nodeKernel();
});

const online = (ctx: ServingContext) => onlineColumns(ctx, REFS, DRIVERS);

/** The precomputed service stats_svc (features of `stats`), as `stats__feature`. */
async function onlineService(ctx: ServingContext): Promise<Record<string, unknown[]>> {
  const r = await getOnlineFeatures(ctx, { selection: { featureService: 'stats_svc' }, entities: { driver_id: DRIVERS }, fullFeatureNames: true });
  if (!r.ok) throw new Error(r.error.message);
  const out: Record<string, unknown[]> = {};
  for (const f of FEATURES) {
    const col = r.value.results.find((c) => c.name === `stats__${f}`)!;
    out[`stats__${f}`] = col.values.map((v, i) => (col.statuses[i] === 'PRESENT' ? v : null));
  }
  return out;
}

const statsOnly = (h: Record<string, unknown[]>) => Object.fromEntries(FEATURES.map((f) => [`stats__${f}`, h[`stats__${f}`]]));

const historical = (dir: string, registry: RegistryIndex, at: bigint) => historicalColumns(kernel, dir, registry, REFS, DRIVERS, at);

describe('training/serving consistency', () => {
  it('after materialize-incremental T, online values equal historical retrieval at T for every entity and feature; again after late and new rows', async () => {
    // Event times on a 10 s grid over 2000 s, 3 created times (many ties on both), 10% nulls per feature.
    const old: SourceRow = { drv: 1057n, city: 'oslo', ts: T0 + 10n * SEC, created: null, rate_src: 0.5, trips: 57n, label: 'old', flag: false };
    const T1 = T0 + 1205n * SEC;
    // Drivers 1000..1029 have no rows after T1 (so late rows can be their latest), the others do (they must not leak online).
    const base = randomRows(2024, 4000, 50, 2000).filter((x) => x.ts <= T1 || x.drv >= 1030n);
    const rows = [...base, old]; // driver 1057: one row, long past the 10 min ttl
    const dir = await makeRepo({ 'larder.yaml': `project: ${PROJECT}\n`, 'features.yaml': FEATURES_YAML });
    await writeRowsParquet(join(dir, 'data/stats/part-0.parquet'), rows.slice(0, 1500), 300);
    await writeRowsParquet(join(dir, 'data/stats/part-1.parquet'), rows.slice(1500), 300);
    await writeRowsCsv(join(dir, 'data/stats.csv'), rows.slice(0, 5));
    await writeRowsArrow(join(dir, 'data/stats.arrow'), rows.slice(0, 5), 5);
    const repo = await loadRepo(dir, { now: '2025-01-01T00:00:00Z' });
    if (!repo.ok) throw new Error(repo.issues.map((i) => i.message).join('\n'));
    const registry = indexRegistry(nextRegistry(null, PROJECT, repo.build.objects, '2025-01-01T00:00:00Z').next!);
    const db = new DatabaseSync(':memory:');
    let now = 0;
    const ctx: ServingContext = { project: PROJECT, kernel, registry, online: new SqliteOnlineStore(db), transforms: new Map(), now: () => now };
    const incremental = async (end: bigint, lookback: bigint) => {
      now = Number(end);
      const r = await materialize({ ctx, repoDir: dir, mode: { kind: 'incremental', end, lookback }, views: VIEWS, watermarks: { path: join(dir, 'data/materialization.json'), store: 'test' } });
      if (!r.ok) throw new Error(r.error.message);
    };

    // Round 1: T inside the data.
    await incremental(T1, 0n);
    const hist1 = await historical(dir, registry, T1);
    expect(await online(ctx)).toEqual(hist1);
    // The precomputed service was rebuilt for the entities the run touched.
    expect(await onlineService(ctx)).toEqual(statsOnly(hist1));
    // Not vacuous: most drivers have values, some are null, and the ttl view differs from the other.
    const present = (name: string, h: Record<string, unknown[]>) => h[name].filter((v) => v !== null).length;
    expect(present('stats__trips', hist1)).toBeGreaterThan(40);
    expect(present('stats_fresh__trips', hist1)).toBeGreaterThan(40);
    expect(hist1.stats__trips[DRIVERS.indexOf(1057)]).toBe(57n);
    expect(hist1.stats_fresh__trips[DRIVERS.indexOf(1057)]).toBeNull();

    // Round 2: late rows (event times up to 5 min before T1, some tying existing rows on event time with a later
    // created time), new rows up to T2 and past it, and rows for a driver never seen before.
    const r = rng(77);
    const late: SourceRow[] = Array.from({ length: 300 }, (_, i) => {
      const tie = i % 3 === 0 ? rows.find((x) => x.ts <= T1 && x.ts > T1 - 300n * SEC && x.drv === BigInt(1000 + (i % 50))) : undefined;
      return {
        drv: tie?.drv ?? BigInt(1000 + r.int(0, 59)),
        city: 'ams',
        ts: tie?.ts ?? T1 - BigInt(r.int(0, 30) * 10) * SEC,
        created: i % 7 === 0 ? null : T0 + BigInt(5 + r.int(0, 3)) * SEC,
        rate_src: r.bool(0.1) ? null : -r.next(),
        trips: r.bool(0.1) ? null : BigInt(-i),
        label: r.bool(0.1) ? null : `late${i}`,
        flag: r.bool(0.1) ? null : r.bool(),
      };
    });
    // New rows for drivers 1030..1059 only, so the late rows stay the latest of some of 1000..1029.
    const fresh = randomRows(91, 400, 30, 1500).map((x) => ({ ...x, drv: x.drv + 30n, ts: x.ts + 1000n * SEC }));
    await writeRowsParquet(join(dir, 'data/stats/part-2.parquet'), [...late, ...fresh], 128);
    const T2 = T0 + 2105n * SEC;
    await incremental(T2, 300n * SEC);
    const hist2 = await historical(dir, registry, T2);
    expect(await online(ctx)).toEqual(hist2);
    expect(await onlineService(ctx)).toEqual(statsOnly(hist2));
    expect(hist2.stats__label.filter((v) => typeof v === 'string' && v.startsWith('late')).length).toBeGreaterThan(0);
    expect(hist2.stats__trips[DRIVERS.indexOf(1055)]).not.toBeNull(); // a driver first seen in round 2
    expect(hist2).not.toEqual(hist1);
    db.close();
  });
});
