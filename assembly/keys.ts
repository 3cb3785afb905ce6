// Entity keys: Feast serialization-version-3 bytes and a 64-bit key hash.
//
// Bytes of one row (all integers little-endian; keys sorted by name, which the
// kernel checks: names must be strictly ascending as bytes):
//   u32 count
//   per key:   u32 2 (STRING), u32 byteLength(name), utf8(name)
//   per value: u32 type, u32 byteLength(value), value
// Value types (Feast ValueType): bytes 1, string 2, int32 3 (4 bytes),
// int64 4 (8 bytes), unix timestamp 8 (8 bytes, the i64 as given).
//
// Hash: xxHash64, seed 0, of exactly those bytes. keys_hash computes it by
// streaming the row through the hasher without materialising the bytes.
//
// Columns arrive in linear memory; the host passes `cols`, an array of
// `k` descriptors of 8 u32 each (COL_* offsets below). int32 values are an
// Int32Array, int64/unix timestamps a BigInt64Array, strings/bytes an offsets
// array (n + 1 u32) plus data. Validity is an Arrow-style bitmap (bit i of
// byte i>>3, 1 = valid) or 0 for "all valid"; a null key is an error.
//
// Errors: the status, plus `err` = [row, column, reason] (i32 each).
import { OK, ERR_BAD_ARGUMENT, ERR_BAD_TYPE, ERR_OUT_OF_RANGE } from "./status";
import { copyBytes } from "./copy-bytes";

const T_BYTES: u32 = 1;
const T_STRING: u32 = 2;
const T_INT32: u32 = 3;
const T_INT64: u32 = 4;
const T_UNIX_TS: u32 = 8;

const COL_TYPE: usize = 0;
const COL_NAME: usize = 4;
const COL_NAME_LEN: usize = 8;
const COL_VALUES: usize = 12; // Int32Array / BigInt64Array, or the data of a string/bytes column
const COL_OFFSETS: usize = 16; // string/bytes: n + 1 u32
const COL_DATA_LEN: usize = 20; // string/bytes: bytes in data
const COL_VALIDITY: usize = 24; // bitmap or 0
const COL_SIZE: usize = 32;

// Reasons written to err[2]; the host turns them into messages.
const R_NULL_KEY: i32 = 1;
const R_BAD_OFFSETS: i32 = 2;
const R_NOT_SORTED: i32 = 3;
const R_CAPACITY: i32 = 4;
const R_NO_KEYS: i32 = 5;

import { P1, P2, P4, P5, round, merge, finish, xxh64 } from "./xxhash";

// Streaming state. The buffer holds < 32 pending bytes between feeds; feed4
// and feed8 may overrun it by up to 8 bytes before the stripe is flushed.
const SBUF: usize = memory.data(48, 16);
let s1: u64 = 0;
let s2: u64 = 0;
let s3: u64 = 0;
let s4: u64 = 0;
let sTotal: u64 = 0;
let sLen: usize = 0;

// Snapshot after the constant key-name header, restored for every row.
const HBUF: usize = memory.data(48, 16);
let h1: u64 = 0;
let h2: u64 = 0;
let h3: u64 = 0;
let h4: u64 = 0;
let hTotal: u64 = 0;
let hLen: usize = 0;

// @ts-ignore: decorator
@inline function stripe(p: usize): void {
  s1 = round(s1, load<u64>(p));
  s2 = round(s2, load<u64>(p, 8));
  s3 = round(s3, load<u64>(p, 16));
  s4 = round(s4, load<u64>(p, 24));
}

function streamStart(): void {
  s1 = P1 + P2;
  s2 = P2;
  s3 = 0;
  s4 = 0 - P1;
  sTotal = 0;
  sLen = 0;
}

// @ts-ignore: decorator
@inline function flushIfFull(): void {
  if (sLen >= 32) {
    stripe(SBUF);
    sLen -= 32;
    if (sLen > 0) memory.copy(SBUF, SBUF + 32, sLen);
  }
}

function feed4(x: u32): void {
  store<u32>(SBUF + sLen, x);
  sLen += 4;
  sTotal += 4;
  flushIfFull();
}

function feed8(x: u64): void {
  store<u64>(SBUF + sLen, x);
  sLen += 8;
  sTotal += 8;
  flushIfFull();
}

