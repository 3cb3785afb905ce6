import { err, ok, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';
import { Status, statusError } from './status.ts';

/**
 * Entity keys over the WASM kernel (assembly/keys.ts): Feast's
 * serialization-version-3 bytes and their xxHash64 (seed 0), for N rows of K
 * join-key columns at once. Columns are sorted by name (as UTF-8 bytes, i.e.
 * code-point order, which is Python's `sorted` order) before serializing.
 */
export type KeyType = 'int32' | 'int64' | 'string' | 'bytes' | 'unix_timestamp';

/** Feast ValueType codes written into the key bytes. */
export const KEY_TYPE_CODE: Readonly<Record<KeyType, number>> = Object.freeze({
  bytes: 1,
  string: 2,
  int32: 3,
  int64: 4,
  unix_timestamp: 8,
});

/**
 * One join-key column. `validity` is an Arrow-style bitmap (bit i of byte
 * i >> 3, 1 = present); a null key is an error. String data is UTF-8.
 */
export type KeyColumn =
  | { readonly name: string; readonly type: 'int32'; readonly values: Int32Array; readonly validity?: Uint8Array }
  | { readonly name: string; readonly type: 'int64' | 'unix_timestamp'; readonly values: BigInt64Array; readonly validity?: Uint8Array }
  | {
      readonly name: string;
      readonly type: 'string' | 'bytes';
      readonly offsets: Uint32Array | Int32Array;
      readonly data: Uint8Array;
      readonly validity?: Uint8Array;
    };

/** A single key value: numbers and bigints default to int64, strings to string, Uint8Array to bytes. */
export type KeyValue = number | bigint | string | Uint8Array;

export interface SerializedKeys {
  /** n + 1 byte offsets into `data`; row r is data[offsets[r] .. offsets[r+1]). */
  readonly offsets: Uint32Array;
  readonly data: Uint8Array;
  /** xxHash64 (seed 0) of each row's bytes, when requested. */
  readonly hashes?: BigUint64Array;
}

const COL_WORDS = 8; // mirrors COL_SIZE / 4 in assembly/keys.ts
const REASONS: Record<number, string> = {
  1: 'null key value',
  2: 'string/bytes offsets out of order or past the data',
  3: 'key names must be unique and sorted',
  4: 'output capacity exceeded',
  5: 'at least one key column is required',
};

const utf8 = new TextEncoder();

type Prepared = { cols: number; k: number; n: number; names: string[]; headerBytes: number; fixedBytes: number; dataBytes: number };

function rowCount(c: KeyColumn): number {
  return 'offsets' in c ? c.offsets.length - 1 : c.values.length;
}

function checkColumn(c: KeyColumn): string | null {
  switch (c.type) {
    case 'int32':
      return c.values instanceof Int32Array ? null : 'int32 values must be an Int32Array';
    case 'int64':
    case 'unix_timestamp':
      return c.values instanceof BigInt64Array ? null : `${c.type} values must be a BigInt64Array`;
    case 'string':
    case 'bytes':
      if (!(c.offsets instanceof Uint32Array || c.offsets instanceof Int32Array)) return 'offsets must be a Uint32Array or Int32Array';
      if (c.offsets.length < 1) return 'offsets must have n + 1 entries';
      return c.data instanceof Uint8Array ? null : 'data must be a Uint8Array';
    default:
      return `unknown key type ${(c as { type: unknown }).type}`;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Validate, sort by name, and copy the columns into the arena (inside a scope). */
function prepare(k: KernelInstance, kernel: string, columns: readonly KeyColumn[]): Result<Prepared> {
  if (columns.length === 0) return err('invalid_argument', `${kernel}: at least one key column is required`);
  const named = columns.map((c) => ({ c, name: utf8.encode(c.name) }));
  named.sort((a, b) => compareBytes(a.name, b.name));
  const n = rowCount(named[0].c);
  for (let j = 0; j < named.length; j++) {
    const { c } = named[j];
    const problem = checkColumn(c);
    if (problem) return err('invalid_argument', `${kernel}: key "${c.name}": ${problem}`);
    if (j > 0 && compareBytes(named[j - 1].name, named[j].name) === 0) {
      return err('invalid_argument', `${kernel}: duplicate key name "${c.name}"`);
    }
    if (rowCount(c) !== n) return err('invalid_argument', `${kernel}: key columns have different lengths (${named[0].c.name}: ${n}, ${c.name}: ${rowCount(c)})`);
    if (c.validity && c.validity.length < Math.ceil(n / 8)) return err('invalid_argument', `${kernel}: key "${c.name}": validity bitmap too short`);
  }
  const desc = new Uint32Array(COL_WORDS * named.length);
  let headerBytes = 4;
  let fixedBytes = 0;
  let dataBytes = 0;
  for (let j = 0; j < named.length; j++) {
    const { c, name } = named[j];
    const d = j * COL_WORDS;
    desc[d] = KEY_TYPE_CODE[c.type];
    desc[d + 1] = k.copyIn(name);
    desc[d + 2] = name.length;
    headerBytes += 8 + name.length;
    if ('offsets' in c) {
      desc[d + 3] = k.copyIn(c.data);
      desc[d + 4] = k.copyIn(c.offsets);
      desc[d + 5] = c.data.length;
      fixedBytes += 8;
      dataBytes += c.data.length;
    } else {
      desc[d + 3] = k.copyIn(c.values);
      fixedBytes += 8 + (c.type === 'int32' ? 4 : 8);
    }
    desc[d + 6] = c.validity ? k.copyIn(c.validity) : 0;
  }
  return ok({ cols: k.copyIn(desc), k: named.length, n, names: named.map((x) => x.c.name), headerBytes, fixedBytes, dataBytes });
}

function failure<T>(kernel: string, status: number, info: Int32Array, names: readonly string[]): Result<T> {
  const [row, col, reason] = info;
  const base = statusError<T>(kernel, status);
  if (base.ok || reason === 0) return base;
  const where = [col >= 0 ? `key "${names[col]}"` : '', row >= 0 ? `row ${row}` : ''].filter(Boolean).join(', ');
  return err(base.error.code, `${kernel}: ${REASONS[reason] ?? `reason ${reason}`}${where ? ` (${where})` : ''}`, { status: (base.error.details as { status: string }).status, row, key: col >= 0 ? names[col] : undefined });
}

/**
 * Serialize N rows of join keys into Feast v3 entity-key bytes (and, with
 * `{ hashes: true }`, their xxHash64). Columns may come in any order.
 */
export function serializeEntityKeys(k: KernelInstance, columns: readonly KeyColumn[], opts: { hashes?: boolean } = {}): Result<SerializedKeys> {
  const kernel = 'keys_serialize';
  return k.scoped(kernel, () => {
    const p = prepare(k, kernel, columns);
    if (!p.ok) return p;
    const { cols, n, names, headerBytes, fixedBytes, dataBytes } = p.value;
    const cap = n * (headerBytes + fixedBytes) + dataBytes;
    if (cap > 0xffff_fff0) return statusError(kernel, Status.OUT_OF_MEMORY);
    const out = k.alloc(cap);
    const offsets = k.alloc(4 * (n + 1));
    const hashes = opts.hashes ? k.alloc(8 * n) : 0;
    const info = k.alloc(12);
    const fn = k.fn<(...a: number[]) => number>('keys_serialize');
    const status = fn(cols, p.value.k, n, out, cap, offsets, hashes, info);
    if (status !== Status.OK) return failure(kernel, status, k.i32(info, 3).slice(), names);
    const offs = k.u32(offsets, n + 1).slice();
    const data = k.u8(out, offs[n]).slice();
    return ok(hashes ? { offsets: offs, data, hashes: k.u64(hashes, n).slice() } : { offsets: offs, data });
  });
}

/** xxHash64 (seed 0) of each row's Feast v3 key bytes, without materialising the bytes. */
export function hashEntityKeys(k: KernelInstance, columns: readonly KeyColumn[]): Result<BigUint64Array> {
  const kernel = 'keys_hash';
  return k.scoped(kernel, () => {
    const p = prepare(k, kernel, columns);
    if (!p.ok) return p;
    const { cols, n, names } = p.value;
    const hashes = k.alloc(8 * n);
    const info = k.alloc(12);
    const status = k.fn<(...a: number[]) => number>('keys_hash')(cols, p.value.k, n, hashes, info);
    if (status !== Status.OK) return failure(kernel, status, k.i32(info, 3).slice(), names);
    return ok(k.u64(hashes, n).slice());
  });
}

/** xxHash64 (seed 0) of arbitrary bytes, computed by the kernel. */
export function xxHash64(k: KernelInstance, bytes: Uint8Array): Result<bigint> {
  return k.scoped('keys_xxh64', () => {
    const p = k.copyIn(bytes);
    const out = k.alloc(8);
    k.fn<(...a: number[]) => number>('keys_xxh64')(p, bytes.length, out);
    return ok(k.u64(out, 1)[0]);
  });
}

function toInt64(v: KeyValue | null, type: KeyType): bigint | string {
  if (typeof v === 'bigint') return BigInt.asIntN(64, v) === v ? v : `${type} value ${v} out of range`;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : `${type} value ${v} is not a safe integer (pass a bigint)`;
  return `${type} value must be a number or bigint`;
}

/**
 * Build a key column from JS values (null marks a missing key, which the
 * serializer will reject with the row number).
 */
export function keyColumn(name: string, type: KeyType, values: readonly (KeyValue | null)[]): Result<KeyColumn> {
  const n = values.length;
  let validity: Uint8Array | undefined;
  const markNull = (i: number) => {
    validity ??= new Uint8Array(Math.ceil(n / 8)).fill(0xff);
    validity[i >> 3] &= ~(1 << (i & 7));
  };
  const bad = (i: number, why: string) => err<KeyColumn>('invalid_argument', `key "${name}" row ${i}: ${why}`);
  switch (type) {
    case 'int32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null) { markNull(i); continue; }
        const x = typeof v === 'bigint' ? Number(v) : v;
        if (typeof x !== 'number' || !Number.isInteger(x) || x < -0x8000_0000 || x > 0x7fff_ffff) return bad(i, 'int32 value must be an integer in range');
        out[i] = x;
      }
      return ok({ name, type, values: out, validity });
    }
    case 'int64':
    case 'unix_timestamp': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null) { markNull(i); continue; }
        const x = toInt64(v, type);
        if (typeof x === 'string') return bad(i, x);
        out[i] = x;
      }
      return ok({ name, type, values: out, validity });
    }
    case 'string':
    case 'bytes': {
      const parts: Uint8Array[] = [];
      const offsets = new Uint32Array(n + 1);
      let total = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        let b: Uint8Array;
        if (v === null) { markNull(i); b = new Uint8Array(0); }
        else if (type === 'string' && typeof v === 'string') b = utf8.encode(v);
        else if (type === 'bytes' && v instanceof Uint8Array) b = v;
        else return bad(i, `${type} value expected`);
        parts.push(b);
        total += b.length;
        offsets[i + 1] = total;
      }
      const data = new Uint8Array(total);
      for (let i = 0; i < n; i++) data.set(parts[i], offsets[i]);
      return ok({ name, type, offsets, data, validity });
    }
    default:
      return err('invalid_argument', `key "${name}": unknown key type ${String(type)}`);
  }
}

