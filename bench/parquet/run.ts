// Parquet reader/writer benchmark: larder's kernel reader and writer against
// DuckDB on the join benchmark's feature table (driver_id BIGINT ~1M
// distinct, event_timestamp and created TIMESTAMP, 10 DOUBLE features),
// written by DuckDB with its default Parquet settings.
//
//   npx node --expose-gc bench/parquet/run.ts [--rows 10000000] [--reps 3] [--write-rows 1000000]
//
// Each measurement runs in its own child process so its peak RSS is its own.
// Times are the best and the median of --reps runs after one warm-up run
// (the warm-up pays worker start-up and brings the file into the page cache).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { closeParquetWorkers, readRowGroups, writeParquet, type Batch, type WriteColumn } from '../../offline/parquet/index.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : dflt;
};
const ROWS = Number(arg('rows', '10000000'));
const REPS = Number(arg('reps', '3'));
const WRITE_ROWS = Number(arg('write-rows', '1000000'));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA = `${ROOT}.bench-data/parquet`;
const FILE = `${DATA}/features-${ROWS}.parquet`;
const FEATURES = Array.from({ length: 10 }, (_, k) => `f${k}`);
const COLUMNS = ['driver_id', 'event_timestamp', 'created', ...FEATURES];

async function generate(): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  // Deterministic: every value is a hash of the row number (no random()).
  const feats = FEATURES.map((f, k) => `((hash(i, ${k}) % 1000000)::DOUBLE / 1000000.0) AS ${f}`).join(', ');
  const t = performance.now();
  await db.run(`COPY (SELECT (hash(i) % 1000000)::BIGINT AS driver_id,
      TIMESTAMP '2025-01-01' + to_microseconds((hash(i, 100) % 31536000000000)::BIGINT) AS event_timestamp,
      TIMESTAMP '2025-01-01' + to_microseconds((hash(i, 101) % 31536000000000)::BIGINT) AS created,
      ${feats} FROM range(${ROWS}) t(i)) TO '${FILE}.tmp' (FORMAT parquet)`);
  renameSync(`${FILE}.tmp`, FILE);
  console.log(`generated ${FILE} (${(statSync(FILE).size / 1e9).toFixed(2)} GB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// ------------------------------------------------------------- phases ---

type Phase = () => Promise<number>; // one timed run, returns a checksum

/** A consumer both readers share: sum one feature column over every row (touches the data). */
let checksum = 0;

const phases: Record<string, { label: string; cold?: boolean; setup?: () => Promise<void>; run: Phase }> = {
  'duckdb-scan': {
    label: 'DuckDB alone: SELECT sum(...) of every column',
    run: async () => {
      const db = await duckConn();
      const sums = COLUMNS.map((c) => (c.startsWith('f') ? `sum(${c})` : c === 'driver_id' ? `sum(${c})` : `sum(epoch_us(${c}))`));
      const r = await db.runAndReadAll(`SELECT ${sums.join(', ')} FROM read_parquet('${FILE}')`);
      return Number(r.getRows()[0][3]);
    },
  },
  'duckdb-stream': {
    label: 'DuckDB streaming 13 columns into typed arrays (@duckdb/node-api, 2048-row chunks)',
    run: async () => {
      const db = await duckConn();
      const result = await db.stream(`SELECT ${COLUMNS.join(', ')} FROM read_parquet('${FILE}')`);
      let sum = 0;
      let rows = 0;
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        // Typed-array views of every vector (the node-api keeps them as `items`).
        const views = COLUMNS.map((_, j) => (chunk.getColumnVector(j) as unknown as { items: Float64Array | BigInt64Array }).items);
        const f0 = views[3] as Float64Array;
        for (let i = 0; i < f0.length; i++) sum += f0[i];
        rows += chunk.rowCount;
      }
      if (rows !== ROWS) throw new Error(`duckdb streamed ${rows} rows`);
      return sum;
    },
  },
  'larder-read': {
    label: `larder reader, ${availableParallelism()} workers, reuseBuffers (streaming)`,
    run: () => ours({ reuseBuffers: true }),
  },
  'larder-read-cold': {
    label: 'larder reader, first read in a fresh process (includes starting the workers)',
    cold: true,
    run: () => ours({ reuseBuffers: true }),
  },
  'larder-read-fresh': {
    label: `larder reader, ${availableParallelism()} workers, fresh arrays per batch`,
    run: () => ours({ reuseBuffers: false }),
  },
  'larder-read-1t': {
    label: 'larder reader, decoding on the main thread (workers: 0), reuseBuffers',
    run: () => ours({ reuseBuffers: true, workers: 0 }),
  },
  'larder-write': {
    label: `larder writer, ${WRITE_ROWS.toLocaleString('en')} rows x 13 columns, snappy`,
    setup: async () => {
      writeBatches = await firstRows(WRITE_ROWS);
    },
    run: async () => {
      const out = `${DATA}/out-larder.parquet`;
      const schema: WriteColumn[] = [
        { name: 'driver_id', type: 'int64' }, { name: 'event_timestamp', type: 'timestamp' }, { name: 'created', type: 'timestamp' },
        ...FEATURES.map((name) => ({ name, type: 'double' as const })),
      ];
      const w = await writeParquet(out, { schema, batches: writeBatches });
      if (!w.ok) throw new Error(w.error.message);
      const bytes = w.value.bytes;
      rmSync(out);
      return bytes;
    },
  },
  'duckdb-write': {
    label: `DuckDB COPY TO, same ${WRITE_ROWS.toLocaleString('en')} rows from an in-memory table`,
    setup: async () => {
      const db = await duckConn();
      await db.run(`CREATE TABLE t AS SELECT * FROM read_parquet('${FILE}') LIMIT ${WRITE_ROWS}`);
    },
    run: async () => {
      const db = await duckConn();
      const out = `${DATA}/out-duckdb.parquet`;
      await db.run(`COPY t TO '${out}' (FORMAT parquet)`);
      const bytes = statSync(out).size;
      rmSync(out);
      return bytes;
    },
  },
};

let conn: Awaited<ReturnType<Awaited<ReturnType<typeof DuckDBInstance.create>>['connect']>> | undefined;
async function duckConn() {
  conn ??= await (await DuckDBInstance.create(':memory:')).connect();
  return conn;
}

let writeBatches: Batch[] = [];

async function ours(opts: { reuseBuffers: boolean; workers?: number }): Promise<number> {
  let sum = 0;
  const r = await readRowGroups(FILE, {
    ...opts,
    columns: COLUMNS,
    onBatch: (b) => {
      const f0 = b.columns.f0;
      if (f0.type !== 'double') throw new Error('f0 is not double');
      for (let i = 0; i < f0.values.length; i++) sum += f0.values[i];
    },
  });
  if (!r.ok) throw new Error(r.error.message);
  if (r.value.rows !== ROWS) throw new Error(`read ${r.value.rows} rows`);
  return sum;
}

/** The first n rows as batches (whole row groups, the last one cut). */
async function firstRows(n: number): Promise<Batch[]> {
  const out: Batch[] = [];
  let rows = 0;
  for (let g = 0; rows < n; g++) {
    await readRowGroups(FILE, {
      rowGroups: [g],
      workers: 0,
      onBatch: (b) => {
        const take = Math.min(b.numRows, n - rows);
        const columns = Object.fromEntries(
          Object.entries(b.columns).map(([k, c]) => [k, 'values' in c ? { ...c, values: c.values.subarray(0, take), validity: c.validity?.subarray(0, take) ?? null } : c]),
        ) as Batch['columns'];
        out.push({ ...b, numRows: take, columns });
        rows += take;
      },
    });
  }
  return out;
}

async function child(name: string): Promise<void> {
  const p = phases[name];
  await p.setup?.();
  const times: number[] = [];
  for (let i = 0; i <= (p.cold ? 0 : REPS); i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t = performance.now();
    checksum = await p.run();
    if (i > 0 || p.cold) times.push(performance.now() - t);
  }
  await closeParquetWorkers();
  const rss = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ name, times, rss, checksum }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const phase = arg('phase', '');
  if (phase) return child(phase);
  if (!existsSync(FILE)) await generate();
  console.log(`file: ${FILE} (${(statSync(FILE).size / 1e9).toFixed(2)} GB, ${ROWS.toLocaleString('en')} rows x 13 columns)`);
  console.log(`machine: ${availableParallelism()} cores, node ${process.version}, load average ${loadavg()[0].toFixed(1)}; best / median of ${REPS} runs after a warm-up\n`);
  const res: Record<string, { best: number; med: number; rss: number }> = {};
  for (const name of Object.keys(phases)) {
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--phase', name, '--rows', String(ROWS), '--reps', String(REPS), '--write-rows', String(WRITE_ROWS)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.log(`${name}: failed\n${r.stdout}\n${r.stderr}`);
      continue;
    }
    const j = JSON.parse(line) as { times: number[]; rss: number };
    res[name] = { best: Math.min(...j.times), med: median(j.times), rss: j.rss };
    console.log(`${phases[name].label.padEnd(82)} ${(res[name].best / 1000).toFixed(3)} s best, ${(res[name].med / 1000).toFixed(3)} s median, peak RSS ${(j.rss / 1e6).toFixed(0)} MB`);
  }
  console.log(`\nload average at the end: ${loadavg()[0].toFixed(1)} (other processes share these cores: compare ratios, not absolute times)`);
  const ratio = (a: string, b: string) => (res[a] && res[b] ? (res[b].best / res[a].best).toFixed(2) : 'n/a');
  console.log('\nratios (best times; > 1 means larder is faster):');
  console.log(`  read:  DuckDB streaming / larder reader  = ${ratio('larder-read', 'duckdb-stream')}x`);
  console.log(`  read:  DuckDB scan alone / larder reader = ${ratio('larder-read', 'duckdb-scan')}x`);
  console.log(`  read:  DuckDB streaming / larder fresh   = ${ratio('larder-read-fresh', 'duckdb-stream')}x`);
  console.log(`  write: DuckDB COPY TO / larder writer    = ${ratio('larder-write', 'duckdb-write')}x`);
}

await main();
