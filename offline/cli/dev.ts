import { applyLocalMigrations, DEFAULT_DEV_PORT, startDev } from '../dev/dev-server.ts';
import { loadConfig } from '../repo/load-config.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, printError, printIssues, resolveRepo } from './cli-io.ts';
import { interrupted, parsePort } from './serve.ts';

export const DEV_HELP = `larder dev [--port N] [--host 127.0.0.1] [--repo DIR]
  Run the larder Worker with \`wrangler dev --local\` (port ${DEFAULT_DEV_PORT} by default) over the repo's
  local KV/D1 state (.wrangler/state), the state larder apply and larder materialize write when
  larder.yaml says registry: {type: d1} (or kv) and online_store: {type: kv} (or d1). Applies
  larder's D1 migrations first when any is pending; bundles the repo's on-demand transformations. Runs until
  interrupted; stopping it stops workerd too.`;

export const MIGRATE_HELP = `larder migrate [--repo DIR]
  Apply larder's D1 migrations (registry and online tables) to the repo's local D1 state, so
  larder apply can write a D1 registry before larder dev has ever run.`;

export async function devCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { repo: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, false);
  if (values.help) {
    io.out(DEV_HELP);
    return EXIT_OK;
  }
  const port = parsePort(values.port, DEFAULT_DEV_PORT);
  const dir = resolveRepo(io, values.repo);
  const loaded = await loadConfig(dir);
  if ('issues' in loaded) {
    printIssues(io, loaded.issues);
    return EXIT_USER;
  }
  const started = await startDev({ repoDir: dir, config: loaded.config, port, ...(values.host && { host: values.host }), log: (l) => io.out(l) });
  if (!started.ok) return printError(io, started.error);
  const dev = started.value;
  io.out(`larder dev: ${loaded.config.project} on ${dev.url} (wrangler dev --local; state in ${dev.paths.persistTo}). Ctrl-C stops.`);
  const stop = await Promise.race([interrupted().then(() => 'signal' as const), dev.process.exited.then(() => 'exited' as const)]);
  await dev.stop();
  if (stop === 'exited') {
    io.err('error[store_unavailable]: wrangler dev exited');
    return EXIT_USER;
  }
  return EXIT_OK;
}

export async function migrateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { repo: { type: 'string' } }, false);
  if (values.help) {
    io.out(MIGRATE_HELP);
    return EXIT_OK;
  }
  const dir = resolveRepo(io, values.repo);
  const loaded = await loadConfig(dir);
  if ('issues' in loaded) {
    printIssues(io, loaded.issues);
    return EXIT_USER;
  }
  if (loaded.config.registry.type !== 'd1' && loaded.config.onlineStore.type !== 'd1') {
    io.out(`Nothing to migrate: larder.yaml names no D1 store.`);
    return EXIT_OK;
  }
  const m = await applyLocalMigrations(dir, loaded.config);
  if (!m.ok) return printError(io, m.error);
  io.out(`D1 migrations applied to ${m.value.paths.persistTo}.`);
  return EXIT_OK;
}
