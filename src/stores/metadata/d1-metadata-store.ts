import { err, ok, type Result } from '../../core/errors.ts';
import { checkMetadataName, type MetadataKind, type MetadataRecord, type MetadataStore } from './metadata-store.ts';

/** The subset of D1Database this store uses (injected; no SDK types). */
export interface D1MetaLike {
  prepare(sql: string): D1MetaStatement;
}
export interface D1MetaStatement {
  bind(...values: unknown[]): D1MetaStatement;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  all<T = Record<string, unknown>>(): Promise<{ results: T[] }>;
  run(): Promise<{ meta: { changes?: number } }>;
}

interface Row {
  name: string;
  body: string;
  updated_at: string;
}

/** Metadata in D1, table `metadata` (src/stores/d1/migrations/0003_metadata.sql). */
export class D1MetadataStore implements MetadataStore {
  readonly #db: D1MetaLike;
  readonly #now: () => Date;

  constructor(db: D1MetaLike, options: { now?: () => Date } = {}) {
    this.#db = db;
    this.#now = options.now ?? (() => new Date());
  }

  async get(project: string, kind: MetadataKind, name: string): Promise<Result<MetadataRecord | null>> {
    return this.#try('read', async () => {
      const row = await this.#db
        .prepare('SELECT name, body, updated_at FROM metadata WHERE project = ? AND kind = ? AND name = ?')
        .bind(project, kind, name)
        .first<Row>();
      return row === null ? null : toRecord(row);
    });
  }

  async put(project: string, kind: MetadataKind, name: string, body: unknown): Promise<Result<void>> {
    const bad = checkMetadataName(name);
    if (bad !== null) return err('invalid_argument', bad);
    const text = JSON.stringify(body);
    if (text === undefined) return err('invalid_argument', 'a metadata record body must be JSON');
    return this.#try('write', async () => {
      await this.#db
        .prepare(
          'INSERT INTO metadata (project, kind, name, body, updated_at) VALUES (?, ?, ?, ?, ?) ' +
            'ON CONFLICT (project, kind, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
        )
        .bind(project, kind, name, text, this.#now().toISOString())
        .run();
    });
  }

  async list(project: string, kind: MetadataKind): Promise<Result<MetadataRecord[]>> {
    return this.#try('read', async () => {
      const { results } = await this.#db
        .prepare('SELECT name, body, updated_at FROM metadata WHERE project = ? AND kind = ? ORDER BY name')
        .bind(project, kind)
        .all<Row>();
      return results.map(toRecord);
    });
  }

  async delete(project: string, kind: MetadataKind, name: string): Promise<Result<boolean>> {
    return this.#try('write', async () => {
      const r = await this.#db.prepare('DELETE FROM metadata WHERE project = ? AND kind = ? AND name = ?').bind(project, kind, name).run();
      return (r.meta.changes ?? 0) > 0;
    });
  }

  async #try<T>(what: 'read' | 'write', f: () => Promise<T>): Promise<Result<T>> {
    try {
      return ok(await f());
    } catch (e) {
      const message = (e as Error).message;
      const hint = /no such table: metadata/.test(message) ? ' (apply the D1 migrations: npx wrangler d1 migrations apply DATABASE --local)' : '';
      return err('store_unavailable', `cannot ${what} metadata in D1: ${message}${hint}`);
    }
  }
}

const toRecord = (row: Row): MetadataRecord => ({ name: row.name, body: JSON.parse(row.body), updatedAt: row.updated_at });
