// A bounded soak against real `wrangler dev --local` on loopback: mixed
// reads (get-online-features) and pushes (to=online) from N concurrent
// connections for D seconds. Every connection owns its own drivers and
// numbers its writes, so afterwards every acknowledged push can be checked:
// the stored value must be that write's or a newer one (zero lost writes).
// Prints p50/p99 latency of reads and writes and the error count; exits 1
// on any error or lost write.
//   npm run bench:load [-- --seconds 60 --connections 32 --store kv|d1 --read-share 0.5]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PUSH_SOURCE, soakObjects, VIEW } from './fixture.ts';
import { startWranglerDev } from '../support/wrangler-dev.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '32' },
    store: { type: 'string', default: 'kv' },
    'read-share': { type: 'string', default: '0.5' },
    'drivers-per-connection': { type: 'string', default: '16' },
    'rows-per-push': { type: 'string', default: '4' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const READ_SHARE = Number(args['read-share']);
const DRIVERS = Number(args['drivers-per-connection']);
const ROWS = Math.min(Number(args['rows-per-push']), DRIVERS);
if (!(SECONDS > 0 && SECONDS <= 3600 && CONNECTIONS >= 1 && CONNECTIONS <= 256 && READ_SHARE >= 0 && READ_SHARE <= 1 && ROWS >= 1)) {
  console.error('error[usage]: --seconds 1..3600, --connections 1..256, --read-share 0..1, --rows-per-push >= 1');
  process.exit(2);
}
if (args.store !== 'kv' && args.store !== 'd1') {
  console.error('error[usage]: --store kv or d1');
  process.exit(2);
}

// larder's own Worker, as deployed; the soak registry goes in as `larder apply --remote` sends it.
const server = await startWranglerDev(resolve(import.meta.dirname, '../../src/worker/index.ts'), { LARDER_PROJECT: 'soak', LARDER_ONLINE_STORE: args.store, LARDER_REGISTRY_STORE: 'd1' });
const { base } = server;
const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const applied = await post('/apply', { objects: soakObjects() });
if (!applied.ok) throw new Error(`apply failed: ${await applied.text()}`);

const driverId = (conn: number, i: number) => 1_000_000 + conn * 1000 + i;
const T0 = Date.parse('2026-01-01T00:00:00Z');
/** per driver, the highest sequence number an acknowledged push stored */
const acked = new Map<number, number>();
const lat = { read: [] as number[], write: [] as number[] };
const errors: string[] = [];
let lostChecked = 0;

function recordError(what: string) {
  if (errors.length < 20) errors.push(what);
  else errors.push('');
}

async function readOnce(rand: () => number): Promise<void> {
  const ids = Array.from({ length: 10 }, () => driverId(Math.floor(rand() * CONNECTIONS), Math.floor(rand() * DRIVERS)));
  const t = performance.now();
  try {
    const res = await post('/get-online-features', { features: [`${VIEW}:seq`, `${VIEW}:value`], entities: { driver_id: ids } });
    const text = await res.text();
    if (res.status !== 200) return recordError(`read ${res.status} ${text.slice(0, 200)}`);
    const body = JSON.parse(text) as { results: { statuses: string[] }[] };
    if (body.results.length !== 3 || body.results[1].statuses.length !== ids.length) return recordError(`read: malformed answer ${text.slice(0, 200)}`);
    lat.read.push(performance.now() - t);
  } catch (e) {
    recordError(`read failed: ${(e as Error).message}`);
  }
}

async function pushOnce(conn: number, seq: number, rand: () => number): Promise<void> {
  const first = Math.floor(rand() * DRIVERS);
  const ids = Array.from({ length: ROWS }, (_, i) => driverId(conn, (first + i) % DRIVERS));
  const ts = new Date(T0 + seq).toISOString(); // later writes of a connection are newer
  const t = performance.now();
  try {
    const res = await post('/push', {
      push_source_name: PUSH_SOURCE,
      to: 'online',
      df: { driver_id: ids, event_timestamp: ids.map(() => ts), seq: ids.map(() => seq), writer: ids.map(() => conn), value: ids.map((id) => seq + id / 1e7) },
    });
    const text = await res.text();
    if (res.status !== 200) return recordError(`push ${res.status} ${text.slice(0, 200)}`);
    lat.write.push(performance.now() - t);
    for (const id of ids) acked.set(id, Math.max(acked.get(id) ?? -1, seq));
  } catch (e) {
    // not acknowledged: the write may or may not have landed; it is not counted as acked
    recordError(`push failed: ${(e as Error).message}`);
  }
}

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

console.log(`soak: ${CONNECTIONS} connections for ${SECONDS} s, ${Math.round(READ_SHARE * 100)}% reads, pushes of ${ROWS} rows (to=online, ${args.store}), wrangler dev --local at ${base}`);
const end = performance.now() + SECONDS * 1000;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONNECTIONS }, async (_, conn) => {
    const rand = rng(conn + 1);
    let seq = 0;
    while (performance.now() < end) {
      if (rand() < READ_SHARE) await readOnce(rand);
      else await pushOnce(conn, ++seq, rand);
    }
  }),
);
const took = (performance.now() - started) / 1000;