function feedBytes(p: usize, len: usize): void {
  sTotal += <u64>len;
  if (sLen > 0) {
    const take = min<usize>(32 - sLen, len);
    memory.copy(SBUF + sLen, p, take);
    sLen += take;
    p += take;
    len -= take;
    if (sLen < 32) return;
    stripe(SBUF);
    sLen = 0;
  }
  while (len >= 32) {
    stripe(p);
    p += 32;
    len -= 32;
  }
  if (len > 0) {
    memory.copy(SBUF, p, len);
    sLen = len;
  }
}

function streamDigest(): u64 {
  let h: u64;
  if (sTotal >= 32) {
    h = rotl<u64>(s1, 1) + rotl<u64>(s2, 7) + rotl<u64>(s3, 12) + rotl<u64>(s4, 18);
    h = merge(h, s1);
    h = merge(h, s2);
    h = merge(h, s3);
    h = merge(h, s4);
  } else {
    h = P5;
  }
  return finish(h + sTotal, SBUF, sLen);
}

function saveSnapshot(): void {
  h1 = s1;
  h2 = s2;
  h3 = s3;
  h4 = s4;
  hTotal = sTotal;
  hLen = sLen;
  memory.copy(HBUF, SBUF, sLen);
}

// @ts-ignore: decorator
@inline function restoreSnapshot(): void {
  s1 = h1;
  s2 = h2;
  s3 = h3;
  s4 = h4;
  sTotal = hTotal;
  sLen = hLen;
  memory.copy(SBUF, HBUF, hLen);
}

/** xxHash64 (seed 0) of `len` bytes at `ptr` into out[0]: for tests and ad-hoc use. */
export function keys_xxh64(ptr: usize, len: usize, out: usize): i32 {
  store<u64>(out, xxh64(ptr, len));
  return OK;
}

// ---------------------------------------------------------------- columns


// @ts-ignore: decorator
@inline function colType(c: usize): u32 { return load<u32>(c + COL_TYPE); }

// @ts-ignore: decorator
@inline function isValid(validity: usize, row: i32): bool {
  return validity == 0 || ((load<u8>(validity + (<usize>row >> 3)) >> (<u32>row & 7)) & 1) != 0;
}

function fail(err: usize, status: i32, row: i32, col: i32, reason: i32): i32 {
  store<i32>(err, row);
  store<i32>(err, col, 4);
  store<i32>(err, reason, 8);
  return status;
}

/** Byte-wise comparison of two names: <0, 0 or >0. */
function compareNames(a: usize, alen: u32, b: usize, blen: u32): i32 {
  const n = min<u32>(alen, blen);
  for (let i: u32 = 0; i < n; i++) {
    const x = <i32>load<u8>(a + i);
    const y = <i32>load<u8>(b + i);
    if (x != y) return x - y;
  }
  return <i32>alen - <i32>blen;
}

/** Check k, n, the type codes and that names are strictly ascending. */
function checkColumns(cols: usize, k: i32, n: i32, err: usize): i32 {
  if (k <= 0) return fail(err, ERR_BAD_ARGUMENT, -1, -1, R_NO_KEYS);
  if (n < 0) return fail(err, ERR_BAD_ARGUMENT, -1, -1, 0);
  for (let j = 0; j < k; j++) {
    const c = cols + <usize>j * COL_SIZE;
    const t = colType(c);
    if (t != T_BYTES && t != T_STRING && t != T_INT32 && t != T_INT64 && t != T_UNIX_TS) {
      return fail(err, ERR_BAD_TYPE, -1, j, 0);
    }
    if (j > 0) {
      const p = c - COL_SIZE;
      const order = compareNames(load<u32>(p + COL_NAME), load<u32>(p + COL_NAME_LEN), load<u32>(c + COL_NAME), load<u32>(c + COL_NAME_LEN));
      if (order >= 0) return fail(err, ERR_BAD_ARGUMENT, -1, j, R_NOT_SORTED);
    }
  }
  return OK;
}

/**
 * Validate row `i` of column `c` (non-null, offsets in range). Sets `vStart`
 * and `vLen` to the value's bytes.
 */
