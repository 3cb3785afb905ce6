/** Phase timings of larder's side of the bench (not part of npm run bench:historical). */
import { join } from 'node:path';
import { indexRegistry } from '../../src/core/registry/registry-index.ts';
import { nextRegistry } from '../../src/core/registry/plan.ts';
import { pitJoin } from '../../src/kernel/pit-join.ts';
import { loadEntities, entityTimestamps, entityKeyColumn } from '../../offline/historical/entity-table.ts';
import { nodeKernel } from '../../offline/parquet/kernel.ts';
import { closeParquetWorkers } from '../../offline/parquet/index.ts';
import { loadRepo } from '../../offline/repo/load-repo.ts';
import { rawKeyWords, readViewRows } from '../../offline/sources/view-rows.ts';
import { benchDir, peakRss, sizeArg } from './data.ts';

const dir = benchDir(sizeArg(process.argv));
const k = await nodeKernel();
let t = performance.now();
const lap = (what: string) => {
  const now = performance.now();
  console.log(`${what.padEnd(12)} ${((now - t) / 1000).toFixed(2)} s`);
  t = now;
};
const repo = await loadRepo(dir, { checkSources: false });
if (!repo.ok) throw new Error('repo');
const reg = indexRegistry(nextRegistry(null, 'bench', repo.build.objects, new Date().toISOString()).next!);
lap('repo');
const e = await loadEntities(join(dir, 'entities.parquet'));
if (!e.ok) throw new Error(e.error.message);
lap('entities');
const ts = entityTimestamps(e.value, 'event_timestamp');
const kc = entityKeyColumn(e.value, 'driver_id', 'int64', 'driver_id');
if (!ts.ok || !kc.ok) throw new Error('keys');
lap('entity keys');
const rows = await readViewRows(k, reg, dir, reg.featureViews.get('stats')!, {});
if (!rows.ok) throw new Error(rows.error.message);
lap('read source');
const pick = pitJoin(k, { keys: rawKeyWords(kc.value), ts: ts.value }, { keys: rows.value.keys, eventTs: rows.value.eventTs, createdTs: rows.value.createdTs }, { ttl: 7n * 86_400_000_000n, rawKeys: true, ...(process.argv.includes('--rounds') && { roundRows: Number(process.argv[process.argv.indexOf('--rounds') + 1]) }) });
if (!pick.ok) throw new Error(pick.error.message);
lap('pit join');
await closeParquetWorkers();
console.log(`peak RSS ${((await peakRss()) / 2 ** 30).toFixed(2)} GiB`);