// Lost writes: every driver with an acknowledged push must hold that write's sequence number or a newer one.
const lost: string[] = [];
const ids = [...acked.keys()];
for (let i = 0; i < ids.length; i += 100) {
  const part = ids.slice(i, i + 100);
  const res = await post('/get-online-features', { features: [`${VIEW}:seq`, `${VIEW}:writer`], entities: { driver_id: part } });
  if (res.status !== 200) {
    lost.push(`verification read failed: ${res.status} ${(await res.text()).slice(0, 200)}`);
    continue;
  }
  const body = (await res.json()) as { results: { values: (number | null)[]; statuses: string[] }[] };
  part.forEach((id, j) => {
    lostChecked++;
    const stored = body.results[1].values[j];
    const want = acked.get(id)!;
    if (body.results[1].statuses[j] !== 'PRESENT' || stored === null || stored < want) lost.push(`driver ${id}: acknowledged seq ${want}, stored ${stored} (${body.results[1].statuses[j]})`);
  });
}
server.stop();

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const summary = {
  seconds: SECONDS,
  connections: CONNECTIONS,
  store: args.store,
  reads: lat.read.length,
  writes: lat.write.length,
  rps: Math.round((lat.read.length + lat.write.length) / took),
  read_p50_ms: +q(lat.read, 0.5).toFixed(2),
  read_p99_ms: +q(lat.read, 0.99).toFixed(2),
  write_p50_ms: +q(lat.write, 0.5).toFixed(2),
  write_p99_ms: +q(lat.write, 0.99).toFixed(2),
  errors: errors.length,
  drivers_checked: lostChecked,
  lost_writes: lost.length,
};
console.table([
  { op: 'get-online-features (10 entities x 2 features)', requests: summary.reads, 'p50 ms': summary.read_p50_ms, 'p99 ms': summary.read_p99_ms },
  { op: `push to=online (${ROWS} rows)`, requests: summary.writes, 'p50 ms': summary.write_p50_ms, 'p99 ms': summary.write_p99_ms },
]);
console.log(`${summary.rps} req/s; errors: ${summary.errors}; acknowledged drivers checked: ${lostChecked}; lost writes: ${lost.length}`);
for (const e of errors.filter(Boolean).slice(0, 10)) console.log(`  error: ${e}`);
for (const l of lost.slice(0, 10)) console.log(`  lost: ${l}`);
console.log(`LOAD_RESULT ${JSON.stringify(summary)}`);
process.exit(summary.errors === 0 && lost.length === 0 && summary.writes > 0 && summary.reads > 0 ? 0 : 1);
