import type { Result } from './errors.ts';

/**
 * The online store contract: small and batch-first. Stores hold opaque
 * encoded vectors (the kernel codec's bytes) under (project, table, entity
 * key), where a table is a feature view or a precomputed feature service.
 * TTL, projection and decoding live in the serving core, not here.
 *
 * Every adapter keeps one rule: a write never replaces a newer stored value
 * with an older one (compare event ts, then created ts; equal replaces, so a
 * replayed write is idempotent). Timestamps are epoch microseconds.
 */
export interface EntityKeyRef {
  /** Feast v3 serialized entity key (the kernel's keys encoding). */
  readonly entityKey: Uint8Array;
  /** The kernel's 64-bit hash of `entityKey`. */
  readonly keyHash: bigint;
}

export interface EncodedRow extends EntityKeyRef {
  readonly eventTs: number;
  readonly createdTs: number;
  readonly value: Uint8Array;
}

export interface StoredValue {
  readonly eventTs: number;
  readonly createdTs: number;
  readonly value: Uint8Array;
}

export interface WriteSummary {
  /** rows stored (new, or newer than what was there) */
  readonly written: number;
  /** rows skipped because the store already held a newer value */
  readonly skipped: number;
}

/** One table's keys, in a multi-table read. */
export interface TableRead {
  readonly table: string;
  readonly keys: readonly EntityKeyRef[];
}

/** One table's rows, in a multi-table write. */
export interface TableWrite {
  readonly table: string;
  readonly rows: readonly EncodedRow[];
}

export interface OnlineStore {
  /** One answer per key, in order; null where nothing is stored. */
  read(project: string, table: string, keys: readonly EntityKeyRef[]): Promise<Result<(StoredValue | null)[]>>;
  /**
   * Optional: several tables in as few round trips as the store allows (D1: one batch; KV:
   * bulk gets shared across tables). Same answers as `read` per table, in order.
   */
  readMany?(project: string, reads: readonly TableRead[]): Promise<Result<(StoredValue | null)[][]>>;
  write(project: string, table: string, rows: readonly EncodedRow[]): Promise<Result<WriteSummary>>;
  /**
   * Optional: several tables' rows as one unit, with the same newer-wins rule and one summary
   * per table, in order. Atomic where the store can be (D1: one batch, a transaction; SQLite:
   * one transaction; memory: validated, then applied): on failure nothing is written. KV has no
   * transactions: a failure can leave part written, and repeating the same write repairs it
   * (equal timestamps replace, so a replay is idempotent).
   */
  writeMany?(project: string, writes: readonly TableWrite[]): Promise<Result<WriteSummary[]>>;
  /** Remove every row of a table (a view removed by apply). */
  dropTable(project: string, table: string): Promise<Result<void>>;
}

/** Read several tables: through `readMany` when the store has it, else one `read` per table, concurrently. */
export async function readTables(store: OnlineStore, project: string, reads: readonly TableRead[]): Promise<Result<(StoredValue | null)[][]>> {
  if (reads.length > 1 && store.readMany) return store.readMany(project, reads);
  const results = await Promise.all(reads.map((r) => store.read(project, r.table, r.keys)));
  const out: (StoredValue | null)[][] = [];
  for (const r of results) {
    if (!r.ok) return r;
    out.push(r.value);
  }
  return { ok: true, value: out };
}

/**
 * Write several tables: through `writeMany` when the store has it (one atomic unit where the
 * store supports it), else one `write` per table in order, stopping at the first failure.
 */
export async function writeTables(store: OnlineStore, project: string, writes: readonly TableWrite[]): Promise<Result<WriteSummary[]>> {
  if (writes.length === 0) return { ok: true, value: [] };
  if (store.writeMany) return store.writeMany(project, writes);
  const out: WriteSummary[] = [];
  for (const w of writes) {
    const r = await store.write(project, w.table, w.rows);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return { ok: true, value: out };
}

/** True when (eventTs, createdTs) of `incoming` is not older than `stored`. */
export function isNotOlder(incoming: { eventTs: number; createdTs: number }, stored: { eventTs: number; createdTs: number }): boolean {
  return incoming.eventTs > stored.eventTs || (incoming.eventTs === stored.eventTs && incoming.createdTs >= stored.createdTs);
}

/**
 * Collapse a batch to the newest row per entity key (later rows win ties), so
 * adapters write each key once per batch and the newer-wins rule also holds
 * inside one batch.
 */
export function newestPerKey<R extends EncodedRow>(rows: readonly R[]): R[] {
  const byKey = new Map<string, R>();
  for (const r of rows) {
    const id = keyId(r.entityKey);
    const prev = byKey.get(id);
    if (!prev || isNotOlder(r, prev)) byKey.set(id, r);
  }
  return [...byKey.values()];
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

/** A string identity for an entity key (a Map key: one UTF-16 unit per byte). */
export function keyId(bytes: Uint8Array): string {
  return bytes.length <= 4096
    ? String.fromCharCode.apply(null, bytes as unknown as number[])
    : toHex(bytes);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
