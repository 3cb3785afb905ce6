import { serializeRegistry } from '../../src/core/registry/serialize.ts';
import { type CliIo, EXIT_OK, parseCommandArgs } from './cli-io.ts';
import { readAppliedRegistry } from './repo-context.ts';

export const REGISTRY_DUMP_HELP = `larder registry-dump [--repo DIR]
  Print the applied registry as canonical JSON.`;

export async function registryDump(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { repo: { type: 'string' } }, false);
  if (values.help) {
    io.out(REGISTRY_DUMP_HELP);
    return EXIT_OK;
  }
  const read = await readAppliedRegistry(io, values.repo);
  if (typeof read === 'number') return read;
  io.out(serializeRegistry(read.registry).trimEnd());
  return EXIT_OK;
}
