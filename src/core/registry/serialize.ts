import { err, ok, type Result } from '../errors.ts';
import { REGISTRY_FORMAT_VERSION, RegistryDocument } from '../schema/registry-document.ts';
import { byName } from './build-context.ts';

/**
 * Canonical JSON of a registry: keys in schema order, object lists sorted by name, record keys
 * sorted, two-space indent, trailing newline. Equal registries give equal bytes.
 */
export function serializeRegistry(doc: RegistryDocument): string {
  const parsed = RegistryDocument.parse(doc);
  const canonical: RegistryDocument = {
    ...parsed,
    entities: [...parsed.entities].sort(byName),
    sources: [...parsed.sources].sort(byName),
    featureViews: [...parsed.featureViews].sort(byName),
    onDemandFeatureViews: [...parsed.onDemandFeatureViews].sort(byName),
    featureServices: [...parsed.featureServices].sort(byName),
  };
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

/** Parse a stored registry. Refuses other format versions (`unsupported_version`) and malformed documents (`corrupt_data`). */
export function parseRegistry(text: string): Result<RegistryDocument> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err('corrupt_data', `registry is not JSON: ${(e as Error).message}`);
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== REGISTRY_FORMAT_VERSION) {
    return err('unsupported_version', `registry format version ${String(version)} is not supported (expected ${REGISTRY_FORMAT_VERSION})`);
  }
  const r = RegistryDocument.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    return err('corrupt_data', `registry does not match its schema at ${first?.path.join('.') ?? ''}: ${first?.message ?? ''}`, {
      issues: r.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  return ok(r.data);
}
