// KV through wrangler's platform proxy costs one round trip per put, and the
// KV online store puts one key at a time: pipelining the puts (a bounded
// number in flight) and waiting for all of them before each write returns
// keeps the store's contract (a write has landed when it resolves) at a
// fraction of the time.
import { err, type Result } from '../../src/core/errors.ts';
import type { EncodedRow, EntityKeyRef, OnlineStore, StoredValue, TableRead, TableWrite, WriteSummary } from '../../src/core/online-store.ts';
import type { KvLike } from '../../src/stores/kv/kv-like.ts';
import { KvOnlineStore } from '../../src/stores/kv/kv-online-store.ts';

/** A KvLike whose puts return at once (at most `limit` in flight); every other call waits for them first. */
export class PipelinedKv implements KvLike {
  readonly #kv: KvLike;
  readonly #limit: number;
  readonly #inflight = new Set<Promise<void>>();
  #error: unknown = null;

  constructor(kv: KvLike, limit = 32) {
    this.#kv = kv;
    this.#limit = limit;
  }

  async put(key: string, value: string): Promise<void> {
    if (this.#error !== null) throw this.#error;
    while (this.#inflight.size >= this.#limit) await Promise.race(this.#inflight);
    const p: Promise<void> = this.#kv
      .put(key, value)
      .catch((e: unknown) => {
        this.#error ??= e;
      })
      .finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  /** Wait for every put in flight; throws the first failure. */
  async drain(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all(this.#inflight);
    if (this.#error !== null) {
      const e = this.#error;
      this.#error = null;
      throw e;
    }
  }

  async get(keys: string[], type: 'text'): Promise<Map<string, string | null>> {
    await this.drain();
    return this.#kv.get(keys, type);
  }

  async delete(key: string): Promise<void> {
    await this.drain();
    return this.#kv.delete(key);
  }

  async list(options: { prefix: string; cursor?: string | null; limit?: number }) {
    await this.drain();
    return this.#kv.list(options);
  }
}

/** The KV online store over a PipelinedKv: each write returns once all its puts have landed. */
export class PipelinedKvOnlineStore implements OnlineStore {
  readonly #kv: PipelinedKv;
  readonly #store: KvOnlineStore;

  constructor(kv: KvLike, limit?: number) {
    this.#kv = new PipelinedKv(kv, limit);
    this.#store = new KvOnlineStore(this.#kv);
  }

  read(project: string, table: string, keys: readonly EntityKeyRef[]): Promise<Result<(StoredValue | null)[]>> {
    return this.#store.read(project, table, keys);
  }

  async write(project: string, table: string, rows: readonly EncodedRow[]): Promise<Result<WriteSummary>> {
    const r = await this.#store.write(project, table, rows);
    try {
      await this.#kv.drain();
    } catch (e) {
      return err('store_unavailable', `KV write failed: ${(e as Error).message}`);
    }
    return r;
  }

  readMany(project: string, reads: readonly TableRead[]): Promise<Result<(StoredValue | null)[][]>> {
    return this.#store.readMany(project, reads);
  }

  /** Every table's puts pipelined together (best effort, as KV's writeMany), then drained. */
  async writeMany(project: string, writes: readonly TableWrite[]): Promise<Result<WriteSummary[]>> {
    const r = await this.#store.writeMany(project, writes);
    try {
      await this.#kv.drain();
    } catch (e) {
      return err('store_unavailable', `KV write failed: ${(e as Error).message}`);
    }
    return r;
  }

  async dropTable(project: string, table: string): Promise<Result<void>> {
    const r = await this.#store.dropTable(project, table);
    try {
      await this.#kv.drain();
    } catch (e) {
      return err('store_unavailable', `KV delete failed: ${(e as Error).message}`);
    }
    return r;
  }
}
