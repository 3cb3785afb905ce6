// Online serving under load against real `wrangler dev --local` on loopback:
// 1x10, 10x50, 100x50 (5 views) and a precomputed 100x50 service, each
// beside a baseline route (one KV get) measured in the same run.
//   npm run bench:online [-- --seconds 10 --connections 8]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { features, VIEWS, viewFrame } from './fixture.ts';
import { load } from './load.ts';
import { startWranglerDev } from '../support/wrangler-dev.ts';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '8' }, store: { type: 'string', default: 'kv' } } });
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const root = resolve(import.meta.dirname, '../..');
const { base, stop } = await startWranglerDev(join(root, 'bench/online/worker.ts'), { LARDER_PROJECT: 'bench', LARDER_ONLINE_STORE: args.store! });

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'identity' }, body: JSON.stringify(body) });
if (!(await fetch(`${base}/__seed`, { method: 'POST' })).ok) throw new Error('seed failed');
const ts = new Date().toISOString();
for (let v = 0; v < VIEWS; v++) {
  const r = await fetch(`${base}/write-to-online-store`, post(viewFrame(v, 500, ts)));
  if (!r.ok) throw new Error(`write failed: ${await r.text()}`);
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const cases: [string, RequestInit][] = [
  ['1 x 10', post({ features: features(1, 10), entities: { driver_id: ids(1) } })],
  ['10 x 50', post({ features: features(5, 10), entities: { driver_id: ids(10) } })],
  ['100 x 50', post({ features: features(5, 10), entities: { driver_id: ids(100) } })],
  ['100 x 50 precomputed', post({ feature_service: 'all_precomputed', entities: { driver_id: ids(100) } })],
];
// Check every case answers correctly once before loading it.
for (const [label, init] of cases) {
  const r = (await (await fetch(`${base}/get-online-features`, init)).json()) as { results: { statuses: string[] }[] };
  if (!r.results.slice(1).every((c) => c.statuses.every((s) => s === 'PRESENT'))) throw new Error(`${label}: not every value is PRESENT`);
}

const rows = [];
for (const [label, init] of cases) {
  const baseline = await load(`${base}/__baseline`, { headers: { 'accept-encoding': 'identity' } }, CONNECTIONS, SECONDS);
  const r = await load(`${base}/get-online-features`, init, CONNECTIONS, SECONDS);
  rows.push({
    case: label,
    'p50 ms': r.p50.toFixed(2),
    'p99 ms': r.p99.toFixed(2),
    'req/s': r.rps.toFixed(0),
    errors: r.errors,
    'baseline p50': baseline.p50.toFixed(2),
    'baseline p99': baseline.p99.toFixed(2),
    'p99 ratio': (r.p99 / baseline.p99).toFixed(2),
  });
}
console.log(`wrangler dev --local, online store ${args.store}, ${CONNECTIONS} connections, ${SECONDS} s per run, loopback`);
console.table(rows);
stop();
process.exit(0);
