// Online serving under load against real `wrangler dev --local` on loopback:
// 1x10, 10x50, 100x50 (5 views) and a precomputed 100x50 service, each
// beside a baseline route (one KV get) measured in the same run. Every route
// is warmed up first; then each case alternates with the baseline for
// --rounds rounds of --seconds each, and the p99s are taken over the pooled
// rounds, so a drift of this noisy machine hits both sides alike. Requests
// ask for no compression, as wrk and autocannon do.
//   npm run bench:online [-- --store kv|d1 --seconds 4 --rounds 3 --connections 8 --case '100 x 50']
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchObjects, features, VIEWS, viewFrame } from './fixture.ts';
import { load, quantile, type LoadResult } from './load.ts';
import { startWranglerDev } from '../support/wrangler-dev.ts';

const { values: args } = parseArgs({
  options: { seconds: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '8' }, store: { type: 'string', default: 'kv' }, case: { type: 'string' } },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const root = resolve(import.meta.dirname, '../..');
const { base, stop } = await startWranglerDev(join(root, 'bench/online/worker.ts'), { LARDER_PROJECT: 'bench', LARDER_ONLINE_STORE: args.store! });

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'identity' }, body: JSON.stringify(body) });
if (!(await fetch(`${base}/__seed`, { method: 'POST' })).ok) throw new Error('seed failed');
const applied = await fetch(`${base}/apply`, post({ objects: benchObjects() }));
if (!applied.ok) throw new Error(`apply failed: ${await applied.text()}`);
const ts = new Date().toISOString();
for (let v = 0; v < VIEWS; v++) {
  const r = await fetch(`${base}/write-to-online-store`, post(viewFrame(v, 500, ts)));
  if (!r.ok) throw new Error(`write failed: ${await r.text()}`);
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const allCases: [string, RequestInit][] = [
  ['1 x 10', post({ features: features(1, 10), entities: { driver_id: ids(1) } })],
  ['10 x 50', post({ features: features(5, 10), entities: { driver_id: ids(10) } })],
  ['100 x 50', post({ features: features(5, 10), entities: { driver_id: ids(100) } })],
  ['100 x 50 precomputed', post({ feature_service: 'all_precomputed', entities: { driver_id: ids(100) } })],
];
const cases = allCases.filter(([label]) => args.case === undefined || label === args.case);
// Check every case answers correctly once before loading it.
for (const [label, init] of cases) {
  const r = (await (await fetch(`${base}/get-online-features`, init)).json()) as { results: { statuses: string[] }[] };
  if (!r.results.slice(1).every((c) => c.statuses.every((s) => s === 'PRESENT'))) throw new Error(`${label}: not every value is PRESENT`);
}

const baselineInit: RequestInit = { headers: { 'accept-encoding': 'identity' } };
// Warm up every route (JIT, registry cache, store pages) before measuring anything.
await load(`${base}/__baseline`, baselineInit, CONNECTIONS, 2);
for (const [, init] of cases) await load(`${base}/get-online-features`, init, CONNECTIONS, 2);

const pooled = (runs: LoadResult[]) => {
  const lat = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const took = runs.length * SECONDS;
  return { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), rps: lat.length / took, errors: runs.reduce((n, r) => n + r.errors, 0) };
};
const rows = [];
for (const [label, init] of cases) {
  const baseRuns: LoadResult[] = [];
  const caseRuns: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    baseRuns.push(await load(`${base}/__baseline`, baselineInit, CONNECTIONS, SECONDS));
    caseRuns.push(await load(`${base}/get-online-features`, init, CONNECTIONS, SECONDS));
  }
  const [b, r] = [pooled(baseRuns), pooled(caseRuns)];
  rows.push({
    case: label,
    'p50 ms': r.p50.toFixed(2),
    'p99 ms': r.p99.toFixed(2),
    'req/s': r.rps.toFixed(0),
    errors: r.errors,
    'baseline p50': b.p50.toFixed(2),
    'baseline p99': b.p99.toFixed(2),
    'p99 ratio': (r.p99 / b.p99).toFixed(2),
    'per-round p99 ratios': caseRuns.map((c, i) => (c.p99 / baseRuns[i].p99).toFixed(2)).join(' '),
  });
}
console.log(`wrangler dev --local, online store ${args.store}, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s per side, loopback`);
console.table(rows);
stop();
process.exit(0);
