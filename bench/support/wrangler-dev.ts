// Start `wrangler dev --local` on loopback for a bench Worker (bench/online,
// bench/load): bundle once (wrangler dev would otherwise rebuild and restart
// the Worker whenever a source file changes), apply the D1 migrations into a
// temp state dir, run wrangler in its own process group and stop the group.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface DevServer {
  readonly base: string;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => ok(p));
    });
  });
}

export async function startWranglerDev(workerEntry: string, vars: Record<string, string>): Promise<DevServer> {
  const dir = mkdtempSync(join(tmpdir(), 'larder-bench-'));
  const port = await freePort();
  const config = (main: string, extra = '') => `name = "larder-bench"
main = "${main}"
compatibility_date = "2026-11-01"
compatibility_flags = ["nodejs_compat"]
${extra}
[vars]
${Object.entries(vars).map(([k, v]) => `${k} = "${v}"`).join('\n')}
[[kv_namespaces]]
binding = "ONLINE_KV"
id = "00000000000000000000000000000000"
[[d1_databases]]
binding = "DB"
database_name = "larder"
database_id = "00000000-0000-0000-0000-000000000000"
migrations_dir = "${join(root, 'src/stores/d1/migrations')}"
`;
  writeFileSync(join(dir, 'source.toml'), config(resolve(workerEntry)));
  writeFileSync(join(dir, 'wrangler.toml'), config(join(dir, 'dist', basename(workerEntry).replace(/\.ts$/, '.js')), 'rules = [{ type = "CompiledWasm", globs = ["**/*.wasm"] }]'));
  const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CI: 'true' };
  const wrangler = join(root, 'node_modules/wrangler/bin/wrangler.js');
  const built = spawnSync(process.execPath, [wrangler, 'deploy', '--dry-run', '--outdir', join(dir, 'dist'), '--config', join(dir, 'source.toml')], { env, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`bundle failed: ${built.stderr}`);
  const state = join(dir, 'state');
  const mig = spawnSync(process.execPath, [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--config', join(dir, 'wrangler.toml'), '--persist-to', state], { env, encoding: 'utf8' });
  if (mig.status !== 0) throw new Error(`migrations failed: ${mig.stderr}`);
  // BENCH_DEBUG=1 shows wrangler's own output (a Worker that fails to start says why there).
  const dev = spawn(process.execPath, [wrangler, 'dev', '--local', '--no-bundle', '--config', join(dir, 'wrangler.toml'), '--persist-to', state, '--port', String(port), '--ip', '127.0.0.1'], {
    env,
    detached: true,
    stdio: process.env.BENCH_DEBUG ? 'inherit' : 'ignore',
  });
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-dev.pid!, 'SIGTERM');
    } catch {}
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {}
  };
  process.on('exit', stop);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) break;
    } catch {}
    if (i > 600) {
      stop();
      throw new Error('wrangler dev did not start within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop };
}