function inferType(v: KeyValue): KeyType | null {
  if (typeof v === 'number' || typeof v === 'bigint') return 'int64';
  if (typeof v === 'string') return 'string';
  if (v instanceof Uint8Array) return 'bytes';
  return null;
}

function singleRow(key: Readonly<Record<string, KeyValue>>, types: Readonly<Record<string, KeyType>>): Result<KeyColumn[]> {
  const cols: KeyColumn[] = [];
  for (const [name, v] of Object.entries(key)) {
    const type = types[name] ?? inferType(v);
    if (!type) return err('invalid_argument', `key "${name}": unsupported value ${String(v)}`);
    const c = keyColumn(name, type, [v]);
    if (!c.ok) return c;
    cols.push(c.value);
  }
  return ok(cols);
}

/**
 * Feast v3 bytes of one entity key, e.g. `entityKeyBytes(k, { driver_id: 1001n })`.
 * Numbers and bigints are int64 unless `types` says otherwise (int32, unix_timestamp).
 */
export function entityKeyBytes(
  k: KernelInstance,
  key: Readonly<Record<string, KeyValue>>,
  types: Readonly<Record<string, KeyType>> = {},
): Result<Uint8Array> {
  const cols = singleRow(key, types);
  if (!cols.ok) return cols;
  const r = serializeEntityKeys(k, cols.value);
  return r.ok ? ok(r.value.data) : r;
}

/** xxHash64 (seed 0) of one entity key's Feast v3 bytes. */
export function entityKeyHash(
  k: KernelInstance,
  key: Readonly<Record<string, KeyValue>>,
  types: Readonly<Record<string, KeyType>> = {},
): Result<bigint> {
  const cols = singleRow(key, types);
  if (!cols.ok) return cols;
  const r = hashEntityKeys(k, cols.value);
  return r.ok ? ok(r.value[0]) : r;
}
