// Online serving under load against real `wrangler dev --local` on loopback:
// 1x10, 10x50, 100x50 (5 views) and a precomputed 100x50 service, each
// beside a baseline route (one KV get) measured in the same run.
//   npm run bench:online [-- --seconds 10 --connections 8]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { features, VIEWS, viewFrame } from './fixture.ts';
import { load } from './load.ts';

const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '8' }, store: { type: 'string', default: 'kv' } } });
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'larder-bench-online-'));
const port = await new Promise<number>((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => ok(p));
  });
});
// Bundle once, then serve the bundle with --no-bundle: wrangler dev would
// otherwise rebuild and restart the Worker whenever a source file changes.
const bindings = (main: string, extra = '') => `name = "larder-bench"
main = "${main}"
compatibility_date = "2026-11-01"
compatibility_flags = ["nodejs_compat"]
${extra}
[vars]
LARDER_PROJECT = "bench"
LARDER_ONLINE_STORE = "${args.store}"
[[kv_namespaces]]
binding = "ONLINE_KV"
id = "00000000000000000000000000000000"
[[d1_databases]]
binding = "DB"
database_name = "larder"
database_id = "00000000-0000-0000-0000-000000000000"
migrations_dir = "${join(root, 'src/stores/d1/migrations')}"
`;
const sourceConfig = join(dir, 'source.toml');
writeFileSync(sourceConfig, bindings(join(root, 'bench/online/worker.ts')));
const config = join(dir, 'wrangler.toml');
writeFileSync(config, bindings(join(dir, 'dist/worker.js'), 'rules = [{ type = "CompiledWasm", globs = ["**/*.wasm"] }]'));
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: 'true' };
const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js');
const built = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', join(dir, 'dist'), '--config', sourceConfig], { env, encoding: 'utf8' });
if (built.status !== 0) throw new Error(`bundle failed: ${built.stderr}`);
const mig = spawnSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--config', config, '--persist-to', join(dir, 'state')], { env, encoding: 'utf8' });
if (mig.status !== 0) throw new Error(`migrations failed: ${mig.stderr}`);
const dev = spawn(process.execPath, [wrangler, 'dev', '--local', '--no-bundle', '--config', config, '--persist-to', join(dir, 'state'), '--port', String(port), '--ip', '127.0.0.1'], {
  env,
  detached: true,
  stdio: 'ignore',
});
const stop = () => {
  try {
    process.kill(-dev.pid!, 'SIGTERM');
  } catch {}
};
process.on('exit', stop);
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/health`)).ok) break;
  } catch {}
  if (i > 300) throw new Error('wrangler dev did not start');
  await new Promise((r) => setTimeout(r, 100));
}

const post = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
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
  const baseline = await load(`${base}/__baseline`, {}, CONNECTIONS, SECONDS);
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
