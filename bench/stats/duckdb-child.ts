/**
 * One engine per process: DuckDB's SUMMARIZE over the same Parquet file
 * (min, max, approx_unique, avg, std, q25/q50/q75, count, null %), all rows
 * read into JS. Prints one JSON line with the time and peak RSS.
 * Usage: node bench/stats/duckdb-child.ts FILE
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { peakRss } from './data.ts';

const [file] = process.argv.slice(2);
const t0 = performance.now();
const db = await (await DuckDBInstance.create(':memory:')).connect();
const rows = (await db.runAndReadAll(`SUMMARIZE SELECT * FROM read_parquet('${file}')`)).getRowObjectsJson();
const totalMs = performance.now() - t0;
const version = (await db.runAndReadAll('SELECT version()')).getRows()[0][0];
const threads = (await db.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
db.closeSync();
console.log(JSON.stringify({ engine: `DuckDB ${version} SUMMARIZE`, threads: String(threads), totalMs, peakRssBytes: await peakRss(), summary: rows }));
