// The entity table of a historical retrieval as an Arrow Table (kept as is in
// the output), from an Arrow Table, row objects, or a Parquet / CSV / Arrow
// IPC file; plus its timestamp column in epoch µs and its join-key columns.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { checkArrowFile } from '../arrow/check-arrow-file.ts';
import {
  Binary,
  Bool,
  Float64,
  Int32,
  Int64,
  makeData,
  makeVector,
  Table,
  tableFromIPC,
  TimestampMicrosecond,
  Type,
  Utf8,
  vectorFromArray,
  type Data,
  type Vector,
} from 'apache-arrow';
import { err, ok, type Result } from '../../src/core/errors.ts';
import { parseTimestamp } from '../../src/core/time.ts';
import { keyColumn, type KeyColumn, type KeyType } from '../../src/kernel/keys.ts';
import { readRowGroups } from '../parquet/index.ts';
import type { Column } from '../parquet/types.ts';
import { CsvRecordSplitter } from '../materialize/csv-batches.ts';

export type EntityRow = Readonly<Record<string, unknown>>;
/** What getHistoricalFeatures accepts as entities. */
export type EntityInput = Table | readonly EntityRow[] | string;

export interface EntityTable {
  readonly table: Table;
  /** From CSV: every column is text, and join keys are parsed by the view's key type. */
  readonly fromText: boolean;
}

/** A column name for a one-line message (control characters escaped). */
const oneLine = (name: string): string => (/[\x00-\x1f]/.test(name) ? JSON.stringify(name) : name);

/** The canonical entity timestamp column name. */
export const ENTITY_TS = 'event_timestamp';

function validityBitmap(validity: Uint8Array | null, n: number): { nullBitmap?: Uint8Array; nullCount: number } {
  if (validity === null) return { nullCount: 0 };
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    if (validity[i]) nullBitmap[i >> 3] |= 1 << (i & 7);
    else nullCount++;
  }
  return { nullBitmap, nullCount };
}

/** A Parquet reader column as an Arrow vector. */
function vectorOf(c: Column, n: number): Vector {
  const nulls = validityBitmap(c.validity, n);
  switch (c.type) {
    case 'int64':
      return makeVector(makeData({ type: new Int64(), length: n, data: c.values, ...nulls }));
    case 'int32':
      return makeVector(makeData({ type: new Int32(), length: n, data: c.values, ...nulls }));
    case 'double':
      return makeVector(makeData({ type: new Float64(), length: n, data: c.values, ...nulls }));
    case 'timestamp':
      return makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: n, data: c.values, ...nulls }));
    case 'string':
      return makeVector(makeData({ type: new Utf8(), length: n, valueOffsets: c.offsets, data: c.data, ...nulls }));
    case 'binary':
      return makeVector(makeData({ type: new Binary(), length: n, valueOffsets: c.offsets, data: c.data, ...nulls }));
    case 'bool': {
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) if (c.values[i]) bits[i >> 3] |= 1 << (i & 7);
      return makeVector(makeData({ type: new Bool(), length: n, data: bits, ...nulls }));
    }
    default: {
      const values: unknown[] = [];
      for (let i = 0; i < n; i++) values.push(c.validity && !c.validity[i] ? null : c.type === 'float' ? c.values[i] : c.type === 'date' ? new Date(c.values[i] * 86_400_000) : c.type === 'uint64' ? c.values[i] : null);
      return vectorFromArray(values);
    }
  }
}

async function readParquetEntities(path: string): Promise<Result<EntityTable>> {
  const tables: Table[] = [];
  const r = await readRowGroups(path, {
    timestamps: 'us',
    onBatch: (b) => {
      tables.push(new Table(Object.fromEntries(Object.entries(b.columns).map(([name, c]) => [name, vectorOf(c, b.numRows)]))));
    },
  });
  if (!r.ok) return err(r.error.code === 'io_error' ? 'io_error' : 'corrupt_file', `entities ${path}: ${r.error.message}`, { file: path });
  if (tables.length === 0) return ok({ table: new Table(), fromText: false });
  return ok({ table: tables.length === 1 ? tables[0] : tables[0].concat(...tables.slice(1)), fromText: false });
}

async function readCsvEntities(path: string): Promise<Result<EntityTable>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return err('io_error', `cannot read entities ${path}: ${(e as Error).message.split('\n')[0]}`, { file: path });
  }
  const records: string[][] = [];
  const splitter = new CsvRecordSplitter();
  splitter.push(text, (r) => records.push(r));
  splitter.end((r) => records.push(r));
  const header = records.shift();
  if (!header) return err('invalid_rows', `entities ${path}: the file has no header row`, { file: path });
  const rows = records.filter((r) => !(r.length === 1 && r[0] === '' && header.length > 1));
  const cols: Record<string, Vector> = {};
  for (let j = 0; j < header.length; j++) {
    const values = rows.map((r) => (r[j] === undefined || r[j] === '' ? null : r[j]));
    cols[header[j].trim()] = vectorFromArray(values, new Utf8());
  }
  return ok({ table: new Table(cols), fromText: true });
}

