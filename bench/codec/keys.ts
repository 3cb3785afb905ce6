// Entity-key kernel throughput (Node only): Feast v3 key bytes and xxHash64
// for N rows, serialized or hash-only.
//
//   node bench/codec/keys.ts [rows]     (after npm run build:wasm; default 1,000,000)
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadKernel } from '../../src/kernel/index.ts';
import { hashEntityKeys, keyColumn, serializeEntityKeys, type KeyColumn } from '../../src/kernel/keys.ts';
import { unwrap } from '../../src/core/errors.ts';
import { rng } from '../../test/support/rng.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const wasm = await readFile(fileURLToPath(new URL('../../build/kernel.wasm', import.meta.url)));
const k = await loadKernel(await WebAssembly.compile(wasm));
const r = rng(3);

const driver: KeyColumn = { name: 'driver_id', type: 'int64', values: BigInt64Array.from({ length: N }, () => BigInt(r.int(1, 10_000_000))) };
const customer = unwrap(keyColumn('customer_id', 'string', Array.from({ length: N }, () => `cust-${r.int(1, 99_999_999)}`)));

function best(fn: () => unknown, reps = 7): number {
  fn();
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return (min * 1e6) / N;
}

const cases: [string, KeyColumn[]][] = [
  ['{driver_id: int64}', [driver]],
  ['{customer_id: string, driver_id: int64}', [driver, customer]],
];
console.log(`entity keys, ${N} rows; fastest of 7 runs (ns/row, including copying columns into the kernel and results out)`);
for (const [label, cols] of cases) {
  const hashOnly = best(() => unwrap(hashEntityKeys(k, cols)));
  const bytesOnly = best(() => unwrap(serializeEntityKeys(k, cols)));
  const both = best(() => unwrap(serializeEntityKeys(k, cols, { hashes: true })));
  const size = unwrap(serializeEntityKeys(k, cols)).data.length / N;
  console.log(`${label.padEnd(42)} hash-only ${hashOnly.toFixed(1)}  bytes ${bytesOnly.toFixed(1)}  bytes+hash ${both.toFixed(1)}  (${size.toFixed(1)} B/key)`);
}
