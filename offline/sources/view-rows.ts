// Every row of a feature view's source, as the point-in-time join needs it:
// a 64-bit key per row (the raw value for a single int32/int64 join key, else
// the kernel's xxHash64 of the Feast v3 key bytes), event and created
// timestamps in epoch µs (feature values come in a second pass:
// gather-features.ts). Reading goes
// through the materializer's readSource (Parquet / CSV / Arrow IPC, one file
// or a glob, file by file in name order), so both read a source alike.
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { hashEntityKeys, keyColumn, type KeyColumn, type KeyType } from '../../src/kernel/keys.ts';
import { NULL_TS } from '../../src/kernel/pit-join.ts';
import { isNullAt, jsValueAt, timestampMicros } from '../materialize/column-values.ts';
import { openParquet } from '../parquet/index.ts';
import { readSource, resolveSourceFiles } from '../materialize/read-source.ts';
import type { SourceColumn } from '../materialize/source-batch.ts';
import { planView, type ViewPlan } from '../materialize/view-plan.ts';

/** An event time no entity row reaches: rows with a null key or event time are never candidates. */
export const NEVER_TS = 0x7fff_ffff_ffff_ffffn;

export interface ViewRows {
  readonly plan: ViewPlan;
  /** True when `keys` hold raw int64 values (single integer join key); else key hashes. */
  readonly rawKeys: boolean;
  readonly keys: BigUint64Array;
  readonly eventTs: BigInt64Array;
  readonly createdTs: BigInt64Array;
  readonly rows: number;
  readonly files: number;
  /** Rows left out of the join: null join key or event time. */
  readonly skipped: number;
}

/** Single integer join key: the join compares raw values (exact, no hashing). */
export function usesRawKeys(view: FeatureView): boolean {
  return view.entityColumns.length === 1 && (view.entityColumns[0].dtype === 'int64' || view.entityColumns[0].dtype === 'int32');
}

/** A source column as a key column of `type`; null rows are reported in `nulls` and filled with a placeholder. */
export function sourceKeyColumn(name: string, type: KeyType, c: SourceColumn, n: number, nulls: Uint8Array): Result<KeyColumn> {
  const hasNull = c.type === 'text' || c.type === 'js' || c.validity !== null;
  if (hasNull) for (let i = 0; i < n; i++) if (isNullAt(c, i)) nulls[i] = 1;
  if (type === 'int64' && c.type === 'int64') return ok({ name, type, values: c.values.slice(0, n) });
  if (type === 'int32' && c.type === 'int32') return ok({ name, type, values: c.values.slice(0, n) });
  if (type === 'string' && c.type === 'string' && c.validity === null)
    return ok({ name, type, offsets: c.offsets.subarray(0, n + 1), data: c.data });
  const values: (string | bigint | number | Uint8Array | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    if (nulls[i]) {
      values[i] = type === 'string' ? '' : type === 'bytes' ? new Uint8Array(0) : 0;
      continue;
    }
    const v = jsValueAt(c, i);
    if (type === 'string') values[i] = typeof v === 'string' ? v : String(v);
    else if (type === 'bytes') values[i] = v instanceof Uint8Array ? v : new TextEncoder().encode(String(v));
    else if (typeof v === 'bigint' || typeof v === 'number') values[i] = v;
    else if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) values[i] = BigInt(v.trim());
    else return err('invalid_rows', `join key "${name}" row ${i}: ${JSON.stringify(String(v))} is not ${type}`, { column: name });
  }
  return keyColumn(name, type, values);
}

/** Raw int64 keys as the join's key words (int32 widened). */
export function rawKeyWords(col: KeyColumn): BigUint64Array {
  if (col.type === 'int32') return BigUint64Array.from(col.values, (x) => BigInt.asUintN(64, BigInt(x)));
  const v = (col as { values: BigInt64Array }).values;
  return new BigUint64Array(v.buffer, v.byteOffset, v.length);
}

