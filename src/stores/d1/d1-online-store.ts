import { err, ok, type Result } from '../../core/errors.ts';
import {
  keyId,
  newestPerKey,
  type EncodedRow,
  type EntityKeyRef,
  type OnlineStore,
  type StoredValue,
  type TableRead,
  type TableWrite,
  type WriteSummary,
} from '../../core/online-store.ts';
import type { D1Like } from './d1-like.ts';

/** D1 binds at most 100 parameters per statement; two go to project and table. */
export const D1_KEYS_PER_QUERY = 98;
const ROWS_PER_BATCH = 500;

/** D1 binds at most 100 parameters per statement: 16 rows x 6 columns per upsert. */
export const D1_ROWS_PER_UPSERT = 16;

/** A multi-row upsert whose WHERE keeps the newer row (event ts, then created ts; equal replaces). */
const upsert = (rows: number) => `INSERT INTO online_rows (project, tbl, entity_key, event_ts, created_ts, value)
VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}
ON CONFLICT (project, tbl, entity_key) DO UPDATE SET
  event_ts = excluded.event_ts, created_ts = excluded.created_ts, value = excluded.value
WHERE excluded.event_ts > online_rows.event_ts
   OR (excluded.event_ts = online_rows.event_ts AND excluded.created_ts >= online_rows.created_ts)`;
const UPSERT_FULL = upsert(D1_ROWS_PER_UPSERT);

interface Row {
  entity_key: unknown;
  event_ts: number;
  created_ts: number;
  value: unknown;
}

/** D1 returns BLOBs as ArrayBuffer or number[] depending on the runtime. */
function blob(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  throw new TypeError('online_rows holds a non-BLOB value');
}

/**
 * D1 online store (migrations 0002_online.sql). Reads are one `IN (...)`
 * query per table per 98 keys, sent together in one batch; writes are an
 * upsert whose WHERE clause keeps the newer row, so the newer-wins rule holds
 * inside the database even when two writers race.
 */
export class D1OnlineStore implements OnlineStore {
  readonly #db: D1Like;

  constructor(db: D1Like) {
    this.#db = db;
  }

  async read(project: string, table: string, keys: readonly EntityKeyRef[]): Promise<Result<(StoredValue | null)[]>> {
    const r = await this.readMany(project, [{ table, keys }]);
    return r.ok ? ok(r.value[0]) : r;
  }

  /** Every table's `IN (...)` queries in one batch: one round trip for a whole request. */
  async readMany(project: string, reads: readonly TableRead[]): Promise<Result<(StoredValue | null)[][]>> {
    const stmts: ReturnType<D1Like['prepare']>[] = [];
    const owner: number[] = [];
    reads.forEach(({ table, keys }, t) => {
      const unique = [...new Map(keys.map((k) => [keyId(k.entityKey), k.entityKey])).values()];
      for (let i = 0; i < unique.length; i += D1_KEYS_PER_QUERY) {
        const part = unique.slice(i, i + D1_KEYS_PER_QUERY);
        stmts.push(
          this.#db
            .prepare(
              `SELECT entity_key, event_ts, created_ts, value FROM online_rows WHERE project = ? AND tbl = ? AND entity_key IN (${part.map(() => '?').join(',')})`,
            )
            .bind(project, table, ...part),
        );
        owner.push(t);
      }
    });
    if (stmts.length === 0) return ok(reads.map(() => []));
    try {
      const results = stmts.length === 1 ? [await stmts[0].all<Row>()] : await this.#db.batch<Row>(stmts);
      const found = reads.map(() => new Map<string, StoredValue>());
      results.forEach((r, s) => {
        for (const row of r.results)
          found[owner[s]].set(keyId(blob(row.entity_key)), {
            eventTs: Number(row.event_ts),
            createdTs: Number(row.created_ts),
            value: blob(row.value),
          });
      });
      return ok(reads.map(({ keys }, t) => keys.map((k) => found[t].get(keyId(k.entityKey)) ?? null)));
    } catch (e) {
      return err('store_unavailable', `D1 read failed: ${(e as Error).message}`);
    }
  }

  async write(project: string, table: string, rows: readonly EncodedRow[]): Promise<Result<WriteSummary>> {
    const batch = newestPerKey(rows);
    let written = 0;
    try {
      // Keys are unique within `batch` (newestPerKey), so no statement upserts a key twice.
      for (let i = 0; i < batch.length; i += ROWS_PER_BATCH) {
        const part = batch.slice(i, i + ROWS_PER_BATCH);
        const stmts = [];
        for (let j = 0; j < part.length; j += D1_ROWS_PER_UPSERT) {
          const rows = part.slice(j, j + D1_ROWS_PER_UPSERT);
          const params = rows.flatMap((r) => [project, table, r.entityKey, r.eventTs, r.createdTs, r.value]);
          stmts.push(this.#db.prepare(rows.length === D1_ROWS_PER_UPSERT ? UPSERT_FULL : upsert(rows.length)).bind(...params));
        }
        const res = stmts.length === 1 ? [await stmts[0].run()] : await this.#db.batch(stmts);
        for (const r of res) written += r.meta.changes ?? 0;
      }
      return ok({ written, skipped: rows.length - written });
    } catch (e) {
      return err('store_unavailable', `D1 write failed: ${(e as Error).message}`);
    }
  }

  /**
   * Every table's multi-row upserts in ONE batch. A D1 batch is a transaction: when any
   * statement fails, none of them is applied, so a failed request leaves nothing half-written.
   */
  async writeMany(project: string, writes: readonly TableWrite[]): Promise<Result<WriteSummary[]>> {
    const stmts: ReturnType<D1Like['prepare']>[] = [];
    const owner: number[] = [];
    writes.forEach(({ table, rows }, t) => {
      // Keys are unique within a table's batch (newestPerKey), so no statement upserts a key twice.
      const batch = newestPerKey(rows);
      for (let j = 0; j < batch.length; j += D1_ROWS_PER_UPSERT) {
        const part = batch.slice(j, j + D1_ROWS_PER_UPSERT);
        const params = part.flatMap((r) => [project, table, r.entityKey, r.eventTs, r.createdTs, r.value]);
        stmts.push(this.#db.prepare(part.length === D1_ROWS_PER_UPSERT ? UPSERT_FULL : upsert(part.length)).bind(...params));
        owner.push(t);
      }
    });
    const written = writes.map(() => 0);
    try {
      if (stmts.length > 0) {
        const res = stmts.length === 1 ? [await stmts[0].run()] : await this.#db.batch(stmts);
        res.forEach((r, s) => (written[owner[s]] += r.meta.changes ?? 0));
      }
      return ok(writes.map((w, t) => ({ written: written[t], skipped: w.rows.length - written[t] })));
    } catch (e) {
      return err('store_unavailable', `D1 write failed: ${(e as Error).message}`);
    }
  }

  async dropTable(project: string, table: string): Promise<Result<void>> {
    try {
      await this.#db.prepare('DELETE FROM online_rows WHERE project = ? AND tbl = ?').bind(project, table).run();
      return ok(undefined);
    } catch (e) {
      return err('store_unavailable', `D1 delete failed: ${(e as Error).message}`);
    }
  }
}
