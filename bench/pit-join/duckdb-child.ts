/**
 * One engine per process: the DuckDB side of bench/pit-join. Generates the
 * same data with the same formulas in DuckDB SQL (not timed), then times 3
 * runs of the ASOF join materialized into a table, and prints one JSON line.
 * Usage: node duckdb-child.ts --size 1m --out /tmp/idx.bin
 */
import { writeFile } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbJoin, duckdbSetup, FEATURES, median, peakRss, SIZES, sizeArg } from './data.ts';

const size = sizeArg(process.argv)[0];
const outPath = process.argv[process.argv.indexOf('--out') + 1];
const { entities: n, features: m } = SIZES[size];

const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
let t = performance.now();
for (const sql of duckdbSetup(n, m)) await c.run(sql);
const genMs = performance.now() - t;
const version = (await c.runAndReadAll('SELECT version()')).getRows()[0][0];
const threads = (await c.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];

const runs: { total: number }[] = [];
for (let run = 0; run < 3; run++) {
  const t0 = performance.now();
  await c.run(duckdbJoin());
  runs.push({ total: performance.now() - t0 });
}
const peak = await peakRss();

// Not timed: bring the chosen row ids back in entity order, and a checksum of the features.
const ids = await c.runAndReadAll('SELECT coalesce(fid, -1)::INTEGER FROM res ORDER BY eid');
const idx = new Int32Array(n);
const col = ids.getColumns()[0] as number[];
for (let i = 0; i < n; i++) idx[i] = col[i];
const sumExpr = Array.from({ length: FEATURES }, (_, c) => `f${c}::DOUBLE`).join(' + ');
const [[matched, checksum]] = (await c.runAndReadAll(`SELECT count(fid)::DOUBLE, coalesce(sum(${sumExpr}), 0) FROM res`)).getRows();
await writeFile(outPath, new Uint8Array(idx.buffer));
console.log(
  JSON.stringify({ engine: `DuckDB ${version}`, size, threads: String(threads), genMs, runs, medianMs: median(runs.map((r) => r.total)), peakRssBytes: peak, matched: Number(matched), checksum: Number(checksum) }),
);
