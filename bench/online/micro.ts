// In-isolate work per request (entity keys, store read from memory, decode,
// ttl, response assembly, JSON): goal under 0.5 ms for 100 entities x 50
// features. Baseline measured in the same run: JSON.stringify of an
// equivalent response object alone.
//   npx node bench/online/micro.ts
import { readFile } from 'node:fs/promises';
import { loadKernel } from '../../src/kernel/instance.ts';
import { toFeastResponse } from '../../src/serving/feast-response.ts';
import { getOnlineFeatures } from '../../src/serving/online-features.ts';
import { writeViewFrame } from '../../src/serving/write-rows.ts';
import { MemoryOnlineStore } from '../../src/stores/memory/memory-online-store.ts';
import { benchRegistry, features, VIEWS, viewFrame } from './fixture.ts';

const kernel = await loadKernel(await WebAssembly.compile(await readFile(new URL('../../build/kernel.wasm', import.meta.url))));
const ctx = { project: 'bench', kernel, registry: benchRegistry('bench'), online: new MemoryOnlineStore(), transforms: new Map(), now: () => Date.now() * 1000 };
for (let v = 0; v < VIEWS; v++) {
  const r = await writeViewFrame(ctx, viewFrame(v, 1000, new Date().toISOString()).feature_view_name, viewFrame(v, 1000, new Date().toISOString()).df);
  if (!r.ok) throw new Error(r.error.message);
}

async function time(label: string, fn: () => Promise<unknown>, iters: number) {
  for (let i = 0; i < Math.min(200, iters); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  return { label, p50: q(0.5), p99: q(0.99) };
}

const cases: [string, number, string[] | { service: string }][] = [
  ['1 x 10', 1, features(1, 10)],
  ['10 x 50', 10, features(5, 10)],
  ['100 x 50', 100, features(5, 10)],
  ['100 x 50 precomputed', 100, { service: 'all_precomputed' }],
];
const rows = [];
for (const [label, n, sel] of cases) {
  const entities = { driver_id: Array.from({ length: n }, (_, i) => i + 1) };
  const selection = Array.isArray(sel) ? { features: sel } : { featureService: sel.service };
  let sample: unknown;
  const full = await time(label, async () => {
    const r = await getOnlineFeatures(ctx, { selection, entities });
    if (!r.ok) throw new Error(r.error.message);
    sample = toFeastResponse(r.value);
    return JSON.stringify(sample);
  }, 2000);
  const frozen = structuredClone(sample);
  const base = await time(`${label} JSON.stringify only`, async () => JSON.stringify(frozen), 2000);
  rows.push({ case: label, 'p50 ms': full.p50.toFixed(3), 'p99 ms': full.p99.toFixed(3), 'stringify p50 ms': base.p50.toFixed(3), ratio: (full.p50 / base.p50).toFixed(1) });
}
console.table(rows);
