/**
 * One engine per process: DuckDB doing the same end to end: read both
 * Parquet files, ASOF join on (event time, created) with the ttl bound,
 * COPY the result TO Parquet. Prints one JSON line.
 * Usage: node bench/historical/duckdb-child.ts --size 1m
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { benchDir, FEATURES, peakRss, sizeArg, TTL_DAYS } from './data.ts';

const size = sizeArg(process.argv);
const dir = benchDir(size);
const out = join(dir, 'out-duckdb.parquet');
const t0 = performance.now();
const db = await (await DuckDBInstance.create(':memory:')).connect();
const us = (x: string) => `epoch_us(${x})`;
const cols = Array.from({ length: FEATURES }, (_, c) => `CASE WHEN ${us('f.event_timestamp')} >= ${us('e.event_timestamp')} - ${TTL_DAYS * 86_400_000_000} THEN f.f${c} END AS f${c}`).join(', ');
await db.run(`COPY (
    SELECT e.*, ${cols}
    FROM read_parquet('${dir}/entities.parquet') e
    ASOF LEFT JOIN read_parquet('${dir}/features.parquet') f
      ON e.driver_id = f.driver_id
     AND {'ev': ${us('e.event_timestamp')}, 'cr': 9223372036854775807::BIGINT} >= {'ev': ${us('f.event_timestamp')}, 'cr': ${us('f.created')}}
  ) TO '${out}' (FORMAT parquet, COMPRESSION snappy)`);
const totalMs = performance.now() - t0;
const version = (await db.runAndReadAll('SELECT version()')).getRows()[0][0];
const threads = (await db.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
db.closeSync();
console.log(JSON.stringify({ engine: `DuckDB ${version}`, threads: String(threads), size, totalMs, peakRssBytes: await peakRss(), out }));
