/**
 * bench/historical: historical retrieval end to end, Parquet in -> Parquet
 * out, larder against DuckDB (ASOF JOIN with the ttl bound and created
 * tie-break, COPY TO Parquet), each engine in its own child process, one
 * after the other. Prints wall time, peak RSS and the ratios, then checks
 * that both outputs hold the same values (per eid, via DuckDB; not timed).
 * Usage: node bench/historical/run.ts [--size 1m|10m] [--runs N] [--spill] [--budget-mib N] [--chunk-rows N]
 * (the last three go to larder's side: force spilling, the memory budget, the output chunk rows)
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { ensureData, FEATURES, sizeArg, SIZES } from './data.ts';

const size = sizeArg(process.argv);
const dir = await ensureData(size);
const larderArgs: string[] = [];
for (const f of ['--budget-mib', '--chunk-rows']) if (process.argv.includes(f)) larderArgs.push(f, process.argv[process.argv.indexOf(f) + 1]);
if (process.argv.includes('--spill')) larderArgs.push('--spill');
const child = (script: string, extra: readonly string[] = []) => {
  const line = execFileSync(process.execPath, [...process.execArgv, new URL(script, import.meta.url).pathname, '--size', size, ...extra], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(line.trim().split('\n').at(-1)!) as { engine: string; totalMs: number; peakRssBytes: number; out: string };
};
const load = loadavg()[0].toFixed(2);
// Alternate the engines for --runs pairs (default 3 at 1m, 1 at 10m): this machine's speed drifts,
// so each pair's ratio compares runs made back to back, and the median pair is reported.
const runs = Number(process.argv.includes('--runs') ? process.argv[process.argv.indexOf('--runs') + 1] : size === '1m' ? 3 : 1);
type Run = ReturnType<typeof child>;
const pairs: { larder: Run & { spilled: boolean; chunks: number }; duck: Run }[] = [];
for (let i = 0; i < runs; i++) {
  const larder = child('./larder-child.ts', larderArgs) as Run & { spilled: boolean; chunks: number };
  const duck = child('./duckdb-child.ts');
  pairs.push({ larder, duck });
}
const gb = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
const { entities, features } = SIZES[size];
console.log(`historical retrieval, ${entities.toLocaleString('en-US')} entity rows x ${features.toLocaleString('en-US')} feature rows, ${FEATURES} float features (load ${load}), ${runs} alternating run(s) per engine`);
const ratio = (p: (typeof pairs)[number]) => p.duck.totalMs / p.larder.totalMs;
pairs.forEach((p, i) => {
  for (const r of [p.larder, p.duck]) console.log(`  run ${i + 1} ${r.engine.padEnd(16)} ${(r.totalMs / 1000).toFixed(2).padStart(7)} s  peak RSS ${gb(r.peakRssBytes)}`);
  console.log(`  run ${i + 1} larder is ${ratio(p).toFixed(2)}x DuckDB's speed at ${((100 * p.larder.peakRssBytes) / p.duck.peakRssBytes).toFixed(0)}% of its peak memory`);
});
const median = [...pairs].sort((a, b) => ratio(a) - ratio(b))[Math.floor(pairs.length / 2)];
const { larder, duck } = median;
const peak = (xs: Run[]) => Math.max(...xs.map((x) => x.peakRssBytes));
console.log(`  larder output: ${larder.chunks} chunk(s), features ${larder.spilled ? 'spilled to disk by chunk' : 'held in memory'}`);
console.log(`  median pair: larder is ${ratio(median).toFixed(2)}x DuckDB's speed (pairs: ${pairs.map((p) => ratio(p).toFixed(2)).join(', ')}); peak memory ${((100 * peak(pairs.map((p) => p.larder))) / peak(pairs.map((p) => p.duck))).toFixed(0)}% of DuckDB's`);

// Same answers? (not timed)
const { DuckDBInstance } = await import('@duckdb/node-api');
const db = await (await DuckDBInstance.create(':memory:')).connect();
const diff = Array.from({ length: FEATURES }, (_, c) => `a.f${c} IS DISTINCT FROM b.f${c}`).join(' OR ');
const [[rowsA, rowsB, mismatched]] = (
  await db.runAndReadAll(`SELECT (SELECT count(*) FROM '${larder.out}'), (SELECT count(*) FROM '${duck.out}'),
    (SELECT count(*) FROM '${larder.out}' a JOIN '${duck.out}' b USING (eid) WHERE ${diff})`)
).getRows();
const [[ordered]] = (await db.runAndReadAll(`SELECT bool_and(eid = rn - 1) FROM (SELECT eid, row_number() OVER () AS rn FROM '${larder.out}')`)).getRows();
db.closeSync();
console.log(`  check: rows ${rowsA} vs ${rowsB}, ${mismatched} rows differ, larder output in input order: ${ordered}`);
console.log(JSON.stringify({ size, load, runs, ratios: pairs.map(ratio), larder, duckdb: duck }));
