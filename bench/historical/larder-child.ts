/**
 * One engine per process: larder end to end (read entities and features
 * from Parquet, point-in-time join in the kernel, stream the output to
 * Parquet with writeHistoricalFeatures). Prints one JSON line.
 * Usage: node bench/historical/larder-child.ts --size 1m [--spill] [--budget-mib N] [--chunk-rows N]
 */
import { join } from 'node:path';
import { writeHistoricalFeatures } from '../../offline/historical/write-historical.ts';
import { closeParquetWorkers } from '../../offline/parquet/index.ts';
import { benchDir, FEATURES, peakRss, sizeArg } from './data.ts';

const size = sizeArg(process.argv);
const dir = benchDir(size);
const out = join(dir, 'out-larder.parquet');
const flag = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : Number(process.argv[i + 1]);
};
const budget = flag('--budget-mib');
const chunkRows = flag('--chunk-rows');
const t0 = performance.now();
const r = await writeHistoricalFeatures({
  repo: dir,
  entities: join(dir, 'entities.parquet'),
  features: Array.from({ length: FEATURES }, (_, c) => `stats:f${c}`),
  out,
  ...(process.argv.includes('--spill') && { spill: true }),
  ...(budget !== undefined && { memoryBudgetBytes: budget * 2 ** 20 }),
  ...(chunkRows !== undefined && { chunkRows }),
});
if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
const totalMs = performance.now() - t0;
await closeParquetWorkers();
console.log(JSON.stringify({ engine: 'larder', size, totalMs, peakRssBytes: await peakRss(), rows: r.value.rows, spilled: r.value.spilled, chunks: r.value.chunks, out }));
