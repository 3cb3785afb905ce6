import { registryJsonSchema } from '../../src/core/registry/json-schema.ts';
import { type CliIo, EXIT_OK, parseCommandArgs } from './cli-io.ts';

export const REGISTRY_SCHEMA_HELP = `larder registry-schema
  Print the JSON Schema (draft 2020-12) of the serialized registry.`;

export async function registrySchema(args: readonly string[], io: CliIo): Promise<number> {
  // --repo is accepted like everywhere, though the schema does not depend on the repo.
  const { values } = parseCommandArgs(args, { repo: { type: 'string' } }, false);
  if (values.help) {
    io.out(REGISTRY_SCHEMA_HELP);
    return EXIT_OK;
  }
  io.out(JSON.stringify(registryJsonSchema(), null, 2));
  return EXIT_OK;
}
