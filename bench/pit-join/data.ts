/**
 * The benchmark's data, defined by integer formulas that JavaScript and DuckDB
 * SQL evaluate identically, so each engine builds the same rows in its own
 * memory (not timed) and only the join is timed.
 *
 * h32(i, s) is a 32-bit hash of row number i and salt s (lowbias32 over
 * i * 0x9E3779B1 + s * 0x85EBCA77 mod 2^32).
 *   entity i:  key = h32(i,1) % KEYS, ts = T0 + (h32(i,2) % SECONDS) * 1e6 + h32(i,3) % 1e6
 *   feature j: b = j - 1 when j > 0 and h32(j,8) % 10 = 0 (a same-event correction of the
 *              previous row's formula), else j;
 *              key = h32(b,4) % KEYS, event = T0 + (h32(b,5) % SECONDS) * 1e6 + h32(b,6) % 1e6,
 *              created = event + (h32(j,7) % 3600) * 1e6,
 *              f_c = (h32(j, 10 + c) % 2^20) / 1024 for c in 0..9 (exact in float32)
 */
export const KEYS = 1_000_000;
export const SECONDS = 90 * 86_400; // 90 days
export const T0 = 1_735_689_600_000_000; // 2025-01-01T00:00:00Z in µs (exact as a double)
export const TTL_US = 7 * 86_400 * 1_000_000; // 7 days
export const FEATURES = 10;

export const SIZES = {
  '1m': { entities: 1_000_000, features: 10_000_000 },
  '10m': { entities: 10_000_000, features: 50_000_000 },
} as const;
export type SizeName = keyof typeof SIZES;

export function h32(i: number, s: number): number {
  let x = (Math.imul(i, 0x9e3779b1) + Math.imul(s, 0x85ebca77)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

const ts = (i: number, a: number, b: number): number => T0 + (h32(i, a) % SECONDS) * 1_000_000 + (h32(i, b) % 1_000_000);

/** Write a non-negative integer below 2^53 into u32 word pair i of w. */
function put(w: Uint32Array, i: number, v: number): void {
  w[2 * i] = v >>> 0;
  w[2 * i + 1] = Math.floor(v / 4294967296);
}

export interface EntityData { key: BigInt64Array; ts: BigInt64Array }
export interface FeatureData { key: BigInt64Array; eventTs: BigInt64Array; createdTs: BigInt64Array; values: Float32Array[] }

const w = (a: BigInt64Array) => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);

export function entities(n: number): EntityData {
  const key = new BigInt64Array(n);
  const t = new BigInt64Array(n);
  const kw = w(key);
  const tw = w(t);
  for (let i = 0; i < n; i++) {
    kw[2 * i] = h32(i, 1) % KEYS;
    put(tw, i, ts(i, 2, 3));
  }
  return { key, ts: t };
}

export function features(m: number): FeatureData {
  const key = new BigInt64Array(m);
  const eventTs = new BigInt64Array(m);
  const createdTs = new BigInt64Array(m);
  const values = Array.from({ length: FEATURES }, () => new Float32Array(m));
  const kw = w(key);
  const ew = w(eventTs);
  const cw = w(createdTs);
  for (let j = 0; j < m; j++) {
    const b = j > 0 && h32(j, 8) % 10 === 0 ? j - 1 : j;
    kw[2 * j] = h32(b, 4) % KEYS;
    const ev = ts(b, 5, 6);
    put(ew, j, ev);
    put(cw, j, ev + (h32(j, 7) % 3600) * 1_000_000);
    for (let c = 0; c < FEATURES; c++) values[c][j] = (h32(j, 10 + c) % 1048576) / 1024;
  }
  return { key, eventTs, createdTs, values };
}

/** The same formulas in DuckDB SQL. */
export function duckdbSetup(n: number, m: number): string[] {
  const f = Array.from({ length: FEATURES }, (_, c) => `((h32(fid, ${10 + c}) % 1048576)::FLOAT / 1024)::FLOAT AS f${c}`).join(', ');
  return [
    `CREATE MACRO xs(x, s) AS xor(x, x >> s)`,
    `CREATE MACRO mix32(x) AS xs((xs((xs(x, 16) * 2146121005::UBIGINT) % 4294967296::UBIGINT, 15) * 2221713035::UBIGINT) % 4294967296::UBIGINT, 16)`,
    `CREATE MACRO h32(i, s) AS mix32((i::UBIGINT * 2654435761::UBIGINT + s::UBIGINT * 2246822519::UBIGINT) % 4294967296::UBIGINT)`,
    `CREATE MACRO ts(i, a, b) AS (${T0}::BIGINT + (h32(i, a) % ${SECONDS})::BIGINT * 1000000 + (h32(i, b) % 1000000)::BIGINT)`,
    `CREATE TABLE entities AS SELECT i::INTEGER AS eid, (h32(i, 1) % ${KEYS})::BIGINT AS key, ts(i, 2, 3) AS ts FROM range(${n}) r(i)`,
    `CREATE TABLE features AS SELECT fid::INTEGER AS fid, (h32(b, 4) % ${KEYS})::BIGINT AS key, ev, ev + (h32(fid, 7) % 3600)::BIGINT * 1000000 AS cr, ${f}
       FROM (SELECT fid, b, ts(b, 5, 6) AS ev FROM (SELECT j AS fid, CASE WHEN j > 0 AND h32(j, 8) % 10 = 0 THEN j - 1 ELSE j END AS b FROM range(${m}) r(j)))`,
  ];
}

/** The timed DuckDB query: ASOF join on (event, created, row) with the ttl bound, 10 features out. */
export function duckdbJoin(): string {
  const pick = (col: string) => `CASE WHEN f.ev >= e.ts - ${TTL_US} THEN f.${col} END AS ${col}`;
  const cols = ['fid', ...Array.from({ length: FEATURES }, (_, c) => `f${c}`)].map(pick).join(', ');
  return `CREATE OR REPLACE TABLE res AS SELECT e.eid, ${cols}
    FROM entities e ASOF LEFT JOIN features f
      ON e.key = f.key AND {'ev': e.ts, 'cr': 9223372036854775807::BIGINT, 'fid': 2147483647::INTEGER} >= {'ev': f.ev, 'cr': f.cr, 'fid': f.fid}`;
}

/** Peak resident memory of this process in bytes (VmHWM). */
export async function peakRss(): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const m = /VmHWM:\s+(\d+) kB/.exec(await readFile('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function sizeArg(argv: string[]): SizeName[] {
  const i = argv.indexOf('--size');
  if (i < 0) return ['1m', '10m'];
  const s = argv[i + 1];
  if (s !== '1m' && s !== '10m') throw new Error(`--size must be 1m or 10m, got ${s}`);
  return [s];
}
