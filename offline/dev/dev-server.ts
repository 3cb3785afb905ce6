// `larder dev`: the real Worker under `wrangler dev --local`, over the repo's
// local KV/D1 state (<repo>/.wrangler/state), the state `larder apply` and
// `larder materialize` write when larder.yaml names D1/KV stores.
import { closeSync, openSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { ProjectConfig } from '../../src/core/schema/project-config.ts';
import type { RegistryDocument } from '../../src/core/schema/registry-document.ts';
import { openRepoStores } from '../stores/open-online-store.ts';
import { LARDER_MIGRATIONS_DIR, localWorkerPaths, writeLocalWorker, WORKER_D1, type LocalWorkerPaths } from './local-worker.ts';
import { runWrangler, spawnWranglerGroup, type GroupProcess } from './wrangler-process.ts';

export const DEFAULT_DEV_PORT = 8787;

/** Why the Worker cannot serve this config, or null when it can. */
export function workerConfigProblem(config: ProjectConfig): string | null {
  if (config.registry.type === 'file')
    return 'the Worker reads its registry from D1 or KV, not a file: set `registry: {type: d1}` in larder.yaml, then run larder apply';
  if (config.onlineStore.type !== 'kv' && config.onlineStore.type !== 'd1')
    return `the Worker serves from KV or D1, not ${config.onlineStore.type}: set \`online_store: {type: kv}\` in larder.yaml, then run larder materialize (or use larder serve)`;
  return null;
}

/**
 * Apply larder's D1 migrations (registry and online tables) to the repo's
 * local D1 state with `wrangler d1 migrations apply --local`. Idempotent.
 */
export async function applyLocalMigrations(repoDir: string, config: ProjectConfig): Promise<Result<{ paths: LocalWorkerPaths; output: string }>> {
  const written = await writeLocalWorker(repoDir, config);
  if (!written.ok) return written;
  const paths = written.value;
  const r = await runWrangler(['d1', 'migrations', 'apply', WORKER_D1, '--local', '--config', paths.configPath, '--persist-to', paths.persistTo], repoDir);
  if (r.code !== 0) return err('store_unavailable', `wrangler d1 migrations apply failed (exit ${r.code}):\n${r.output.trim().split('\n').slice(-15).join('\n')}`);
  return ok({ paths, output: r.output });
}

/** larder's D1 migration files, in order. */
async function migrationNames(): Promise<string[]> {
  return (await readdir(LARDER_MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
}

interface LocalState {
  /** Migrations wrangler has not recorded as applied (in its d1_migrations table). */
  readonly pending: readonly string[];
  readonly registry: Result<RegistryDocument | null>;
}

/** One look at the local state: pending migrations and the applied registry. */
async function probeLocalState(repoDir: string, config: ProjectConfig): Promise<Result<LocalState>> {
  const stores = await openRepoStores(repoDir, config, { online: false });
  if (!stores.ok) return stores;
  try {
    let applied = new Set<string>();
    try {
      const r = await stores.value.localD1!.prepare('SELECT name FROM d1_migrations').all<{ name: string }>();
      applied = new Set(r.results.map((x) => x.name));
    } catch {
      // no migrations table yet: everything is pending
    }
    const pending = (await migrationNames()).filter((n) => !applied.has(n));
    return ok({ pending, registry: await stores.value.registry.read(config.project) });
  } finally {
    await stores.value.close();
  }
}

/**
 * Apply larder's D1 migrations only when wrangler's d1_migrations table says
 * some are pending (a platform-proxy look, much cheaper than a wrangler run).
 * Resolves to the migrations applied.
 */
export async function ensureLocalMigrations(repoDir: string, config: ProjectConfig): Promise<Result<readonly string[]>> {
  const state = await probeLocalState(repoDir, config);
  if (!state.ok) return state;
  if (state.value.pending.length === 0) return ok([]);
  const m = await applyLocalMigrations(repoDir, config);
  return m.ok ? ok(state.value.pending) : m;
}

export interface DevOptions {
  readonly repoDir: string;
  readonly config: ProjectConfig;
  readonly port?: number;
  readonly host?: string;
  /** Where wrangler's output goes: inherited (the terminal), or appended to this file. */
  readonly wranglerOutput?: 'inherit' | { readonly file: string };
  /** How long to wait for /health (default 90 s). */
  readonly readyTimeoutMs?: number;
  /** Skip the migrations step (already applied by the caller). */
  readonly skipMigrations?: boolean;
  readonly log?: (line: string) => void;
}

export interface RunningDev {
  readonly url: string;
  readonly port: number;
  readonly paths: LocalWorkerPaths;
  readonly process: GroupProcess;
  /** Stop wrangler and workerd (the whole process group). */
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const r = await fetch(`${url}/health`, { signal: AbortSignal.timeout(10_000) });
    await r.body?.cancel();
    return r.ok;
  } catch {
    return false;
  }
}

/** Start the Worker and resolve once /health answers. */
export async function startDev(options: DevOptions): Promise<Result<RunningDev>> {
  const { repoDir, config } = options;
  const log = options.log ?? (() => undefined);
  const problem = workerConfigProblem(config);
  if (problem !== null) return err('invalid_argument', `larder dev: ${problem}`);
  if (config.registry.type === 'kv' && config.registry.keyPrefix !== 'registry:')
    return err('unsupported', `larder dev: the Worker reads a KV registry under the key prefix "registry:", not "${config.registry.keyPrefix}": remove registry.key_prefix from larder.yaml`);
  let state = await probeLocalState(repoDir, config);
  if (!state.ok) return state;
  if (state.value.pending.length > 0 && !options.skipMigrations) {
    log(`Applying D1 migrations to the local state (${state.value.pending.join(', ')})...`);
    const m = await applyLocalMigrations(repoDir, config);
    if (!m.ok) return m;
    if (!state.value.registry.ok) state = await probeLocalState(repoDir, config);
    if (!state.ok) return state;
  }
  const registry = state.value.registry;
  if (!registry.ok) return registry;
  if (registry.value === null) return err('not_found', `nothing applied yet for ${config.project}: run larder apply --repo ${repoDir}`);
  const transforms = registry.value.onDemandFeatureViews.map((o) => o.transformation);
  const written = await writeLocalWorker(repoDir, config, { transforms });
  if (!written.ok) return written;
  const paths = written.value;

  const port = options.port ?? DEFAULT_DEV_PORT;
  const host = options.host ?? '127.0.0.1';
  const args = ['dev', '--local', '--config', paths.configPath, '--persist-to', paths.persistTo, '--port', String(port), '--ip', host, '--show-interactive-dev-session=false'];
  let fd: number | null = null;
  let output: 'inherit' | number = 'inherit';
  if (options.wranglerOutput !== undefined && options.wranglerOutput !== 'inherit') {
    fd = openSync(options.wranglerOutput.file, 'a');
    output = fd;
  }
  const proc = spawnWranglerGroup(args, repoDir, output);
  if (fd !== null) closeSync(fd);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let exitCode: number | null | undefined;
  void proc.exited.then((c) => (exitCode = c));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  while (!(await healthy(url))) {
    if (exitCode !== undefined) return err('store_unavailable', `wrangler dev exited (code ${exitCode}) before ${url}/health answered`);
    if (Date.now() > deadline) {
      await proc.stop();
      return err('store_unavailable', `wrangler dev did not answer ${url}/health within ${Math.round((options.readyTimeoutMs ?? 90_000) / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return ok({ url, port, paths, process: proc, stop: () => proc.stop() });
}

export { localWorkerPaths };
