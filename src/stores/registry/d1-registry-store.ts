import { err, ok, type Result } from '../../core/errors.ts';
import type { RegistryDocument } from '../../core/schema/registry-document.ts';
import { parseRegistry, serializeRegistry } from '../../core/registry/serialize.ts';
import { conflictMessage, type RegistryStore } from './registry-store.ts';

/** The subset of D1Database this store uses (injected; no SDK types). */
export interface D1Like {
  prepare(sql: string): D1StatementLike;
}
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  run(): Promise<{ meta: { changes?: number } }>;
}

/**
 * Registry in D1, table `registry` (src/stores/d1/migrations/0001_init.sql): one row per
 * project. The version check and the write are one statement, so it is a true compare-and-swap.
 */
export class D1RegistryStore implements RegistryStore {
  readonly #db: D1Like;

  constructor(db: D1Like) {
    this.#db = db;
  }

  async read(project: string): Promise<Result<RegistryDocument | null>> {
    try {
      const row = await this.#db.prepare('SELECT body FROM registry WHERE project = ?').bind(project).first<{ body: string }>();
      return row === null ? ok(null) : parseRegistry(row.body);
    } catch (e) {
      return err('store_unavailable', `cannot read the registry from D1: ${hint((e as Error).message)}`);
    }
  }

  async write(doc: RegistryDocument, expectedVersion: number): Promise<Result<void>> {
    if (doc.version !== expectedVersion + 1) return err('invalid_argument', `version ${doc.version} does not follow ${expectedVersion}`);
    const body = serializeRegistry(doc);
    try {
      const result =
        expectedVersion === 0
          ? await this.#db
              .prepare('INSERT INTO registry (project, version, body, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (project) DO NOTHING')
              .bind(doc.project, doc.version, body, doc.updatedAt)
              .run()
          : await this.#db
              .prepare('UPDATE registry SET version = ?, body = ?, updated_at = ? WHERE project = ? AND version = ?')
              .bind(doc.version, body, doc.updatedAt, doc.project, expectedVersion)
              .run();
      if ((result.meta.changes ?? 0) === 1) return ok(undefined);
      const row = await this.#db.prepare('SELECT version FROM registry WHERE project = ?').bind(doc.project).first<{ version: number }>();
      const actual = row?.version ?? 0;
      return err('conflict', conflictMessage(doc.project, expectedVersion, actual), { expectedVersion, actualVersion: actual });
    } catch (e) {
      return err('store_unavailable', `cannot write the registry to D1: ${hint((e as Error).message)}`);
    }
  }
}

function hint(message: string): string {
  return /no such table: registry/.test(message)
    ? `${message} (apply the D1 migrations first: npx wrangler d1 migrations apply DATABASE --local)`
    : message;
}
