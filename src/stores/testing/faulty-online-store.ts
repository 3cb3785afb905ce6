import { err, type Result } from '../../core/errors.ts';
import {
  readTables,
  writeTables,
  type EncodedRow,
  type EntityKeyRef,
  type OnlineStore,
  type StoredValue,
  type TableRead,
  type TableWrite,
  type WriteSummary,
} from '../../core/online-store.ts';

/** One call reaching the store. `seq` counts every call since construction (or `reset`), from 0. */
export interface StoreCall {
  readonly op: 'read' | 'write' | 'dropTable';
  readonly project: string;
  readonly table: string;
  readonly seq: number;
  /** keys read or rows written */
  readonly size: number;
}

/**
 * How a call fails: `error` returns `store_unavailable` (what adapters do for
 * failures they catch), `throw` throws (a driver bug, a binding gone away),
 * `partial` (writes only) stores the first half of the batch through the
 * inner store and then returns `store_unavailable` — a store dying mid-batch,
 * as KV's one-put-per-row writes can.
 *
 * A `writeMany` is one call per table (op `write`), all checked before any
 * row moves: `error` or `throw` on any table fails the whole unit with
 * nothing written (a transactional store refusing it), while `partial`
 * emulates a store without transactions: the tables before the failing one
 * are written whole, then half of the failing table's rows, then the error.
 */
export type FaultMode = 'error' | 'throw' | 'partial';

/** Decides, per call, whether it fails and how; null lets it through. */
export type FaultPlan = (call: StoreCall) => FaultMode | null;

/**
 * An OnlineStore that fails on demand, for tests of what the serving path
 * does when its store fails mid-request. Wraps a real store; every call is
 * recorded in `calls`.
 */
export class FaultyOnlineStore implements OnlineStore {
  readonly #inner: OnlineStore;
  #plan: FaultPlan = () => null;
  #seq = 0;
  readonly calls: StoreCall[] = [];

  constructor(inner: OnlineStore) {
    this.#inner = inner;
  }

  /** Fail calls as `plan` says, from now on. */
  failWhen(plan: FaultPlan): this {
    this.#plan = plan;
    return this;
  }

  /** Fail the `n`-th call (0-based, counted from now) that matches `op` (and `table`, if given). */
  failNth(n: number, mode: FaultMode, match: { op?: StoreCall['op']; table?: string | RegExp } = {}): this {
    let seen = 0;
    return this.failWhen((c) => {
      if (match.op !== undefined && c.op !== match.op) return null;
      if (match.table !== undefined && !(typeof match.table === 'string' ? c.table === match.table : match.table.test(c.table))) return null;
      return seen++ === n ? mode : null;
    });
  }

  /** Let every call through again and forget recorded calls. */
  heal(): this {
    this.#plan = () => null;
    this.calls.length = 0;
    this.#seq = 0;
    return this;
  }

  #enter(op: StoreCall['op'], project: string, table: string, size: number): FaultMode | null {
    const call = { op, project, table, seq: this.#seq++, size };
    this.calls.push(call);
    const mode = this.#plan(call);
    if (mode === 'throw') throw new Error(`injected fault: ${op} ${table} (call ${call.seq})`);
    return mode;
  }

  async read(project: string, table: string, keys: readonly EntityKeyRef[]): Promise<Result<(StoredValue | null)[]>> {
    const mode = this.#enter('read', project, table, keys.length);
    if (mode !== null) return unavailable('read', table);
    return this.#inner.read(project, table, keys);
  }

  /** A multi-table read is one call per table here (op `read`), so a plan can fail the second table of a request. */
  async readMany(project: string, reads: readonly TableRead[]): Promise<Result<(StoredValue | null)[][]>> {
    for (const r of reads) if (this.#enter('read', project, r.table, r.keys.length) !== null) return unavailable('read', r.table);
    return readTables(this.#inner, project, reads);
  }

  async write(project: string, table: string, rows: readonly EncodedRow[]): Promise<Result<WriteSummary>> {
    const mode = this.#enter('write', project, table, rows.length);
    if (mode === 'partial') {
      const half = rows.slice(0, Math.floor(rows.length / 2));
      if (half.length > 0) await this.#inner.write(project, table, half);
    }
    if (mode !== null) return unavailable('write', table);
    return this.#inner.write(project, table, rows);
  }

  async writeMany(project: string, writes: readonly TableWrite[]): Promise<Result<WriteSummary[]>> {
    let failing = -1;
    let mode: FaultMode | null = null;
    for (let t = 0; t < writes.length; t++) {
      const m = this.#enter('write', project, writes[t].table, writes[t].rows.length);
      if (m !== null && failing < 0) [failing, mode] = [t, m];
    }
    if (failing < 0) return writeTables(this.#inner, project, writes);
    if (mode === 'partial') {
      for (const w of writes.slice(0, failing)) await this.#inner.write(project, w.table, w.rows);
      const half = writes[failing].rows.slice(0, Math.floor(writes[failing].rows.length / 2));
      if (half.length > 0) await this.#inner.write(project, writes[failing].table, half);
    }
    return unavailable('write', writes[failing].table);
  }

  async dropTable(project: string, table: string): Promise<Result<void>> {
    const mode = this.#enter('dropTable', project, table, 0);
    if (mode !== null) return unavailable('dropTable', table);
    return this.#inner.dropTable(project, table);
  }
}

const unavailable = <T>(op: string, table: string): Result<T> => err('store_unavailable', `injected fault: ${op} ${table}`);
