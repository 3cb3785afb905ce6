import type { Result } from '../../core/errors.ts';

/**
 * What a project keeps beside its registry that is not a definition: per-view statistics,
 * materialization watermarks (freshness), API keys. Records are small JSON documents addressed
 * by (project, kind, name); writing one never touches the registry's version, so computing
 * statistics or materializing does not race with `larder apply`.
 *
 * Every adapter (memory, D1, KV, file) passes test/contract/metadata-store.contract.ts.
 */
export const METADATA_KINDS = ['statistics', 'watermark', 'api_key'] as const;
export type MetadataKind = (typeof METADATA_KINDS)[number];

export interface MetadataRecord {
  readonly name: string;
  /** The stored JSON value, parsed. */
  readonly body: unknown;
  /** RFC 3339 time of the last put. */
  readonly updatedAt: string;
}

export interface MetadataStore {
  /** The record, or null when there is none. */
  get(project: string, kind: MetadataKind, name: string): Promise<Result<MetadataRecord | null>>;
  /** Create or replace a record. `body` must be JSON-serializable. */
  put(project: string, kind: MetadataKind, name: string, body: unknown): Promise<Result<void>>;
  /** Every record of a kind, sorted by name. */
  list(project: string, kind: MetadataKind): Promise<Result<MetadataRecord[]>>;
  /** Remove a record; true when one was there. */
  delete(project: string, kind: MetadataKind, name: string): Promise<Result<boolean>>;
}

/** Names are 1..256 characters with no control characters. */
export function checkMetadataName(name: string): string | null {
  if (name.length === 0 || name.length > 256) return 'a metadata record name has 1 to 256 characters';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a metadata record name has no control characters';
  return null;
}

export const byName = (a: MetadataRecord, b: MetadataRecord): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
