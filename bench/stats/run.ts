/**
 * bench/stats: `larder stats --file` against DuckDB's SUMMARIZE on the same
 * Parquet file (10M rows x 10 features by default: 4 float64, 3 int64,
 * 3 strings, 5% nulls each), each engine in its own child process, one after
 * the other in the same run. Prints time, peak RSS and the ratios, and checks
 * that both agree on counts, min and max (not timed).
 * Usage: node bench/stats/run.ts [--rows 10m|1m|200k]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { benchFile, ensureData, rowsArg } from './data.ts';

const rows = rowsArg(process.argv);
const t0 = performance.now();
const file = await ensureData(rows);
const genS = (performance.now() - t0) / 1000;
const out = benchFile(rows).replace(/\.parquet$/, '.stats.json');
type ChildResult = { engine: string; totalMs: number; peakRssBytes: number; summary?: Record<string, string | null>[] };
const child = (script: string, args: string[]): ChildResult & { wallMs: number } => {
  const w0 = performance.now();
  const line = execFileSync(process.execPath, [new URL(script, import.meta.url).pathname, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return { ...(JSON.parse(line.trim().split('\n').at(-1)!) as ChildResult), wallMs: performance.now() - w0 };
};
const load = loadavg()[0].toFixed(2);
const larder = child('./larder-child.ts', [file, out]);
const duck = child('./duckdb-child.ts', [file]);
const gb = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;
console.log(`statistics of ${rows.toLocaleString('en-US')} rows x 10 features (${file}${genS > 1 ? `, generated in ${genS.toFixed(0)} s` : ''}; load ${load})`);
for (const r of [larder, duck]) {
  console.log(`  ${r.engine.padEnd(32)} ${(r.totalMs / 1000).toFixed(2).padStart(7)} s (process ${(r.wallMs / 1000).toFixed(2)} s)  peak RSS ${gb(r.peakRssBytes)}`);
}
const ratio = larder.totalMs / duck.totalMs;
console.log(`  larder takes ${ratio.toFixed(2)}x DuckDB's time (goal: <= 2x) at ${((100 * larder.peakRssBytes) / duck.peakRssBytes).toFixed(0)}% of its peak memory`);

// Same answers where both are exact (count, null %, min, max)?
const rec = JSON.parse(readFileSync(out, 'utf8')) as { features: { name: string; count: number; nullRate: number; numeric?: { min: number | null; max: number | null } }[] };
const problems: string[] = [];
for (const s of duck.summary ?? []) {
  const f = rec.features.find((x) => x.name === s.column_name);
  if (!f) {
    problems.push(`${s.column_name}: missing`);
    continue;
  }
  const nullPct = Number(String(s.null_percentage).replace('%', ''));
  if (Math.abs(100 * f.nullRate - nullPct) > 0.01) problems.push(`${f.name}: null % ${100 * f.nullRate} vs ${nullPct}`);
  if (Number(s.count) !== rows) problems.push(`${f.name}: DuckDB count ${s.count}`);
  if (f.numeric && (Number(s.min) !== f.numeric.min || Number(s.max) !== f.numeric.max)) problems.push(`${f.name}: min/max ${f.numeric.min}/${f.numeric.max} vs ${s.min}/${s.max}`);
}
console.log(`  check: ${problems.length === 0 ? 'null %, min and max agree on every column' : problems.join('; ')}`);
const brief = (r: ChildResult & { wallMs: number }) => ({ engine: r.engine, totalMs: Math.round(r.totalMs), wallMs: Math.round(r.wallMs), peakRssBytes: r.peakRssBytes });
console.log(JSON.stringify({ rows, load, larder: brief(larder), duckdb: brief(duck), ratio: Number(ratio.toFixed(3)) }));
