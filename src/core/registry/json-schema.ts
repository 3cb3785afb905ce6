import { z } from 'zod';
import { REGISTRY_FORMAT_VERSION, RegistryDocument } from '../schema/registry-document.ts';

/** The JSON Schema (draft 2020-12) of the serialized registry, generated from the zod schemas. */
export function registryJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RegistryDocument, { io: 'input' }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: `https://larder.dev/schemas/registry-v${REGISTRY_FORMAT_VERSION}.json`,
    title: `larder registry (format version ${REGISTRY_FORMAT_VERSION})`,
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}
