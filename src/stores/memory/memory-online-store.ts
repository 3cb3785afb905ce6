import { err, ok, type Result } from '../../core/errors.ts';
import {
  isNotOlder,
  keyId,
  newestPerKey,
  type EncodedRow,
  type EntityKeyRef,
  type OnlineStore,
  type StoredValue,
  type TableWrite,
  type WriteSummary,
} from '../../core/online-store.ts';

/** An in-memory online store, for tests and for `larder serve --online-store memory`. */
export class MemoryOnlineStore implements OnlineStore {
  readonly #tables = new Map<string, Map<string, StoredValue>>();

  #table(project: string, table: string): Map<string, StoredValue> {
    const id = `${project}\u0000${table}`;
    let t = this.#tables.get(id);
    if (!t) this.#tables.set(id, (t = new Map()));
    return t;
  }

  async read(project: string, table: string, keys: readonly EntityKeyRef[]): Promise<Result<(StoredValue | null)[]>> {
    const t = this.#table(project, table);
    return ok(keys.map((k) => t.get(keyId(k.entityKey)) ?? null));
  }

  async write(project: string, table: string, rows: readonly EncodedRow[]): Promise<Result<WriteSummary>> {
    const r = await this.writeMany(project, [{ table, rows }]);
    return r.ok ? ok(r.value[0]) : r;
  }

  /** Every row of every table is checked first; only then is anything applied (all or nothing). */
  async writeMany(project: string, writes: readonly TableWrite[]): Promise<Result<WriteSummary[]>> {
    for (const { table, rows } of writes)
      for (const r of rows)
        if (!(r.entityKey instanceof Uint8Array) || !(r.value instanceof Uint8Array) || !Number.isFinite(r.eventTs) || !Number.isFinite(r.createdTs))
          return err('invalid_argument', `a row for table "${table}" has no byte key, no byte value or a non-finite timestamp`, { table });
    return ok(writes.map(({ table, rows }) => this.#apply(this.#table(project, table), rows)));
  }

  #apply(t: Map<string, StoredValue>, rows: readonly EncodedRow[]): WriteSummary {
    let written = 0;
    for (const r of newestPerKey(rows)) {
      const id = keyId(r.entityKey);
      const prev = t.get(id);
      if (prev && !isNotOlder(r, prev)) continue;
      t.set(id, { eventTs: r.eventTs, createdTs: r.createdTs, value: r.value.slice() });
      written++;
    }
    return { written, skipped: rows.length - written };
  }

  async dropTable(project: string, table: string): Promise<Result<void>> {
    this.#tables.delete(`${project}\u0000${table}`);
    return ok(undefined);
  }
}
