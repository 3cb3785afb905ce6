import { indexRegistry } from '../../src/core/registry/registry-index.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, printError, UsageError } from './cli-io.ts';
import { readAppliedRegistry } from './repo-context.ts';
import { storedStatisticsSummary } from '../stats/stored-summary.ts';

export const DESCRIBE_HELP = `larder describe NAME [--repo DIR] [--kind KIND]
  Print the applied object(s) named NAME as JSON, each with its kind (entity, source,
  feature_view, on_demand_feature_view, feature_service). --kind picks one kind. A feature
  view also shows its stored statistics (larder stats VIEW): computedAt, and per feature count,
  null rate, mean, min and max; null when none were computed.`;

export async function describe(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { repo: { type: 'string' }, kind: { type: 'string' } }, true);
  if (values.help) {
    io.out(DESCRIBE_HELP);
    return EXIT_OK;
  }
  const name = positionals[0];
  if (name === undefined || positionals.length > 1) throw new UsageError('describe takes one object name');
  const read = await readAppliedRegistry(io, values.repo);
  if (typeof read === 'number') return read;
  const found = indexRegistry(read.registry)
    .find(name)
    .filter((o) => values.kind === undefined || o.kind === values.kind);
  if (found.length === 0) {
    printError(io, { code: 'not_found', message: `no ${values.kind ?? 'object'} named ${name} in the registry of ${read.config.project}` });
    return EXIT_USER;
  }
  const out: Record<string, unknown>[] = [];
  for (const o of found) out.push({ kind: o.kind, ...o.object, ...(o.kind === 'feature_view' && (await storedStatisticsSummary(io, values.repo, read.config, name))) });
  io.out(JSON.stringify(out.length === 1 ? out[0] : out, null, 2));
  return EXIT_OK;
}