async function readArrowEntities(path: string): Promise<Result<EntityTable>> {
  const checked = await checkArrowFile(path); // corrupt metadata must not hang apache-arrow
  if (!checked.ok && checked.error.code !== 'io_error') return checked;
  try {
    return ok({ table: tableFromIPC(await readFile(path)), fromText: false });
  } catch (e) {
    const m = (e as Error).message.split('\n')[0];
    return err((e as NodeJS.ErrnoException).code ? 'io_error' : 'corrupt_file', `entities ${path}: not a readable Arrow IPC file: ${m}`, { file: path });
  }
}

function rowsToTable(rows: readonly EntityRow[]): Result<EntityTable> {
  const names: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
  const cols: Record<string, Vector> = {};
  for (const name of names) {
    const values = rows.map((r) => (r[name] === undefined ? null : r[name]));
    const kinds = new Set(values.filter((v) => v !== null).map((v) => (v instanceof Date ? 'date' : typeof v)));
    if (kinds.size > 1) return err('invalid_entity_value', `entity column "${name}" mixes value types (${[...kinds].join(', ')})`, { column: name });
    const kind = [...kinds][0];
    if (kind === 'bigint') cols[name] = vectorFromArray(values, new Int64());
    else if (kind === 'number') cols[name] = vectorFromArray(values, new Float64());
    else if (kind === 'string') cols[name] = vectorFromArray(values, new Utf8());
    else if (kind === 'boolean') cols[name] = vectorFromArray(values, new Bool());
    else if (kind === 'date') {
      const data = new BigInt64Array(values.length);
      const valid = new Uint8Array(values.length);
      values.forEach((v, i) => {
        if (v !== null) {
          data[i] = BigInt((v as Date).getTime()) * 1000n;
          valid[i] = 1;
        }
      });
      cols[name] = makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: values.length, data, ...validityBitmap(valid, values.length) }));
    } else cols[name] = vectorFromArray(values);
  }
  return ok({ table: new Table(cols), fromText: false });
}

/** Normalize the entities argument to an Arrow Table. */
export async function loadEntities(input: EntityInput): Promise<Result<EntityTable>> {
  if (input instanceof Table) return ok({ table: input, fromText: false });
  if (Array.isArray(input)) return rowsToTable(input);
  if (typeof input !== 'string') return err('invalid_argument', 'entities must be an Arrow Table, an array of row objects, or a file path');
  switch (extname(input).toLowerCase()) {
    case '.parquet':
      return readParquetEntities(input);
    case '.csv':
      return readCsvEntities(input);
    case '.arrow':
    case '.arrows':
    case '.feather':
    case '.ipc':
      return readArrowEntities(input);
    default:
      return err('invalid_argument', `entities ${input}: unknown file type (use .parquet, .csv or .arrow)`, { file: input });
  }
}

const TS_UNIT_DIV: Record<number, { mul: bigint; div: bigint }> = {
  0: { mul: 1_000_000n, div: 1n },
  1: { mul: 1000n, div: 1n },
  2: { mul: 1n, div: 1n },
  3: { mul: 1n, div: 1000n },
};

const isTimeType = (v: Vector) => v.type.typeId === Type.Timestamp || v.type.typeId === Type.Date;
const looksLikeTime = (s: string) => !/^\s*-?\d+(\.\d+)?\s*$/.test(s) && parseTimestamp(s) !== null;

/** The entity timestamp column: `event_timestamp`, else the only timestamp-typed (CSV: timestamp-valued) column. */
export function timestampColumnName(e: EntityTable): Result<string> {
  const fields = e.table.schema.fields.map((f) => f.name);
  if (fields.includes(ENTITY_TS)) return ok(ENTITY_TS);
  const candidates = fields.filter((name) => {
    const v = e.table.getChild(name)!;
    if (isTimeType(v)) return true;
    if (!e.fromText || v.type.typeId !== Type.Utf8 || v.length === 0) return false;
    for (let i = 0; i < v.length; i++) {
      const s = v.get(i) as string | null;
      if (s !== null && !looksLikeTime(s)) return false;
    }
    return true;
  });
  if (candidates.length === 1) return ok(candidates[0]);
  if (candidates.length === 0)
    return err('missing_entity_column', `the entity table has no timestamp column (name one "${ENTITY_TS}"; columns: ${fields.map(oneLine).join(', ') || 'none'})`, { columns: fields });
  return err('missing_entity_column', `the entity table has several timestamp columns (${candidates.join(', ')}); name the one to join on "${ENTITY_TS}"`, { columns: candidates });
}

function eachChunk(v: Vector, f: (d: Data, base: number) => void): void {
  let base = 0;
  for (const d of v.data) {
    f(d, base);
    base += d.length;
  }
}

