// What a request costs the local runtime before larder does anything: the
// fixed costs behind the 1 x 10 ratio, measured beside the baseline (one KV
// GET) in one wrangler dev, alternating rounds as in run.ts. Routes (bench/online/worker.ts):
//   noop      GET, no I/O                   post kv   the Feast request body read, then the baseline's KV get
//   d1        GET, the one D1 statement      post d1   the request body read, then that D1 statement:
//             a 1 x 10 read sends                     a D1 1 x 10 request with no larder work at all
// and the real 1 x 10 on the D1 store. At 8 connections the machine is saturated, so
// 1 / req/s is the whole machine's time per request (two cores): the cost column.
//   npm run bench:online:floor [-- --seconds 4 --rounds 3 --connections 8]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchObjects, features, VIEWS, viewFrame } from './fixture.ts';
import { load, quantile, type LoadResult } from './load.ts';
import { startWranglerDev } from '../support/wrangler-dev.ts';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '8' } } });
const [SECONDS, ROUNDS, CONNECTIONS] = [Number(args.seconds), Number(args.rounds), Number(args.connections)];
const root = resolve(import.meta.dirname, '../..');
const { base, stop } = await startWranglerDev(join(root, 'bench/online/worker.ts'), { LARDER_PROJECT: 'bench', LARDER_ONLINE_STORE: 'd1' });

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', 'accept-encoding': 'identity' }, body: JSON.stringify(body) });
if (!(await fetch(`${base}/__seed`, { method: 'POST' })).ok) throw new Error('seed failed');
const applied = await fetch(`${base}/apply`, post({ objects: benchObjects() }));
if (!applied.ok) throw new Error(`apply failed: ${await applied.text()}`);
const ts = new Date().toISOString();
for (let v = 0; v < VIEWS; v++) if (!(await fetch(`${base}/write-to-online-store`, post(viewFrame(v, 500, ts)))).ok) throw new Error('write failed');

const get: RequestInit = { headers: { 'accept-encoding': 'identity' } };
const request = post({ features: features(1, 10), entities: { driver_id: [1] } });
const routes: [string, string, RequestInit][] = [
  ['baseline (KV get)', '/__baseline', get],
  ['noop', '/__noop', get],
  ['post kv', '/__post_kv', request],
  ['d1', '/__d1', get],
  ['post d1', '/__post_d1', request],
  ['1 x 10 (D1 store)', '/get-online-features', request],
];
// The D1 statement must find the row a 1 x 10 read finds, or the floor would be too low.
const probe = (await (await fetch(`${base}/__d1`)).json()) as { bytes: number };
if (!(probe.bytes > 0)) throw new Error('the floor statement found no row');

for (const [, path, init] of routes) await load(base + path, init, CONNECTIONS, 2);
const runs = new Map<string, LoadResult[]>(routes.map(([l]) => [l, []]));
for (let round = 0; round < ROUNDS; round++) for (const [label, path, init] of routes) runs.get(label)!.push(await load(base + path, init, CONNECTIONS, SECONDS));

const pooled = (rs: LoadResult[]) => {
  const lat = rs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return { p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), rps: lat.length / (rs.length * SECONDS), errors: rs.reduce((n, r) => n + r.errors, 0) };
};
const b = pooled(runs.get('baseline (KV get)')!);
const rows = routes.map(([label]) => {
  const r = pooled(runs.get(label)!);
  return { route: label, 'p50 ms': r.p50.toFixed(2), 'p99 ms': r.p99.toFixed(2), 'req/s': r.rps.toFixed(0), errors: r.errors, 'cost ms/req': (1000 / r.rps).toFixed(2), 'cost ratio': (b.rps / r.rps).toFixed(2), 'p50 ratio': (r.p50 / b.p50).toFixed(2), 'p99 ratio': (r.p99 / b.p99).toFixed(2) };
});
console.log(`wrangler dev --local, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${SECONDS} s per route, loopback; cost = 1 / req/s (machine saturated)`);
console.table(rows);
stop();
process.exit(0);
