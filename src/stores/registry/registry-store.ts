import type { Result } from '../../core/errors.ts';
import type { RegistryDocument } from '../../core/schema/registry-document.ts';

/**
 * Where a project's registry lives. Writes are compare-and-swap on the registry version: a
 * write based on a stale version fails with `conflict`, so concurrent applies never silently
 * overwrite each other.
 */
export interface RegistryStore {
  /** The stored registry of a project, or null when none was applied yet. */
  read(project: string): Promise<Result<RegistryDocument | null>>;
  /**
   * Store `doc` (whose version must be `expectedVersion + 1`) if the stored version is still
   * `expectedVersion` (0: nothing stored); otherwise `conflict`.
   */
  write(doc: RegistryDocument, expectedVersion: number): Promise<Result<void>>;
}

export function conflictMessage(project: string, expected: number, actual: number): string {
  return `registry of ${project} is at version ${actual}, but this apply was based on version ${expected}: run plan again and re-apply`;
}
