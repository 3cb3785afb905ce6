// Parquet page headers (Thrift compact protocol, parquet.thrift PageHeader).
// Only the fields a reader needs are kept; everything else (statistics, crc,
// index page headers, future fields) is skipped by type. Nesting is limited so
// a crafted header cannot exhaust the stack, and every read is bounds-checked.
import { OK, ERR_BAD_ARGUMENT, ERR_TRUNCATED } from "./status";

// Output slots (i32 each) written by pq_page_header.
export const H_LENGTH = 0;        // header bytes
export const H_TYPE = 1;          // PageType: 0 data, 1 index, 2 dictionary, 3 data v2
export const H_UNCOMPRESSED = 2;
export const H_COMPRESSED = 3;
export const H_NUM_VALUES = 4;    // data v1 / v2 / dictionary page
export const H_ENCODING = 5;
export const H_DEF_ENCODING = 6;  // v1 only
export const H_REP_ENCODING = 7;  // v1 only
export const H_NUM_NULLS = 8;     // v2 only
export const H_NUM_ROWS = 9;      // v2 only
export const H_DEF_LENGTH = 10;   // v2 only
export const H_REP_LENGTH = 11;   // v2 only
export const H_IS_COMPRESSED = 12; // v2 only, default 1
export const H_SLOTS = 16;

const T_STOP: u32 = 0;
const T_TRUE: u32 = 1;
const T_FALSE: u32 = 2;
const T_BYTE: u32 = 3;
const T_I16: u32 = 4;
const T_I32: u32 = 5;
const T_I64: u32 = 6;
const T_DOUBLE: u32 = 7;
const T_BINARY: u32 = 8;
const T_LIST: u32 = 9;
const T_SET: u32 = 10;
const T_MAP: u32 = 11;
const T_STRUCT: u32 = 12;
const MAX_DEPTH: i32 = 16;

let p: usize = 0;
let end: usize = 0;
let bad: bool = false;

function byte(): u32 {
  if (p >= end) {
    bad = true;
    return 0;
  }
  const b = <u32>load<u8>(p);
  p++;
  return b;
}

function varint(): u64 {
  let v: u64 = 0;
  let shift: u64 = 0;
  while (!bad) {
    const b = byte();
    if (shift < 64) v |= <u64>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v;
    shift += 7;
    if (shift > 70) bad = true;
  }
  return 0;
}

function zigzag(): i64 {
  const v = varint();
  return <i64>(v >> 1) ^ -<i64>(v & 1);
}

/** An i32 field; out-of-range values mark the header bad. */
function i32field(type: u32): i32 {
  if (type != T_I32 && type != T_I16 && type != T_I64) {
    bad = true;
    return 0;
  }
  const v = zigzag();
  if (v < <i64>i32.MIN_VALUE || v > <i64>i32.MAX_VALUE) bad = true;
  return <i32>v;
}

function skip(type: u32, depth: i32): void {
  if (bad) return;
  if (depth > MAX_DEPTH) {
    bad = true;
    return;
  }
  switch (type) {
    case T_TRUE:
    case T_FALSE:
      return; // value lives in the field header (struct) or in a byte (list: handled by caller)
    case T_BYTE:
      byte();
      return;
    case T_I16:
    case T_I32:
    case T_I64:
      varint();
      return;
    case T_DOUBLE:
      if (end - p < 8) bad = true;
      else p += 8;
      return;
    case T_BINARY: {
      const n = varint();
      if (n > <u64>(end - p)) bad = true;
      else p += <usize>n;
      return;
    }
    case T_LIST:
    case T_SET: {
      const h = byte();
      let n = <u64>(h >> 4);
      if (n == 15) n = varint();
      const et = h & 15;
      if (n > <u64>(end - p)) {
        bad = true; // every element takes at least one byte
        return;
      }
      for (let i: u64 = 0; i < n && !bad; i++) {
        if (et == T_TRUE || et == T_FALSE) byte();
        else skip(et, depth + 1);
      }
      return;
    }
    case T_MAP: {
      const n = varint();
      if (n == 0) return;
      const kv = byte();
      if (n > <u64>(end - p)) {
        bad = true;
        return;
      }
      for (let i: u64 = 0; i < n && !bad; i++) {
        const kt = kv >> 4;
        const vt = kv & 15;
        if (kt == T_TRUE || kt == T_FALSE) byte();
        else skip(kt, depth + 1);
        if (vt == T_TRUE || vt == T_FALSE) byte();
        else skip(vt, depth + 1);
      }
      return;
    }
    case T_STRUCT:
      skipStruct(depth + 1);
      return;
    default:
      bad = true;
  }
}