/** A 64-bit column filled batch by batch: one preallocated array when the row count is known, else parts joined at the end. */
type Ctor64<T> = { new (length: number): T; new (buffer: ArrayBufferLike, byteOffset: number, length: number): T };

class Sink64<T extends BigUint64Array | BigInt64Array> {
  readonly #ctor: Ctor64<T>;
  #full: T | null;
  readonly #parts: T[] = [];
  #rows = 0;

  /** With a known capacity the column is one array over shared memory, which the decoders may fill in place. */
  constructor(ctor: Ctor64<T>, capacity: number) {
    this.#ctor = ctor;
    this.#full = capacity > 0 ? new ctor(new SharedArrayBuffer(8 * capacity), 0, capacity) : null;
  }

  /** The shared memory of the whole column, while it is one. */
  get shared(): SharedArrayBuffer | undefined {
    return this.#full?.buffer as SharedArrayBuffer | undefined;
  }

  /** The slots for the next n rows. */
  next(n: number): T {
    const at = this.#rows;
    this.#rows += n;
    if (this.#full !== null && at + n > this.#full.length) {
      this.#parts.push(this.#full.subarray(0, at) as T);
      this.#full = null;
    }
    if (this.#full !== null) return this.#full.subarray(at, at + n) as T;
    const part = new this.#ctor(n);
    this.#parts.push(part);
    return part;
  }

  build(): T {
    if (this.#full !== null) return this.#full.subarray(0, this.#rows) as T;
    if (this.#parts.length === 1) return this.#parts[0];
    const out = new this.#ctor(this.#rows);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p as never, at);
      at += p.length;
    }
    return out;
  }
}

/** Source rows in the files' footers (Parquet), or 0 when unknown. */
async function knownRows(files: readonly string[], format: string): Promise<number> {
  if (format !== 'parquet') return 0;
  let total = 0;
  for (const f of files) {
    const p = await openParquet(f);
    if (!p.ok) return 0; // reported when the file is read
    for (const g of p.value.rowGroups) total += g.numRows;
  }
  return total;
}

/** True when the decoder already put a column's values at `out` (see readSource's `place`). */
function inPlace(values: ArrayBufferView, out: ArrayBufferView): boolean {
  return values.buffer === out.buffer && values.byteOffset === out.byteOffset;
}

/** Event or created times of a batch into `out` (µs; NULL_TS for nulls). */
function timesInto(out: BigInt64Array, c: SourceColumn, n: number): void {
  if (c.type === 'timestamp' && c.unit === 'us') {
    if (!inPlace(c.values, out)) out.set(c.values.subarray(0, n));
    if (c.validity !== null) for (let i = 0; i < n; i++) if (c.validity[i] === 0) out[i] = NULL_TS;
  } else out.set(timestampMicros(c, n));
}

/** Key words of a batch into `keys` (raw or hashed); null keys are marked in `nulls`. */
function batchKeys(
  k: KernelInstance,
  view: FeatureView,
  plan: ViewPlan,
  batch: { readonly columns: Readonly<Record<string, SourceColumn>> },
  n: number,
  nulls: Uint8Array,
  raw: boolean,
  keys: BigUint64Array,
  file: string,
): Result<void> {
  const keyCols: KeyColumn[] = [];
  for (const key of plan.keys) {
    const kc = sourceKeyColumn(key.name, key.type, batch.columns[key.column], n, nulls);
    if (!kc.ok) return err('invalid_rows', `feature view "${view.name}" (${file}): ${kc.error.message}`, kc.error.details);
    keyCols.push(kc.value);
  }
  if (raw) keys.set(rawKeyWords(keyCols[0]));
  else {
    const h = hashEntityKeys(k, keyCols);
    if (!h.ok) return h;
    keys.set(h.value);
  }
  return ok(undefined);
}

export interface ReadViewOptions {
  readonly onBatch?: (rows: number) => void;
  /** Stop at the next batch with `cancelled` (e.g. the request failed while this read ran ahead). */
  readonly signal?: AbortSignal;
}

/**
 * Read a view's source keys and timestamps, in source order (row j here is
 * row j of gatherViewFeatures' pass). 24 bytes per source row.
 */
export async function readViewRows(
  k: KernelInstance,
  registry: RegistryIndex,
  repoDir: string,
  view: FeatureView,
  options: ReadViewOptions,
): Promise<Result<ViewRows>> {
  const planned = planView(registry, view);
  if (!planned.ok) return planned;
  const plan = planned.value;
  const files = await resolveSourceFiles(repoDir, plan.source.path, plan.source.format);
  if (files.length === 0)
    return err('not_found', `feature view "${view.name}": no ${plan.source.format} files match ${plan.source.path}`, { featureView: view.name, path: plan.source.path });
  const columns = [...new Set([plan.eventColumn, ...(plan.createdColumn ? [plan.createdColumn] : []), ...plan.keys.map((x) => x.column)])];
  const raw = usesRawKeys(view);
  const capacity = await knownRows(files, plan.source.format);
  const keySink = new Sink64(BigUint64Array, capacity);
  const evSink = new Sink64(BigInt64Array, capacity);
  const crSink = new Sink64(BigInt64Array, capacity);
  // Parquet decoders write event and created times (and raw int64 keys) straight into the sinks.
  const place: Record<string, SharedArrayBuffer> = {};
  if (evSink.shared) place[plan.eventColumn] = evSink.shared;
  if (crSink.shared && plan.createdColumn && plan.createdColumn !== plan.eventColumn) place[plan.createdColumn] = crSink.shared;
  if (keySink.shared && raw && plan.keys[0].type === 'int64' && !(plan.keys[0].column in place)) place[plan.keys[0].column] = keySink.shared;
  let rows = 0;
  let skipped = 0;
  for await (const r of readSource(repoDir, plan.source, columns, place)) {
    if (!r.ok) return err(r.error.code, `feature view "${view.name}": ${r.error.message}`, r.error.details);
    if (options.signal?.aborted) return err('cancelled', `feature view "${view.name}": read cancelled`);
    const { batch, origin } = r.value;
    const n = batch.numRows;
    const nulls = new Uint8Array(n);
    const keys = keySink.next(n);
    const k0 = batch.columns[plan.keys[0].column];
    if (raw && plan.keys[0].type === 'int64' && k0 !== undefined && k0.type === 'int64' && k0.validity === null) {
      // Raw int64 keys without nulls: straight from the decoded batch (already there when placed).
      if (!inPlace(k0.values, keys)) keys.set(new BigUint64Array(k0.values.buffer, k0.values.byteOffset, n));
    } else {
      const r = batchKeys(k, view, plan, batch, n, nulls, raw, keys, origin.file);
      if (!r.ok) return r;
    }
    const evCol = batch.columns[plan.eventColumn];
    const ev = evSink.next(n);
    timesInto(ev, evCol, n);
    const cr = crSink.next(n);
    if (plan.createdColumn) timesInto(cr, batch.columns[plan.createdColumn], n);
    else cr.fill(NULL_TS);
    // Rows with a null key or event time are never candidates (an event time no entity reaches).
    const mayBeNull = nulls.includes(1) || evCol.type === 'text' || evCol.type === 'js' || evCol.validity !== null || evCol.type !== 'timestamp';
    if (mayBeNull) {
      for (let i = 0; i < n; i++) {
        if (nulls[i] || ev[i] === NULL_TS) {
          ev[i] = NEVER_TS;
          skipped++;
        }
      }
    }
    rows += n;
    options.onBatch?.(n);
  }
  return ok({
    plan,
    rawKeys: raw,
    keys: keySink.build(),
    eventTs: evSink.build(),
    createdTs: crSink.build(),
    rows,
    files: files.length,
    skipped,
  });
}
