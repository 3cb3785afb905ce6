import { err, ok, type Result } from '../../core/errors.ts';
import {
  keyId,
  newestPerKey,
  type EncodedRow,
  type EntityKeyRef,
  type OnlineStore,
  type StoredValue,
  type TableWrite,
  type WriteSummary,
} from '../../core/online-store.ts';
import type { SqliteLike, SqliteStatementLike } from './sqlite-like.ts';

const SCHEMA = `CREATE TABLE IF NOT EXISTS online_rows (
  project TEXT NOT NULL, tbl TEXT NOT NULL, entity_key BLOB NOT NULL,
  event_ts INTEGER NOT NULL, created_ts INTEGER NOT NULL, value BLOB NOT NULL,
  PRIMARY KEY (project, tbl, entity_key)) WITHOUT ROWID`;

const UPSERT = `INSERT INTO online_rows (project, tbl, entity_key, event_ts, created_ts, value)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (project, tbl, entity_key) DO UPDATE SET
  event_ts = excluded.event_ts, created_ts = excluded.created_ts, value = excluded.value
WHERE excluded.event_ts > online_rows.event_ts
   OR (excluded.event_ts = online_rows.event_ts AND excluded.created_ts >= online_rows.created_ts)`;

const KEYS_PER_QUERY = 500;

interface Row {
  entity_key: Uint8Array;
  event_ts: number | bigint;
  created_ts: number | bigint;
  value: Uint8Array;
}

/**
 * SQLite online store for `larder serve` on Node (same table and upsert as
 * D1, so the newer-wins rule is enforced by the database). Writes of one call
 * are one transaction, and so are the tables of one `writeMany`.
 */
export class SqliteOnlineStore implements OnlineStore {
  readonly #db: SqliteLike;
  readonly #upsert: SqliteStatementLike;

  constructor(db: SqliteLike) {
    this.#db = db;
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec(SCHEMA);
    this.#upsert = db.prepare(UPSERT);
  }

  async read(project: string, table: string, keys: readonly EntityKeyRef[]): Promise<Result<(StoredValue | null)[]>> {
    try {
      const unique = [...new Map(keys.map((k) => [keyId(k.entityKey), k.entityKey])).values()];
      const found = new Map<string, StoredValue>();
      for (let i = 0; i < unique.length; i += KEYS_PER_QUERY) {
        const part = unique.slice(i, i + KEYS_PER_QUERY);
        const rows = this.#db
          .prepare(
            `SELECT entity_key, event_ts, created_ts, value FROM online_rows WHERE project = ? AND tbl = ? AND entity_key IN (${part.map(() => '?').join(',')})`,
          )
          .all(project, table, ...part) as Row[];
        for (const r of rows)
          found.set(keyId(r.entity_key), { eventTs: Number(r.event_ts), createdTs: Number(r.created_ts), value: new Uint8Array(r.value) });
      }
      return ok(keys.map((k) => found.get(keyId(k.entityKey)) ?? null));
    } catch (e) {
      return err('store_unavailable', `SQLite read failed: ${(e as Error).message}`);
    }
  }

  async write(project: string, table: string, rows: readonly EncodedRow[]): Promise<Result<WriteSummary>> {
    const r = await this.writeMany(project, [{ table, rows }]);
    return r.ok ? ok(r.value[0]) : r;
  }

  /** Every table's upserts in one transaction (BEGIN IMMEDIATE ... COMMIT; ROLLBACK on any error). */
  async writeMany(project: string, writes: readonly TableWrite[]): Promise<Result<WriteSummary[]>> {
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      const out: WriteSummary[] = [];
      try {
        for (const { table, rows } of writes) {
          let written = 0;
          for (const r of newestPerKey(rows)) written += Number(this.#upsert.run(project, table, r.entityKey, r.eventTs, r.createdTs, r.value).changes);
          out.push({ written, skipped: rows.length - written });
        }
        this.#db.exec('COMMIT');
      } catch (e) {
        this.#db.exec('ROLLBACK');
        throw e;
      }
      return ok(out);
    } catch (e) {
      return err('store_unavailable', `SQLite write failed: ${(e as Error).message}`);
    }
  }

  async dropTable(project: string, table: string): Promise<Result<void>> {
    try {
      this.#db.prepare('DELETE FROM online_rows WHERE project = ? AND tbl = ?').run(project, table);
      return ok(undefined);
    } catch (e) {
      return err('store_unavailable', `SQLite delete failed: ${(e as Error).message}`);
    }
  }
}
