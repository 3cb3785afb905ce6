import { err, ok, type Result } from '../../core/errors.ts';
import type { RegistryDocument } from '../../core/schema/registry-document.ts';
import { parseRegistry, serializeRegistry } from '../../core/registry/serialize.ts';
import { conflictMessage, type RegistryStore } from './registry-store.ts';

/** In-memory registry store (tests, single-process use). Keeps the serialized form, like the others. */
export class MemoryRegistryStore implements RegistryStore {
  readonly #bodies = new Map<string, { version: number; body: string }>();

  async read(project: string): Promise<Result<RegistryDocument | null>> {
    const row = this.#bodies.get(project);
    return row === undefined ? ok(null) : parseRegistry(row.body);
  }

  async write(doc: RegistryDocument, expectedVersion: number): Promise<Result<void>> {
    if (doc.version !== expectedVersion + 1) return err('invalid_argument', `version ${doc.version} does not follow ${expectedVersion}`);
    const actual = this.#bodies.get(doc.project)?.version ?? 0;
    if (actual !== expectedVersion) return err('conflict', conflictMessage(doc.project, expectedVersion, actual), { expectedVersion, actualVersion: actual });
    this.#bodies.set(doc.project, { version: doc.version, body: serializeRegistry(doc) });
    return ok(undefined);
  }
}