let vStart: usize = 0;
let vLen: u32 = 0;
function locate(c: usize, i: i32, j: i32, err: usize): i32 {
  if (!isValid(load<u32>(c + COL_VALIDITY), i)) return fail(err, ERR_BAD_ARGUMENT, i, j, R_NULL_KEY);
  const t = colType(c);
  const values = <usize>load<u32>(c + COL_VALUES);
  if (t == T_INT32) {
    vStart = values + (<usize>i << 2);
    vLen = 4;
  } else if (t == T_INT64 || t == T_UNIX_TS) {
    vStart = values + (<usize>i << 3);
    vLen = 8;
  } else {
    const off = <usize>load<u32>(c + COL_OFFSETS) + (<usize>i << 2);
    const a = load<u32>(off);
    const b = load<u32>(off, 4);
    if (b < a || b > load<u32>(c + COL_DATA_LEN)) return fail(err, ERR_BAD_ARGUMENT, i, j, R_BAD_OFFSETS);
    vStart = values + a;
    vLen = b - a;
  }
  return OK;
}

/**
 * Serialize n rows of k sorted key columns. Writes row r's bytes to
 * out[outOffsets[r] .. outOffsets[r+1]) (outOffsets has n + 1 u32, the first
 * is 0) and, when `hashes` is not 0, their xxHash64 to hashes[r] (u64).
 * `cap` is the capacity of `out`; exceeding it is ERR_OUT_OF_RANGE.
 */
export function keys_serialize(cols: usize, k: i32, n: i32, out: usize, cap: u32, outOffsets: usize, hashes: usize, err: usize): i32 {
  const s = checkColumns(cols, k, n, err);
  if (s != OK) return s;
  // Header length: count + per key (type, length, name).
  let hdr: u64 = 4;
  for (let j = 0; j < k; j++) hdr += 8 + <u64>load<u32>(cols + <usize>j * COL_SIZE + COL_NAME_LEN);
  let pos: u64 = 0;
  store<u32>(outOffsets, 0);
  for (let i = 0; i < n; i++) {
    const rowStart = pos;
    if (pos + hdr > <u64>cap) return fail(err, ERR_OUT_OF_RANGE, i, -1, R_CAPACITY);
    const base = out + <usize>pos;
    if (i == 0) {
      store<u32>(base, <u32>k);
      let p = base + 4;
      for (let j = 0; j < k; j++) {
        const c = cols + <usize>j * COL_SIZE;
        const len = load<u32>(c + COL_NAME_LEN);
        store<u32>(p, T_STRING);
        store<u32>(p, len, 4);
        memory.copy(p + 8, <usize>load<u32>(c + COL_NAME), len);
        p += 8 + <usize>len;
      }
    } else {
      copyBytes(base, out, <usize>hdr);
    }
    pos += hdr;
    for (let j = 0; j < k; j++) {
      const c = cols + <usize>j * COL_SIZE;
      const st = locate(c, i, j, err);
      if (st != OK) return st;
      if (pos + 8 + <u64>vLen > <u64>cap) return fail(err, ERR_OUT_OF_RANGE, i, j, R_CAPACITY);
      const p = out + <usize>pos;
      store<u32>(p, colType(c));
      store<u32>(p, vLen, 4);
      copyBytes(p + 8, vStart, vLen);
      pos += 8 + <u64>vLen;
    }
    store<u32>(outOffsets + ((<usize>i + 1) << 2), <u32>pos);
    if (hashes != 0) store<u64>(hashes + (<usize>i << 3), xxh64(out + <usize>rowStart, <usize>(pos - rowStart)));
  }
  return OK;
}

/**
 * The hash-only fast path: hashes[r] = xxHash64 of row r's serialized bytes,
 * computed by streaming the constant header once and each row's values
 * through the hasher, without writing the bytes anywhere.
 */
export function keys_hash(cols: usize, k: i32, n: i32, hashes: usize, err: usize): i32 {
  const s = checkColumns(cols, k, n, err);
  if (s != OK) return s;
  streamStart();
  feed4(<u32>k);
  for (let j = 0; j < k; j++) {
    const c = cols + <usize>j * COL_SIZE;
    const len = load<u32>(c + COL_NAME_LEN);
    feed4(T_STRING);
    feed4(len);
    feedBytes(<usize>load<u32>(c + COL_NAME), len);
  }
  saveSnapshot();
  for (let i = 0; i < n; i++) {
    restoreSnapshot();
    for (let j = 0; j < k; j++) {
      const c = cols + <usize>j * COL_SIZE;
      const st = locate(c, i, j, err);
      if (st != OK) return st;
      const t = colType(c);
      feed4(t);
      feed4(vLen);
      if (vLen == 8) feed8(load<u64>(vStart));
      else if (t == T_INT32) feed4(load<u32>(vStart));
      else feedBytes(vStart, vLen);
    }
    store<u64>(hashes + (<usize>i << 3), streamDigest());
  }
  return OK;
}
