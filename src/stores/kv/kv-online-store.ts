import { bytesToBase64Url } from '../../core/base64.ts';
import { err, ok, type Result } from '../../core/errors.ts';
import {
  bytesEqual,
  isNotOlder,
  newestPerKey,
  type EncodedRow,
  type EntityKeyRef,
  type OnlineStore,
  type StoredValue,
  type TableRead,
  type TableWrite,
  type WriteSummary,
} from '../../core/online-store.ts';
import { decodeEnvelope, encodeEnvelope } from './kv-envelope.ts';
import type { KvLike } from './kv-like.ts';

/** KV's limits: 512-byte keys, 100 keys per bulk get. */
export const KV_MAX_KEY_BYTES = 512;
export const KV_BULK_GET = 100;

/**
 * Workers KV online store: one key per (project, table, entity key) holding
 * the encoded vector in a small envelope (kv-envelope.ts). Keys whose
 * serialized form would pass KV's 512-byte limit are stored under their
 * 64-bit hash, with the full key inside the value and checked on read, so a
 * hash collision can never serve another entity's features.
 *
 * Operations: a read of n keys costs ceil(n/100) bulk gets; a write of n rows
 * costs ceil(n/100) bulk gets (newer-wins check) plus one put per row written.
 * Callers keep a request under the 1,000-operations-per-invocation limit.
 * KV has no compare-and-swap: two writers racing on one key can interleave
 * between the check and the put (eventual consistency); D1 and SQLite do not
 * have that gap.
 */
export class KvOnlineStore implements OnlineStore {
  readonly #kv: KvLike;

  constructor(kv: KvLike) {
    this.#kv = kv;
  }

  static kvKey(project: string, table: string, k: EntityKeyRef): { key: string; hashed: boolean } {
    const plain = `${project}/${table}/${bytesToBase64Url(k.entityKey)}`;
    if (new TextEncoder().encode(plain).length <= KV_MAX_KEY_BYTES) return { key: plain, hashed: false };
    return { key: `${project}/${table}/#${k.keyHash.toString(16).padStart(16, '0')}`, hashed: true };
  }

  async #getMany(keys: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    const parts: Promise<Map<string, string | null>>[] = [];
    for (let i = 0; i < keys.length; i += KV_BULK_GET) parts.push(this.#kv.get(keys.slice(i, i + KV_BULK_GET), 'text'));
    for (const part of await Promise.all(parts)) for (const [k, v] of part) out.set(k, v);
    return out;
  }

  /** Keys of every table share the bulk gets (100 keys each), sent concurrently. */
  async readMany(project: string, reads: readonly TableRead[]): Promise<Result<(StoredValue | null)[][]>> {
    const names = reads.map(({ table, keys }) => keys.map((k) => KvOnlineStore.kvKey(project, table, k).key));
    let got: Map<string, string | null>;
    try {
      got = await this.#getMany([...new Set(names.flat())]);
    } catch (e) {
      return err('store_unavailable', `KV read failed: ${(e as Error).message}`);
    }
    return ok(reads.map(({ keys }, t) => keys.map((k, i) => this.#open(got.get(names[t][i]) ?? null, k))));
  }

  async read(project: string, table: string, keys: readonly EntityKeyRef[]): Promise<Result<(StoredValue | null)[]>> {
    const names = keys.map((k) => KvOnlineStore.kvKey(project, table, k).key);
    let got: Map<string, string | null>;
    try {
      got = await this.#getMany([...new Set(names)]);
    } catch (e) {
      return err('store_unavailable', `KV read failed: ${(e as Error).message}`);
    }
    return ok(keys.map((k, i) => this.#open(got.get(names[i]) ?? null, k)));
  }

  /** Decode a stored envelope; a hashed key whose full key differs is a collision: not ours. */
  #open(text: string | null, k: EntityKeyRef): StoredValue | null {
    if (text === null) return null;
    const env = decodeEnvelope(text);
    if (!env) return null;
    if (env.fullKey && !bytesEqual(env.fullKey, k.entityKey)) return null;
    return { eventTs: env.eventTs, createdTs: env.createdTs, value: env.value };
  }

  async write(project: string, table: string, rows: readonly EncodedRow[]): Promise<Result<WriteSummary>> {
    const r = await this.writeMany(project, [{ table, rows }]);
    return r.ok ? ok(r.value[0]) : r;
  }

  /**
   * Best effort: KV has no transactions. Every newer-wins check (the bulk gets of all tables)
   * and every envelope is done before the first put, so a failed read or a row that cannot be
   * encoded writes nothing; but a put failing midway leaves the earlier puts stored. Repeating
   * the same write repairs it: equal timestamps replace, so the replay is idempotent, and the
   * rows already stored are simply written again.
   */
  async writeMany(project: string, writes: readonly TableWrite[]): Promise<Result<WriteSummary[]>> {
    const batches = writes.map(({ table, rows }) => {
      const batch = newestPerKey(rows);
      return { batch, names: batch.map((r) => KvOnlineStore.kvKey(project, table, r)) };
    });
    try {
      const existing = await this.#getMany(batches.flatMap((b) => b.names.map((n) => n.key)));
      const puts: [string, string][] = [];
      const written = batches.map(({ batch, names }) => {
        let n = 0;
        for (let i = 0; i < batch.length; i++) {
          const r = batch[i];
          const prev = this.#open(existing.get(names[i].key) ?? null, r);
          if (prev && !isNotOlder(r, prev)) continue;
          puts.push([names[i].key, encodeEnvelope(r, names[i].hashed ? r.entityKey : null)]);
          n++;
        }
        return n;
      });
      for (const [key, value] of puts) await this.#kv.put(key, value);
      return ok(writes.map((w, t) => ({ written: written[t], skipped: w.rows.length - written[t] })));
    } catch (e) {
      return err('store_unavailable', `KV write failed: ${(e as Error).message}`);
    }
  }

  async dropTable(project: string, table: string): Promise<Result<void>> {
    try {
      let cursor: string | undefined;
      do {
        const page = await this.#kv.list({ prefix: `${project}/${table}/`, cursor });
        for (const k of page.keys) await this.#kv.delete(k.name);
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      return ok(undefined);
    } catch (e) {
      return err('store_unavailable', `KV delete failed: ${(e as Error).message}`);
    }
  }
}
