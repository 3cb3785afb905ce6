/**
 * One engine per process: larder end to end (read entities and features
 * from Parquet, point-in-time join in the kernel, write Parquet). Prints one
 * JSON line. Usage: node bench/historical/larder-child.ts --size 1m
 */
import { join } from 'node:path';
import { getHistoricalFeatures } from '../../offline/historical/get-historical-features.ts';
import { writeTable } from '../../offline/historical/write-output.ts';
import { closeParquetWorkers } from '../../offline/parquet/index.ts';
import { benchDir, FEATURES, peakRss, sizeArg } from './data.ts';

const size = sizeArg(process.argv);
const dir = benchDir(size);
const out = join(dir, 'out-larder.parquet');
const t0 = performance.now();
const r = await getHistoricalFeatures({
  repo: dir,
  entities: join(dir, 'entities.parquet'),
  features: Array.from({ length: FEATURES }, (_, c) => `stats:f${c}`),
});
if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
const joinedMs = performance.now() - t0;
const w = await writeTable(r.value, out);
if (!w.ok) throw new Error(`${w.error.code}: ${w.error.message}`);
const totalMs = performance.now() - t0;
await closeParquetWorkers();
console.log(JSON.stringify({ engine: 'larder', size, totalMs, joinedMs, peakRssBytes: await peakRss(), rows: r.value.numRows, out }));
