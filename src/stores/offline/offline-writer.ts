import type { Result } from '../../core/errors.ts';

/**
 * The historical (offline) store's append contract: pushed rows are written
 * as immutable objects under keys relative to the feature repo (the same
 * relative paths the batch sources use), so a key names the same file in a
 * local folder and in an R2 bucket. `put` replaces an object of the same key
 * whole, never partly: writers choose deterministic keys, so a retried or
 * redelivered batch overwrites its first copy instead of duplicating rows.
 */
export interface OfflineWriter {
  /** Store `bytes` under `key` (a repo-relative path with `/` separators), replacing any object of that key. */
  put(key: string, bytes: Uint8Array): Promise<Result<void>>;
  /** Keys under `prefix`, sorted. */
  list(prefix: string): Promise<Result<string[]>>;
  /** An object's bytes, or null when absent. */
  get(key: string): Promise<Result<Uint8Array | null>>;
  /** For messages, e.g. `folder /repo` or `r2 OFFLINE`. */
  readonly where: string;
}

/** A key is safe when it is relative, uses `/`, and has no empty, `.` or `..` segments. */
export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > 1024 || key.startsWith('/') || key.includes('\\')) return false;
  return key.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}
