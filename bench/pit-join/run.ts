/**
 * bench/pit-join: the larder kernel's point-in-time join against DuckDB's
 * ASOF JOIN on the same seeded data, each engine in its own child process (run
 * one after the other, never together) so peak memory is measured per engine.
 *
 *   npm run bench:pit                      # both sizes: 1M x 10M, then 10M x 50M
 *   npm run bench:pit -- --size 1m         # one size
 *   npm run bench:pit -- --size 1m --only kernel   (or --only duckdb)
 *   npm run bench:pit -- --partitions 64   # override the driver's partition count
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIZES, sizeArg } from './data.ts';

interface ChildResult {
  engine: string;
  size: string;
  medianMs: number;
  peakRssBytes: number;
  matched: number;
  checksum: number;
  runs: Record<string, number>[];
  [k: string]: unknown;
}

const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const pass = argv.includes('--partitions') ? ['--partitions', argv[argv.indexOf('--partitions') + 1]] : [];
const gib = (b: number) => (b / 2 ** 30).toFixed(2);
const sec = (ms: number) => (ms / 1000).toFixed(2);

function runChild(script: string, size: string, out: string): ChildResult {
  const file = new URL(script, import.meta.url).pathname;
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=20000', file, '--size', size, '--out', out, ...pass], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status}: ${r.stdout}`);
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as ChildResult;
}

let failed = false;
for (const size of sizeArg(argv)) {
  const { entities, features } = SIZES[size];
  console.log(`\n== ${entities.toLocaleString('en')} entity rows x ${features.toLocaleString('en')} feature rows, 10 float32 features, ttl 7 days ==`);
  // The machine may be shared: say how busy it was, since both engines' times depend on it.
  const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
  console.log(`load average before: ${load()}`);
  const kOut = join(tmpdir(), `pit-kernel-${process.pid}.bin`);
  const dOut = join(tmpdir(), `pit-duckdb-${process.pid}.bin`);
  const results: ChildResult[] = [];
  if (only !== 'duckdb') results.push(runChild('./kernel-child.ts', size, kOut));
  if (only !== 'kernel') results.push(runChild('./duckdb-child.ts', size, dOut));
  for (const r of results) {
    const phases = r.runs.map((x) => Object.entries(x).map(([k, v]) => `${k} ${sec(v)}`).join(' ')).join(' | ');
    console.log(`${r.engine.padEnd(14)} median ${sec(r.medianMs)} s  peak RSS ${gib(r.peakRssBytes)} GiB  matched ${r.matched}  checksum ${r.checksum}`);
    console.log(`${''.padEnd(14)} runs: ${phases}`);
  }
  if (results.length === 2) {
    const [kr, dr] = results;
    const a = new Int32Array(readFileSync(kOut).buffer.slice(0));
    const b = new Int32Array(readFileSync(dOut).buffer.slice(0));
    let diff = 0;
    let first = -1;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) { diff++; if (first < 0) first = i; }
    const equal = a.length === b.length && diff === 0 && kr.checksum === dr.checksum;
    if (!equal) failed = true;
    console.log(`outputs equal: ${equal ? 'yes' : `NO (${diff} rows differ, first at ${first}: ${a[first]} vs ${b[first]})`}`);
    console.log(`speed-up ${(dr.medianMs / kr.medianMs).toFixed(2)}x   memory ratio kernel/DuckDB ${(kr.peakRssBytes / dr.peakRssBytes).toFixed(2)}`);
  }
  console.log(`load average after: ${load()}`);
  rmSync(kOut, { force: true });
  rmSync(dOut, { force: true });
}
if (failed) process.exitCode = 1;
