import { DEFAULT_PORT, startServer } from '../serve/node-server.ts';
import { type CliIo, EXIT_OK, parseCommandArgs, printError, resolveRepo, UsageError } from './cli-io.ts';

export const SERVE_HELP = `larder serve [--port N] [--host 127.0.0.1] [--repo DIR]
  Serve the Feast-compatible HTTP API (the Worker's app) on Node, from the online store
  larder.yaml names (SQLite by default, or the local KV/D1 state) and the applied registry.
  Port ${DEFAULT_PORT} by default (0: any free port). Runs until interrupted.`;

/** A TCP port from the command line (0 = any free port). */
export function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port ${JSON.stringify(text)} is not a TCP port (0-65535)`);
  return n;
}

/** Resolves when SIGINT or SIGTERM arrives (Ctrl-C). */
export function interrupted(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export async function serveCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { repo: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, false);
  if (values.help) {
    io.out(SERVE_HELP);
    return EXIT_OK;
  }
  const port = parsePort(values.port, DEFAULT_PORT);
  const started = await startServer({ repoDir: resolveRepo(io, values.repo), port, ...(values.host && { host: values.host }), warn: (m) => io.err(`warning: ${m}`) });
  if (!started.ok) return printError(io, started.error);
  const s = started.value;
  io.out(`Serving ${s.project} on ${s.url} (registry: ${s.registryWhere}; online store: ${s.onlineWhere}). Ctrl-C stops.`);
  io.out(`  curl -s ${s.url}/health`);
  await interrupted();
  await s.close();
  return EXIT_OK;
}
