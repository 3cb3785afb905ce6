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
  toHex,
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

const selectRows = (n: number) =>
  `SELECT entity_key, event_ts, created_ts, value FROM online_rows WHERE project = ? AND tbl = ? AND entity_key IN (${Array.from({ length: n }, () => '?').join(',')})`;

/**
 * ?1 project, ?2 JSON array of tables, ?3 JSON array of hex keys, ?4 the number of keys. One
 * hex text, a record per stored (table, key), in no particular order: its position
 * (table index x keys + key index, u32), event ts and created ts (int64, big-endian, two's
 * complement), the value's length (u32) and the value. Decoded with one hex call and a
 * DataView; neither keys nor tables travel back, and nothing is sorted. CROSS JOIN keeps
 * SQLite's loop order (tables, then keys, then a primary-key SEARCH in online_rows): left to
 * choose, it may scan online_rows instead.
 */
export const SELECT_PACKED = `SELECT group_concat(
  printf('%08x%016x%016x%08x', t.key * ?4 + k.key, o.event_ts, o.created_ts, length(o.value)) || hex(o.value), '') AS packed
FROM json_each(?2) t CROSS JOIN json_each(?3) k CROSS JOIN online_rows o
WHERE o.project = ?1 AND o.tbl = t.value AND o.entity_key = unhex(k.value)`;

/** Keys per packed query: bounds the JSON parameter and the packed answer. */
const KEYS_PER_PACKED = 500;

/**
 * D1 refusing the packed form: SQLITE_TOOBIG (an answer over its string limit), or a SQLite
 * without unhex (3.41). The plain form answers the same.
 */
const packedRefused = (e: unknown) => /too big|TOOBIG|no such function|syntax error/i.test(String((e as Error)?.message ?? e));
/** A refusal that every later packed query would meet too: the SQLite lacks what the packed form uses. */
const packedUnsupported = (e: unknown) => /no such function|syntax error/i.test(String((e as Error)?.message ?? e));

type HexBytes = Uint8Array & { toHex?: () => string };
const nativeFromHex = (Uint8Array as unknown as { fromHex?: (s: string) => Uint8Array }).fromHex;

function hexOf(bytes: Uint8Array): string {
  return (bytes as HexBytes).toHex?.() ?? toHex(bytes);
}

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE['0123456789ABCDEF'.charCodeAt(i)] = i;
  NIBBLE['0123456789abcdef'.charCodeAt(i)] = i;
}

