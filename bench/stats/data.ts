/**
 * The statistics benchmark's file: N rows x 10 features (4 float64, 3 int64,
 * 3 strings: 50 cities, 10k product codes, ~N/4 free-text ids), with nulls,
 * written once with larder's Parquet writer (snappy, 1 Mi-row row groups)
 * to .bench-data/stats/<rows>.parquet.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeParquet, type WriteBatch, type WriteColumn } from '../../offline/parquet/index.ts';

export const SCHEMA: WriteColumn[] = [
  { name: 'f0', type: 'double' },
  { name: 'f1', type: 'double' },
  { name: 'f2', type: 'double' },
  { name: 'f3', type: 'double' },
  { name: 'i0', type: 'int64' },
  { name: 'i1', type: 'int64' },
  { name: 'i2', type: 'int64' },
  { name: 's_city', type: 'string' },
  { name: 's_code', type: 'string' },
  { name: 's_id', type: 'string' },
];

export function rowsArg(argv: readonly string[]): number {
  const i = argv.indexOf('--rows');
  const s = i < 0 ? '10m' : argv[i + 1];
  const m = /^(\d+)([km]?)$/i.exec(s ?? '');
  if (!m) throw new Error(`--rows takes e.g. 10m, 1m or 200k, got ${s}`);
  return Number(m[1]) * (m[2].toLowerCase() === 'm' ? 1_000_000 : m[2].toLowerCase() === 'k' ? 1000 : 1);
}

export function benchFile(rows: number): string {
  return resolve(import.meta.dirname, '../../.bench-data/stats', `${rows}.parquet`);
}

export async function peakRss(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const m = /VmHWM:\s+(\d+) kB/.exec(await readFile('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

const CITIES = Array.from({ length: 50 }, (_, i) => `city_${String(i).padStart(2, '0')}`);
const enc = new TextEncoder();

function* batches(rows: number): Generator<WriteBatch> {
  let a = 0x9e3779b9;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const B = 1 << 20;
  for (let start = 0; start < rows; start += B) {
    const n = Math.min(B, rows - start);
    const validity = () => {
      const v = new Uint8Array(n);
      for (let i = 0; i < n; i++) v[i] = next() < 0.05 ? 0 : 1;
      return v;
    };
    const dbl = (f: () => number) => {
      const values = new Float64Array(n);
      const v = validity();
      for (let i = 0; i < n; i++) if (v[i]) values[i] = f();
      return { type: 'double' as const, values, validity: v };
    };
    const i64 = (f: () => number) => {
      const values = new BigInt64Array(n);
      const v = validity();
      for (let i = 0; i < n; i++) if (v[i]) values[i] = BigInt(f());
      return { type: 'int64' as const, values, validity: v };
    };
    const str = (f: () => string) => {
      const v = validity();
      const parts: Uint8Array[] = new Array(n);
      const offsets = new Int32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const b = v[i] ? enc.encode(f()) : new Uint8Array(0);
        parts[i] = b;
        total += b.length;
        offsets[i + 1] = total;
      }
      const data = new Uint8Array(total);
      for (let i = 0; i < n; i++) data.set(parts[i], offsets[i]);
      return { type: 'string' as const, offsets, data, validity: v };
    };
    yield {
      numRows: n,
      columns: {
        f0: dbl(() => next()),
        f1: dbl(() => (next() - 0.5) * 2000),
        f2: dbl(() => -Math.log(1 - next()) * 50),
        f3: dbl(() => Math.round(next() * 1e6) / 100),
        i0: i64(() => Math.floor(next() * 1000)),
        i1: i64(() => Math.floor(next() * 1e9) - 5e8),
        i2: i64(() => start + Math.floor(next() * n)),
        s_city: str(() => CITIES[Math.floor(next() ** 2 * CITIES.length)]),
        s_code: str(() => `P-${Math.floor(next() * 10_000)}`),
        s_id: str(() => `id-${Math.floor(next() * (rows / 4)).toString(36)}-${Math.floor(next() * 100)}`),
      },
    };
  }
}

/** The benchmark file, written on first use. */
export async function ensureData(rows: number): Promise<string> {
  const path = benchFile(rows);
  if (existsSync(path)) return path;
  await mkdir(join(path, '..'), { recursive: true });
  const w = await writeParquet(path, { schema: SCHEMA, batches: batches(rows) });
  if (!w.ok) throw new Error(w.error.message);
  return path;
}
