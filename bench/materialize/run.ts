/**
 * bench/materialize: `larder materialize` from a Parquet source of 1M and
 * 10M rows (10 float features, the same keys at both sizes) into the online
 * stores a repo can name: SQLite (`larder serve`; 100,000 keys), and the
 * local D1 and KV state that `larder dev` serves (wrangler's platform proxy;
 * 2,000 keys, since every statement or put through the proxy is a round trip:
 * ~100 keys/s here, so 100,000 keys would take a quarter of an hour). Each
 * run is a fresh repo and its own child process; prints source rows/s, keys
 * written and the child's peak RSS, then the 10M/1M peak ratio per store
 * (goal: <= 1.2x). The workerd process behind the platform proxy is not
 * counted (it holds the stores' state, not the materializer's).
 * Usage: node --expose-gc bench/materialize/run.ts [--sizes 1m,10m] [--stores sqlite,d1,kv]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../offline/cli/main.ts';
import { ensureLocalMigrations } from '../../offline/dev/dev-server.ts';
import { loadConfig } from '../../offline/repo/load-config.ts';
import { END_ISO, ensureData, FEATURES_YAML, KEYS, SIZES, T0_ISO, type SizeName } from './data.ts';

const STORES = {
  sqlite: { yaml: 'project: bench\nonline_store: { type: sqlite, path: data/online.db }\n', keys: KEYS },
  d1: { yaml: 'project: bench\nregistry: { type: d1 }\nonline_store: { type: d1 }\n', keys: 2_000 },
  kv: { yaml: 'project: bench\nregistry: { type: d1 }\nonline_store: { type: kv }\n', keys: 2_000 },
} as const;
type StoreName = keyof typeof STORES;

function listArg<T extends string>(name: string, all: readonly T[]): T[] {
  const i = process.argv.indexOf(name);
  if (i < 0) return [...all];
  const picked = process.argv[i + 1].split(',') as T[];
  for (const p of picked) if (!all.includes(p)) throw new Error(`${name}: ${p} is not one of ${all.join(', ')}`);
  return picked;
}
const sizes = listArg('--sizes', Object.keys(SIZES) as SizeName[]);
const stores = listArg('--stores', Object.keys(STORES) as StoreName[]);

const quiet = { cwd: process.cwd(), out: () => undefined, err: (l: string) => console.error(l) };

/** A fresh repo over the shared Parquet file, applied (and migrated for D1/KV). */
async function makeRepo(store: StoreName, parquet: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `larder-bench-mat-${store}-`));
  await mkdir(join(dir, 'data'));
  await symlink(parquet, join(dir, 'data/features.parquet'));
  await writeFile(join(dir, 'larder.yaml'), STORES[store].yaml);
  await writeFile(join(dir, 'features.yaml'), FEATURES_YAML);
  if (store !== 'sqlite') {
    const loaded = await loadConfig(dir);
    if ('issues' in loaded) throw new Error(JSON.stringify(loaded.issues));
    const m = await ensureLocalMigrations(dir, loaded.config);
    if (!m.ok) throw new Error(m.error.message);
  }
  if ((await main(['apply', '--repo', dir], quiet)) !== 0) throw new Error(`apply failed in ${dir}`);
  return dir;
}

interface Run {
  store: StoreName;
  size: SizeName;
  rows: number;
  keys: number;
  ms: number;
  rowsPerSec: number;
  peakRssBytes: number;
  summary: string;
}

const results: Run[] = [];
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
console.log(`materialize bench: ${sizes.join(', ')} rows x 10 float features (load ${loadavg()[0].toFixed(2)})`);
for (const size of sizes) {
  for (const store of stores) {
    const keys = STORES[store].keys;
    const parquet = await ensureData(size, keys);
    const dir = await makeRepo(store, parquet);
    try {
      const child = new URL('./child.ts', import.meta.url).pathname;
      const out = execFileSync(process.execPath, [child, 'materialize', T0_ISO, END_ISO, '--repo', dir], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
      const r = JSON.parse(out.trim().split('\n').at(-1)!) as { code: number; ms: number; peakRssBytes: number; output: string[] };
      if (r.code !== 0) throw new Error(`materialize failed: ${r.output.join('\n')}`);
      const rows = SIZES[size];
      const run: Run = { store, size, rows, keys, ms: r.ms, rowsPerSec: rows / (r.ms / 1000), peakRssBytes: r.peakRssBytes, summary: r.output[0] ?? '' };
      results.push(run);
      console.log(`  ${store.padEnd(6)} ${size.padStart(3)} rows, ${keys.toLocaleString('en-US').padStart(7)} keys: ${(run.ms / 1000).toFixed(2).padStart(7)} s  ${Math.round(run.rowsPerSec).toLocaleString('en-US').padStart(10)} rows/s  peak RSS ${mib(run.peakRssBytes)}`);
      console.log(`      ${run.summary}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
if (sizes.includes('1m') && sizes.includes('10m')) {
  console.log('peak RSS 10M / 1M (goal <= 1.20x):');
  for (const store of stores) {
    const a = results.find((r) => r.store === store && r.size === '1m')!;
    const b = results.find((r) => r.store === store && r.size === '10m')!;
    const ratio = b.peakRssBytes / a.peakRssBytes;
    console.log(`  ${store.padEnd(6)} ${ratio.toFixed(2)}x ${ratio <= 1.2 ? 'ok' : 'OVER'}`);
  }
}
console.log(JSON.stringify(results));