/** Field header: returns the type (T_STOP at the end), updating the field id. */
let fid: i32 = 0;
function fieldHeader(): u32 {
  const b = byte();
  if (bad) return T_STOP;
  const t = b & 15;
  if (t == T_STOP) return T_STOP;
  const delta = <i32>(b >> 4);
  if (delta != 0) fid += delta;
  else {
    const z = zigzag();
    if (z < -32768 || z > 32767) bad = true;
    fid = <i32>z;
  }
  return t;
}

function skipStruct(depth: i32): void {
  const saved = fid;
  fid = 0;
  while (!bad) {
    const t = fieldHeader();
    if (t == T_STOP) break;
    skip(t, depth);
  }
  fid = saved;
}

/** DataPageHeader (field 5) or DataPageHeaderV2 (field 8) or DictionaryPageHeader (field 7). */
function pageStruct(out: usize, which: i32): void {
  const saved = fid;
  fid = 0;
  while (!bad) {
    const t = fieldHeader();
    if (t == T_STOP) break;
    const id = fid;
    if (which == 5) {
      if (id == 1) store<i32>(out + (H_NUM_VALUES << 2), i32field(t));
      else if (id == 2) store<i32>(out + (H_ENCODING << 2), i32field(t));
      else if (id == 3) store<i32>(out + (H_DEF_ENCODING << 2), i32field(t));
      else if (id == 4) store<i32>(out + (H_REP_ENCODING << 2), i32field(t));
      else skip(t, 1);
    } else if (which == 7) {
      if (id == 1) store<i32>(out + (H_NUM_VALUES << 2), i32field(t));
      else if (id == 2) store<i32>(out + (H_ENCODING << 2), i32field(t));
      else skip(t, 1);
    } else {
      if (id == 1) store<i32>(out + (H_NUM_VALUES << 2), i32field(t));
      else if (id == 2) store<i32>(out + (H_NUM_NULLS << 2), i32field(t));
      else if (id == 3) store<i32>(out + (H_NUM_ROWS << 2), i32field(t));
      else if (id == 4) store<i32>(out + (H_ENCODING << 2), i32field(t));
      else if (id == 5) store<i32>(out + (H_DEF_LENGTH << 2), i32field(t));
      else if (id == 6) store<i32>(out + (H_REP_LENGTH << 2), i32field(t));
      else if (id == 7 && (t == T_TRUE || t == T_FALSE)) store<i32>(out + (H_IS_COMPRESSED << 2), t == T_TRUE ? 1 : 0);
      else skip(t, 1);
    }
  }
  fid = saved;
}

/**
 * Parse one PageHeader at src (at most srcLen bytes) into out (H_SLOTS i32).
 * Missing fields are -1 (H_IS_COMPRESSED defaults to 1). Returns
 * ERR_TRUNCATED for a malformed or cut header, or one that lacks a type or
 * sizes; the sizes themselves are checked by the caller.
 */
export function pq_page_header(src: usize, srcLen: i32, out: usize): i32 {
  if (srcLen < 0) return ERR_BAD_ARGUMENT;
  for (let i = 0; i < H_SLOTS; i++) store<i32>(out + (<usize>i << 2), -1);
  store<i32>(out + (H_IS_COMPRESSED << 2), 1);
  p = src;
  end = src + <usize>srcLen;
  bad = false;
  fid = 0;
  while (!bad) {
    const t = fieldHeader();
    if (t == T_STOP) break;
    const id = fid;
    if (id == 1) store<i32>(out + (H_TYPE << 2), i32field(t));
    else if (id == 2) store<i32>(out + (H_UNCOMPRESSED << 2), i32field(t));
    else if (id == 3) store<i32>(out + (H_COMPRESSED << 2), i32field(t));
    else if ((id == 5 || id == 7 || id == 8) && t == T_STRUCT) pageStruct(out, id);
    else skip(t, 1);
  }
  if (bad) return ERR_TRUNCATED;
  if (load<i32>(out + (H_TYPE << 2)) < 0 || load<i32>(out + (H_UNCOMPRESSED << 2)) < 0 || load<i32>(out + (H_COMPRESSED << 2)) < 0) {
    return ERR_TRUNCATED;
  }
  store<i32>(out, <i32>(p - src));
  return OK;
}
