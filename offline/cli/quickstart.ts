// `npm start`: the quickstart, on local defaults only. Makes (or reuses) the
// demo repo in .larder-demo/, points it at the Worker's stores (local D1
// registry, local KV online store), applies it, materializes its data up to
// now, starts the Worker with `larder dev` and prints a working curl.
import { createServer } from 'node:net';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DEV_PORT, ensureLocalMigrations, startDev } from '../dev/dev-server.ts';
import { loadConfig } from '../repo/load-config.ts';
import { driverStatsParquet } from '../repo/template/driver-stats-data.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, printError, printIssues } from './cli-io.ts';
import { interrupted, parsePort } from './serve.ts';

export const QUICKSTART_HELP = `larder quickstart [--port N] [--dir DIR]
  The quickstart behind \`npm start\`: create (or reuse) the demo repo in DIR (default: .larder-demo/
  in this checkout, git-ignored), configure it for the Worker (D1 registry, KV online store, all
  local), apply it, materialize its data set (regenerated to end at the current hour) up to now,
  start the Worker with larder dev, and print a curl for /get-online-features. Runs until interrupted.`;

const LARDER_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROJECT = 'driver_stats';

const WORKER_CONFIG = `# larder quickstart: the Worker's stores, all local (.wrangler/state).
project: ${PROJECT}
registry:
  type: d1
online_store:
  type: kv
offline_store:
  path: data/offline
`;

/** The demo's request: entity ids that exist in the generated data set. */
export const DEMO_REQUEST = {
  features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate', 'driver_hourly_stats:avg_daily_trips'],
  entities: { driver_id: [1001, 1002] },
} as const;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The port if it is free on 127.0.0.1, else a free one. */
function freePort(preferred: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(null));
      s.listen(port, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
  return tryListen(preferred).then((p) => p ?? tryListen(0).then((q) => q!));
}

function indent(io: CliIo): CliIo {
  return { cwd: io.cwd, out: (l) => io.out(`  ${l}`), err: (l) => io.err(`  ${l}`) };
}

export async function quickstart(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { port: { type: 'string' }, dir: { type: 'string' } }, false);
  if (values.help) {
    io.out(QUICKSTART_HELP);
    return EXIT_OK;
  }
  const { main } = await import('./main.ts');
  const home = values.dir === undefined ? join(LARDER_ROOT, '.larder-demo') : join(io.cwd, values.dir);
  const repo = join(home, PROJECT);
  const shown = relative(io.cwd, repo) || '.';
  const sub = indent(io);
  const t0 = performance.now();

  await mkdir(home, { recursive: true });
  await writeFile(join(home, '.gitignore'), '# larder quickstart demo (npm start): not part of the project\n*\n');
  if (await exists(join(repo, 'larder.yaml'))) {
    io.out(`Reusing the demo repo ${shown}; its data set is regenerated to end at the current hour.`);
    await writeFile(join(repo, 'data/driver_stats.parquet'), driverStatsParquet());
  } else {
    io.out(`Creating the demo repo ${shown}:`);
    const code = await main(['init', repo, '--project', PROJECT], sub);
    if (code !== EXIT_OK) return code;
  }
  // The Worker reads its registry from D1 and features from KV (local state, no account needed).
  await writeFile(join(repo, 'larder.yaml'), WORKER_CONFIG);
  const loaded = await loadConfig(repo);
  if ('issues' in loaded) {
    printIssues(io, loaded.issues);
    return EXIT_USER;
  }

  io.out('Checking the local D1 state for larder\'s migrations (wrangler d1 migrations apply --local when any is pending)...');
  const migrated = await ensureLocalMigrations(repo, loaded.config);
  if (!migrated.ok) return printError(io, migrated.error);
  if (migrated.value.length > 0) io.out(`  applied ${migrated.value.join(', ')}`);

  io.out(`larder apply --repo ${shown}`);
  let code = await main(['apply', '--repo', repo], sub);
  if (code !== EXIT_OK) return code;
  io.out(`larder materialize-incremental now --repo ${shown}`);
  code = await main(['materialize-incremental', 'now', '--repo', repo], sub);
  if (code !== EXIT_OK) return code;
  // Statistics for the catalog's charts (stored beside the registry, served by the Worker).
  io.out(`larder stats driver_hourly_stats --repo ${shown} --out ${join(shown, 'data', 'driver_hourly_stats.stats.json')}`);
  code = await main(['stats', 'driver_hourly_stats', '--repo', repo, '--out', join(repo, 'data', 'driver_hourly_stats.stats.json')], sub);
  if (code !== EXIT_OK) return code;

  const port = await freePort(parsePort(values.port, DEFAULT_DEV_PORT));
  const logFile = join(home, 'wrangler-dev.log');
  io.out(`Starting the Worker: larder dev --repo ${shown} --port ${port} (wrangler's log: ${relative(io.cwd, logFile)})`);
  const started = await startDev({ repoDir: repo, config: loaded.config, port, skipMigrations: true, wranglerOutput: { file: logFile } });
  if (!started.ok) return printError(io, started.error);
  const dev = started.value;
  try {
    const body = JSON.stringify(DEMO_REQUEST);
    const res = await fetch(`${dev.url}/get-online-features`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = await res.text();
    io.out('');
    io.out(`Ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${dev.url} serves project ${PROJECT}. Try:`);
    io.out('');
    io.out(`  curl -s ${dev.url}/get-online-features -H 'content-type: application/json' \\`);
    io.out(`    -d '${body}'`);
    io.out('');
    io.out(`Answer (HTTP ${res.status}):`);
    io.out(`  ${answer}`);
    io.out('');
    io.out(`Browse the feature catalog: ${dev.url}/ui`);
    io.out(`Also: curl -s ${dev.url}/registry ; curl -s ${dev.url}/openapi.json`);
    io.out(`The demo repo is ${shown}: edit features.ts, then larder apply / materialize-incremental now --repo ${shown}.`);
    io.out('Serving until Ctrl-C.');
    const stop = await Promise.race([interrupted().then(() => 'signal' as const), dev.process.exited.then(() => 'exited' as const)]);
    if (stop === 'exited') {
      io.err(`error[store_unavailable]: wrangler dev exited; see ${relative(io.cwd, logFile)}`);
      return EXIT_USER;
    }
    return EXIT_OK;
  } finally {
    await dev.stop();
  }
}
