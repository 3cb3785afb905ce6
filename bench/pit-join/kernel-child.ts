/**
 * One engine per process: the larder kernel side of bench/pit-join. Generates
 * the data (not timed), then times 3 runs of key hashing + partitioned
 * point-in-time join + gathering the 10 feature columns, and prints one JSON
 * line. Usage: node kernel-child.ts --size 1m --out /tmp/idx.bin
 */
import { readFile, writeFile } from 'node:fs/promises';
import { unwrap as unwrapKernel } from '../../src/core/errors.ts';
import { loadKernel, pitJoin } from '../../src/kernel/index.ts';
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
const runs: { total: number; mix: number; join: number; gather: number }[] = [];

/** Output column c: the chosen row's value, NaN (null) when there is none. */
function gather(idx: Int32Array, src: Float32Array): Float32Array {
  const dst = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    dst[i] = j < 0 ? NaN : src[j];
  }
  return dst;
}

// The int64 keys go in as raw keys: the kernel hashes them (bijectively) as it reads them.
const entityRows = { keys: new BigUint64Array(ent.key.buffer), ts: ent.ts };
const featureRows = { keys: new BigUint64Array(feat.key.buffer), eventTs: feat.eventTs, createdTs: feat.createdTs };
let idx: Int32Array = new Int32Array(0);
let out: Float32Array[] = [];
for (let run = 0; run < 3; run++) {
  gc();
  const t0 = performance.now();
  idx = unwrapKernel(pitJoin(k, entityRows, featureRows, { ttl: BigInt(TTL_US), rawKeys: true, partitions }));
  const t1 = performance.now();
  out = feat.values.map((col) => gather(idx, col));
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