const isValid = (d: Data, i: number) => d.nullCount === 0 || !d.nullBitmap || ((d.nullBitmap[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1) === 1;

/** The entity timestamps in epoch µs; a null or unreadable timestamp is an error. */
export function entityTimestamps(e: EntityTable, name: string): Result<BigInt64Array> {
  const v = e.table.getChild(name)!;
  const n = v.length;
  const out = new BigInt64Array(n);
  const t = v.type as { typeId: Type; unit?: number };
  let bad = -1;
  if (t.typeId === Type.Timestamp) {
    const { mul, div } = TS_UNIT_DIV[t.unit ?? 2];
    eachChunk(v, (d, base) => {
      const vals = d.values as BigInt64Array;
      if (d.nullCount === 0 && mul === 1n && div === 1n) {
        out.set(vals.subarray(0, d.length), base);
        return;
      }
      for (let i = 0; i < d.length; i++) {
        if (!isValid(d, i)) {
          if (bad < 0) bad = base + i;
          continue;
        }
        const x = vals[i]; // fixed-width values are sliced already; offset is the bitmap's
        out[base + i] = div === 1n ? x * mul : x / div - (x % div !== 0n && x < 0n ? 1n : 0n);
      }
    });
  } else {
    for (let i = 0; i < n; i++) {
      const x = v.get(i) as unknown;
      let us: bigint | null = null;
      if (x instanceof Date) us = BigInt(x.getTime()) * 1000n;
      else if (typeof x === 'number' && t.typeId === Type.Date) us = BigInt(Math.round(x)) * 1000n;
      else if (typeof x === 'string') {
        const p = parseTimestamp(x);
        us = p === null ? null : BigInt(p);
      }
      if (us === null) {
        if (bad < 0) bad = i;
        continue;
      }
      out[i] = us;
    }
  }
  if (bad >= 0) return err('invalid_entity_value', `entity timestamp "${name}" row ${bad}: null or not a timestamp`, { column: name, row: bad });
  return ok(out);
}

const TYPE_NAME: Partial<Record<Type, string>> = { [Type.Int]: 'integer', [Type.Float]: 'float', [Type.Utf8]: 'string', [Type.Binary]: 'bytes', [Type.Bool]: 'bool', [Type.Timestamp]: 'timestamp' };

/**
 * Entity column `column` as the view's join key `key` of `type`: integer
 * columns for int32/int64 (float columns holding whole numbers too, as JS
 * numbers do), strings for string; CSV text is parsed. A null key or another
 * type is an error.
 */
export function entityKeyColumn(e: EntityTable, key: string, type: KeyType, column: string): Result<KeyColumn> {
  const v = e.table.getChild(column);
  if (!v) return err('missing_entity_column', `the entity table has no column "${column}" (join key "${key}"; columns: ${e.table.schema.fields.map((f) => oneLine(f.name)).join(', ')})`, { column });
  const t = v.type as { typeId: Type; bitWidth?: number };
  const mistyped = () =>
    err<KeyColumn>('invalid_entity_value', `entity column "${column}" is ${TYPE_NAME[t.typeId] ?? String(v.type)}, but join key "${key}" is ${type}`, { column, expected: type, actual: String(v.type) });
  const n = v.length;
  const integer = type === 'int64' || type === 'int32' || type === 'unix_timestamp';
  if (integer && t.typeId === Type.Int && t.bitWidth === 64 && v.nullCount === 0 && type !== 'int32') {
    if (v.data.length === 1) return ok({ name: key, type, values: (v.data[0].values as BigInt64Array).subarray(0, n) } as KeyColumn);
    const values = new BigInt64Array(n);
    eachChunk(v, (d, base) => values.set((d.values as BigInt64Array).subarray(0, d.length), base));
    return ok({ name: key, type, values } as KeyColumn);
  }
  const values: (bigint | number | string | Uint8Array | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = v.get(i) as unknown;
    if (x === null || x === undefined) return err('invalid_entity_value', `entity column "${column}" row ${i}: null join key`, { column, row: i });
    if (integer) {
      if (t.typeId === Type.Int) values[i] = x as number | bigint;
      else if (t.typeId === Type.Float && Number.isInteger(x)) values[i] = x as number;
      else if (t.typeId === Type.Utf8 && e.fromText && /^\s*-?\d+\s*$/.test(x as string)) values[i] = BigInt((x as string).trim());
      else if (t.typeId === Type.Float || (t.typeId === Type.Utf8 && e.fromText))
        return err('invalid_entity_value', `entity column "${column}" row ${i}: ${JSON.stringify(String(x))} is not a whole number (join key "${key}" is ${type})`, { column, row: i });
      else return mistyped();
    } else if (type === 'string') {
      if (t.typeId !== Type.Utf8 && t.typeId !== Type.Dictionary) return mistyped();
      values[i] = x as string;
    } else {
      if (t.typeId !== Type.Binary) return mistyped();
      values[i] = x as Uint8Array;
    }
  }
  const kc = keyColumn(key, type, values);
  if (!kc.ok) return err('invalid_entity_value', `entity column "${column}": ${kc.error.message}`, { column });
  return kc;
}
