import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { driverStatsParquet } from '../repo/template/driver-stats-data.ts';
import { driverStatsFiles, projectNameFor } from '../repo/template/driver-stats-files.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, UsageError } from './cli-io.ts';

export const INIT_HELP = `larder init [DIR | --repo DIR] [--project NAME] [--force]
  Make a runnable feature repo in DIR (default: the current directory, which must be empty):
  larder.yaml, TypeScript definitions for a driver-statistics example, a generated Parquet
  data set (data/driver_stats.parquet) and a wrangler.toml.`;

export async function init(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { repo: { type: 'string' }, project: { type: 'string' }, force: { type: 'boolean' } },
    true,
  );
  if (values.help) {
    io.out(INIT_HELP);
    return EXIT_OK;
  }
  if (positionals.length + (values.repo === undefined ? 0 : 1) > 1) throw new UsageError('init takes at most one directory');
  const dir = resolve(io.cwd, positionals[0] ?? values.repo ?? '.');
  const project = values.project ?? projectNameFor(basename(dir));
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(project)) throw new UsageError(`--project ${project}: must start with a letter and hold only letters, digits and underscores`);

  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length > 0 && !values.force) {
    io.err(`error[invalid_argument]: ${dir} is not empty (use --force to write into it anyway)`);
    return EXIT_USER;
  }
  const files: Record<string, string | Uint8Array> = {
    ...driverStatsFiles(project),
    'data/driver_stats.parquet': driverStatsParquet(),
  };
  for (const [path, content] of Object.entries(files)) {
    const abs = join(dir, path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  const shown = relative(io.cwd, dir) || '.';
  io.out(`Created feature repo ${project} in ${shown}:`);
  for (const path of Object.keys(files).sort()) io.out(`  ${path}`);
  io.out(`Next: npx larder apply --repo ${shown}`);
  return EXIT_OK;
}
