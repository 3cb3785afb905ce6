// In-isolate work per request — entity keys, decode, ttl, the result columns
// — with the store's answer replayed from memory so store I/O is not counted:
// goal under 0.5 ms for 100 entities x 50 features. Beside it: building the
// response text the Worker sends (feastResponseJson), and JSON.stringify of the
// Feast response object for comparison.
//   npm run bench:online:micro
import { readFile } from 'node:fs/promises';
import { loadKernel } from '../../src/kernel/instance.ts';
import { feastResponseJson, toFeastResponse } from '../../src/serving/feast-response.ts';
import { getOnlineFeatures, type OnlineFeaturesResult } from '../../src/serving/online-features.ts';
import { writeViewFrame } from '../../src/serving/write-rows.ts';
import { MemoryOnlineStore } from '../../src/stores/memory/memory-online-store.ts';
import type { OnlineStore } from '../../src/core/online-store.ts';
import { benchRegistry, features, VIEWS, viewFrame } from './fixture.ts';

const kernel = await loadKernel(await WebAssembly.compile(await readFile(new URL('../../build/kernel.wasm', import.meta.url))));
const memory = new MemoryOnlineStore();
/** Answers each (table, keys) read from a cache after the first: store I/O out of the measurement. */
const replay = new Map<string, unknown>();
const online: OnlineStore = {
  read: async (project, table, keys) => {
    const id = `${table}/${keys.length}/${keys[0]?.keyHash}`;
    let r = replay.get(id) as Awaited<ReturnType<OnlineStore['read']>> | undefined;
    if (!r) replay.set(id, (r = await memory.read(project, table, keys)));
    return r;
  },
  write: (p, t, rows) => memory.write(p, t, rows),
  dropTable: (p, t) => memory.dropTable(p, t),
};
const ctx = { project: 'bench', kernel, registry: benchRegistry('bench'), online, transforms: new Map(), now: () => Date.now() * 1000 };
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
  let sample: OnlineFeaturesResult | undefined;
  const work = await time(label, async () => {
    const r = await getOnlineFeatures(ctx, { selection, entities });
    if (!r.ok) throw new Error(r.error.message);
    sample = r.value;
  }, 3000);
  // The response text the Worker sends (feastResponseJson), and what JSON.stringify of the object form costs.
  const text = await time(`${label} response text`, async () => feastResponseJson(sample!), 3000);
  const json = await time(`${label} JSON.stringify`, async () => JSON.stringify(toFeastResponse(sample!)), 3000);
  rows.push({
    case: label,
    'work p50 ms': work.p50.toFixed(3),
    'work p99 ms': work.p99.toFixed(3),
    'response text p50 ms': text.p50.toFixed(3),
    'JSON.stringify(object) p50 ms': json.p50.toFixed(3),
  });
}
console.table(rows);
