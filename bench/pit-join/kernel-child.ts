/**
 * One engine per process: the larder kernel side of bench/pit-join. Generates
 * the data (not timed), then times 3 runs of key hashing + partitioned
 * point-in-time join + gathering the 10 feature columns, and prints one JSON
 * line. Usage: node kernel-child.ts --size 1m --out /tmp/idx.bin
 */
import { readFile, writeFile } from 'node:fs/promises';
import { unwrap as unwrapKernel } from '../../src/core/errors.ts';
import { loadKernel, orderByFeatureRow, pitJoin, type GatherOrder } from '../../src/kernel/index.ts';
import { entities, features, FEATURES, median, peakRss, SIZES, sizeArg, TTL_US } from './data.ts';

const size = sizeArg(process.argv)[0];
const outPath = process.argv[process.argv.indexOf('--out') + 1];
const partitionsArg = process.argv.indexOf('--partitions');
const partitions = partitionsArg > 0 ? Number(process.argv[partitionsArg + 1]) : undefined;
const { entities: n, features: m } = SIZES[size];

const wasm = await readFile(new URL('../../build/kernel.wasm', import.meta.url));
const k = await loadKernel(await WebAssembly.compile(wasm));

let t = performance.now();
const ent = entities(n);
const feat = features(m);
const genMs = performance.now() - t;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const runs: { total: number; join: number; gather: number }[] = [];

/** Output column: the chosen row's value, NaN (null) where there is none; reads src front to back. */
function gather(order: GatherOrder, src: Float32Array, dst: Float32Array): Float32Array {
  dst.fill(NaN);
  const { entityRows, featureRows } = order;
  for (let r = 0; r < entityRows.length; r++) dst[entityRows[r]] = src[featureRows[r]];
  return dst;
}

// The int64 keys go in as raw keys: the kernel hashes them (bijectively) as it reads them.
const entityRows = { keys: new BigUint64Array(ent.key.buffer), ts: ent.ts };
const featureRows = { keys: new BigUint64Array(feat.key.buffer), eventTs: feat.eventTs, createdTs: feat.createdTs };
// Output buffers are reused across runs, as DuckDB's buffer manager reuses its memory:
// run 1 pays the first-touch page faults, runs 2 and 3 do not.
const idx = new Int32Array(n);
const out = feat.values.map(() => new Float32Array(n));
for (let run = 0; run < 3; run++) {
  gc();
  const t0 = performance.now();
  unwrapKernel(pitJoin(k, entityRows, featureRows, { ttl: BigInt(TTL_US), rawKeys: true, partitions, into: idx }));
  const t1 = performance.now();
  const order = unwrapKernel(orderByFeatureRow(k, idx));
  feat.values.forEach((col, c) => gather(order, col, out[c]));
  const t2 = performance.now();
  runs.push({ total: t2 - t0, join: t1 - t0, gather: t2 - t1 });
}

let checksum = 0;
let matched = 0;
for (let i = 0; i < n; i++) {
  if (idx[i] < 0) continue;
  matched++;
  for (let c = 0; c < FEATURES; c++) checksum += out[c][i];
}
await writeFile(outPath, new Uint8Array(idx.buffer, idx.byteOffset, idx.byteLength));
console.log(
  JSON.stringify({
    engine: 'larder kernel',
    size,
    genMs,
    runs,
    medianMs: median(runs.map((r) => r.total)),
    peakRssBytes: await peakRss(),
    wasmMemoryBytes: k.memoryBytes,
    matched,
    checksum,
  }),
);