function fromHex(text: string): Uint8Array {
  if (nativeFromHex) return nativeFromHex(text);
  const out = new Uint8Array(text.length >> 1);
  for (let i = 0, j = 0; i < out.length; i++, j += 2) {
    const hi = NIBBLE[text.charCodeAt(j)];
    const lo = NIBBLE[text.charCodeAt(j + 1)];
    if (hi < 0 || lo < 0) throw new Error('online_rows: malformed packed answer');
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** Tables read with one key array (a request's views), its distinct keys, and each asked key's slot among them. */
interface KeySet {
  readonly tables: number[];
  readonly hex: string[];
  readonly slot: Int32Array;
}

function keySets(reads: readonly TableRead[]): KeySet[] {
  const byKeys = new Map<readonly EntityKeyRef[], KeySet>();
  reads.forEach(({ keys }, t) => {
    const known = byKeys.get(keys);
    if (known) return void known.tables.push(t);
    const index = new Map<string, number>();
    const slot = new Int32Array(keys.length);
    keys.forEach((k, i) => {
      const h = hexOf(k.entityKey);
      let s = index.get(h);
      if (s === undefined) index.set(h, (s = index.size));
      slot[i] = s;
    });
    byKeys.set(keys, { tables: [t], hex: [...index.keys()], slot });
  });
  return [...byKeys.values()];
}

/** Parse a packed answer (see SELECT_PACKED) for `into.length` tables x `keys` distinct keys into `into[table][firstKey + key]`. */
function unpack(text: string, keys: number, firstKey: number, into: (StoredValue | null)[][]): void {
  const bytes = fromHex(text);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const int64 = (at: number) => dv.getInt32(at) * 2 ** 32 + dv.getUint32(at + 4);
  for (let at = 0; at < bytes.length; ) {
    if (at + 24 > bytes.length) throw new Error('online_rows: malformed packed answer');
    const position = dv.getUint32(at);
    const table = into[Math.floor(position / keys)];
    const end = at + 24 + dv.getUint32(at + 20);
    if (table === undefined || end > bytes.length) throw new Error('online_rows: malformed packed answer');
    table[firstKey + (position % keys)] = { eventTs: int64(at + 4), createdTs: int64(at + 12), value: bytes.subarray(at + 24, end) };
    at = end;
  }
}

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
 * D1 online store (migrations 0002_online.sql). A request's reads are one
 * round trip: one packed query per shared key set (see readMany), with plain
 * `IN (...)` queries as the fallback; writes are an upsert whose WHERE clause
 * keeps the newer row, so the newer-wins rule holds inside the database even
 * when two writers race.
 */
export class D1OnlineStore implements OnlineStore {
  readonly #db: D1Like;
  /** Set once D1 has refused the packed form for good (no unhex or json_each): later reads go plain at once. */
  #plainOnly = false;

  constructor(db: D1Like) {
    this.#db = db;
  }

  async read(project: string, table: string, keys: readonly EntityKeyRef[]): Promise<Result<(StoredValue | null)[]>> {
    const r = await this.readMany(project, [{ table, keys }]);
    return r.ok ? ok(r.value[0]) : r;
  }

  /**
   * A whole request's reads in one round trip. Tables read with the same keys (the views of
   * one request) share ONE query, which answers ONE hex text (see SELECT_PACKED). D1 hands
   * BLOBs across as JSON arrays of numbers, one object per row, and binds BLOB parameters the
   * same way, which costs far more than the query itself; keys go in as one JSON array of hex
   * strings (`unhex`, `json_each`). If D1 refuses the packed form (an answer over its string
   * limit, or an older SQLite) the read falls back to plain rows: one `IN (...)` query per
   * table per 98 keys, in one batch.
   */
  async readMany(project: string, reads: readonly TableRead[]): Promise<Result<(StoredValue | null)[][]>> {
    if (reads.every((r) => r.keys.length === 0)) return ok(reads.map(() => []));
    try {
      if (this.#plainOnly) return ok(await this.#readRows(project, reads));
      const sets = keySets(reads).filter((s) => s.hex.length > 0);
      const parts = sets.flatMap((set) =>
        Array.from({ length: Math.ceil(set.hex.length / KEYS_PER_PACKED) }, (_, c) => ({ set, first: c * KEYS_PER_PACKED, keys: set.hex.slice(c * KEYS_PER_PACKED, (c + 1) * KEYS_PER_PACKED) })),
      );
      let texts: string[];
      try {
        const res = await this.#run<{ packed: string | null }>(
          parts.map((p) => this.#db.prepare(SELECT_PACKED).bind(project, JSON.stringify(p.set.tables.map((t) => reads[t].table)), JSON.stringify(p.keys), p.keys.length)),
        );
        texts = res.map((r) => r.results[0]?.packed ?? '');
      } catch (e) {
        if (!packedRefused(e)) throw e;
        if (packedUnsupported(e)) this.#plainOnly = true;
        return ok(await this.#readRows(project, reads));
      }
      // byTable[t][slot]: what is stored for table t under its read's distinct key `slot`.
      const byTable: (StoredValue | null)[][] = reads.map(() => []);
      for (const set of sets) for (const t of set.tables) byTable[t] = new Array(set.hex.length).fill(null);
      parts.forEach((p, i) => unpack(texts[i], p.keys.length, p.first, p.set.tables.map((t) => byTable[t])));
      const out: (StoredValue | null)[][] = reads.map(() => []);
      for (const set of sets) for (const t of set.tables) out[t] = Array.from(set.slot, (s) => byTable[t][s]);
      return ok(out);
    } catch (e) {
      return err('store_unavailable', `D1 read failed: ${(e as Error).message}`);
    }
  }

  /** The plain form: one `IN (...)` query per table per 98 keys, BLOBs bound as they are. */
  async #readRows(project: string, reads: readonly TableRead[]): Promise<(StoredValue | null)[][]> {
    const found = reads.map(() => new Map<string, StoredValue>());
    const parts: { table: number; keys: Uint8Array[] }[] = [];
    reads.forEach(({ keys }, t) => {
      const unique = [...new Map(keys.map((k) => [keyId(k.entityKey), k.entityKey])).values()];
      for (let i = 0; i < unique.length; i += D1_KEYS_PER_QUERY) parts.push({ table: t, keys: unique.slice(i, i + D1_KEYS_PER_QUERY) });
    });
    const res = await this.#run<Row>(parts.map((p) => this.#db.prepare(selectRows(p.keys.length)).bind(project, reads[p.table].table, ...p.keys)));
    res.forEach((r, s) => {
      for (const row of r.results)
        found[parts[s].table].set(keyId(blob(row.entity_key)), {
          eventTs: Number(row.event_ts),
          createdTs: Number(row.created_ts),
          value: blob(row.value),
        });
    });
    return reads.map(({ keys }, t) => keys.map((k) => found[t].get(keyId(k.entityKey)) ?? null));
  }

  #run<T>(stmts: ReturnType<D1Like['prepare']>[]): Promise<{ results: T[] }[]> {
    return stmts.length === 1 ? stmts[0].all<T>().then((r) => [r]) : this.#db.batch<T>(stmts);
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
