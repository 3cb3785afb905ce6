// Feature-vector codec: one view's values for one entity as a versioned row.
//
// ROW FORMAT, VERSION 1 (all integers little-endian)
//
//   size      field
//   1         version = 1
//   1         flags: bits 0-1 created-timestamp mode (0 null, 1 equal to the
//             event timestamp, 2 stored); bits 2-3 offset-table width
//             (0 u8, 1 u16, 2 u32); bits 4-7 zero. Mode 3 and width 3 are invalid.
//   1..5      n, the number of fields in the row (canonical uleb128, n <= the
//             schema's field count). Fields n.. decode as null, so a schema may
//             grow by appending fields. The encoder writes n = 1 + the index of
//             the last non-null field.
//   8         event timestamp, i64 epoch microseconds
//   0 | 8     created timestamp, i64 (mode 2 only)
//   ceil(n/4) codes: 2 bits per field, field i in byte i >> 2 at bit 2 * (i & 3);
//             bits past field n-1 are zero. Code 0 is always null (no bytes).
//   ...       fixed section: the payloads of fixed-width fields in schema order;
//             the width follows from (type, code), so no tags are stored:
//               type            code 1       code 2          code 3
//               bool            false, 0 B   true, 0 B       invalid
//               int32           i8           i16             i32
//               int64, unix_ts  i8           i32             i64
//               float32         f32 bits     +0.0, 0 B       invalid
//               float64         f64 bits     f32 (exact), 4  +0.0, 0 B
//             (narrow forms sign-extend; f64 is narrowed only when not NaN and
//             the f32 widens back to the same bits, so floats round-trip bit-exact)
//   p * w     offset table: for each of the p variable fields with code 1, in
//             schema order, the END of its payload relative to the variable
//             section; w = 1, 2 or 4 bytes (flags). Non-decreasing.
//   ...       variable section: the payloads back to back. The row ends exactly
//             at the last end offset (so truncation anywhere is detected).
//             Variable types (string, bytes, list<...>): code 1 payload, code 2
//             empty (0 B, no table entry), code 3 invalid. Payloads:
//               string / bytes            UTF-8 / raw bytes
//               list<bool>                one byte per element, 0 or 1
//               list<int32 | float32>     4 bytes per element (raw bits)
//               list<int64 | float64 | unix_ts>   8 bytes per element
//               list<string | bytes>      per element: uleb128 length, bytes
//             List elements are never null.
//
// SCHEMA: one type code (u8) per field, Feast ValueType numbers: bytes 1,
// string 2, int32 3, int64 4, float64 5, float32 6, bool 7, unix_timestamp 8,
// list<T> = 10 + T (11..18).
//
// ERRORS: kernels return a status (assembly/status.ts) and write
// err = [row, field, reason] (i32 each, -1 when not applicable). Malformed rows
// give ERR_TRUNCATED ("truncated or corrupt", reason says which check),
// a wrong first byte ERR_BAD_VERSION, a row with more fields than the schema
// ERR_BAD_ARGUMENT, an unknown schema type ERR_BAD_TYPE. Checks run in the
// order the bytes are read; the first failure wins. Kernels never trap.
import { OK, ERR_BAD_ARGUMENT, ERR_BAD_TYPE, ERR_TRUNCATED, ERR_BAD_VERSION, ERR_OUT_OF_RANGE } from "./status";
import { copyBytes } from "./copy-bytes";

const VERSION: u8 = 1;
const NULL_TS: i64 = i64.MIN_VALUE;

// Reasons (err[2]); mirrored by src/kernel/codec.ts.
const R_SHORT: i32 = 1; // ran out of bytes
const R_FLAGS: i32 = 2; // reserved flag bits or modes
const R_VARINT: i32 = 3; // malformed field count
const R_CODE: i32 = 4; // reserved 2-bit code for the field's type
const R_PADDING: i32 = 5; // code bits past the last field not zero
const R_OFFSETS: i32 = 6; // offset table decreasing
const R_TRAILING: i32 = 7; // bytes after the last payload
const R_PAYLOAD: i32 = 8; // a list payload is malformed
const R_FIELDS: i32 = 9; // more fields than the schema
const R_SCHEMA: i32 = 10; // unknown schema type code
const R_INPUT: i32 = 11; // encode input offsets out of order or out of range
const R_CAPACITY: i32 = 12; // output buffer too small
const R_ROWS: i32 = 13; // row offsets out of order or out of range

// Schema type codes.
const T_BYTES: u32 = 1;
const T_STRING: u32 = 2;
const T_INT32: u32 = 3;
const T_INT64: u32 = 4;
const T_FLOAT64: u32 = 5;
const T_FLOAT32: u32 = 6;
const T_BOOL: u32 = 7;
const T_UNIX_TS: u32 = 8;
const T_LIST: u32 = 10;

const VAR: u8 = 0xfe;
const BAD: u8 = 0xff;

// Payload width by type * 4 + code; VAR marks a table entry, BAD an invalid code.
const WIDTH: usize = memory.data<u8>([
  BAD, BAD, BAD, BAD, // 0
  0, VAR, 0, BAD, // 1 bytes
  0, VAR, 0, BAD, // 2 string
  0, 1, 2, 4, // 3 int32
  0, 1, 4, 8, // 4 int64
  0, 8, 4, 0, // 5 float64
  0, 4, 0, BAD, // 6 float32
  0, 0, 0, BAD, // 7 bool
  0, 1, 4, 8, // 8 unix_timestamp
  BAD, BAD, BAD, BAD, // 9
  BAD, BAD, BAD, BAD, // 10
  0, VAR, 0, BAD, // 11 list<bytes>
  0, VAR, 0, BAD, // 12 list<string>
  0, VAR, 0, BAD, // 13 list<int32>
  0, VAR, 0, BAD, // 14 list<int64>
  0, VAR, 0, BAD, // 15 list<float64>
  0, VAR, 0, BAD, // 16 list<float32>
  0, VAR, 0, BAD, // 17 list<bool>
  0, VAR, 0, BAD, // 18 list<unix_timestamp>
]);

// Bytes per value in a decoded column (fixed types) or per list element
// (list types; 0 for list<string|bytes>).
const ELEM: usize = memory.data<u8>([0, 0, 0, 4, 8, 8, 4, 1, 8, 0, 0, 0, 0, 4, 8, 8, 4, 1, 8]);

// @ts-ignore: decorator
@inline function isFixed(t: u32): bool { return t >= T_INT32 && t <= T_UNIX_TS; }
// @ts-ignore: decorator
@inline function isStrList(t: u32): bool { return t == T_LIST + T_BYTES || t == T_LIST + T_STRING; }
// @ts-ignore: decorator
@inline function isList(t: u32): bool { return t > T_LIST; }
// @ts-ignore: decorator
@inline function elemWidth(t: u32): u32 { return <u32>load<u8>(ELEM + t); }

function fail(err: usize, status: i32, row: i32, field: i32, reason: i32): i32 {
  store<i32>(err, row);
  store<i32>(err, field, 4);
  store<i32>(err, reason, 8);
  return status;
}

function checkSchema(schema: usize, nf: i32, err: usize): i32 {
  if (nf < 0) return fail(err, ERR_BAD_ARGUMENT, -1, -1, 0);
  for (let f = 0; f < nf; f++) {
    const t = <u32>load<u8>(schema + f);
    if (t == 0 || t > 18 || t == 9 || t == 10) return fail(err, ERR_BAD_TYPE, -1, f, R_SCHEMA);
  }
  return OK;
}


// ---------------------------------------------------------------- parsing

// The parsed row (valid after parseRow returns OK).
let pN: i32 = 0; // fields in the row
let pEvent: i64 = 0;
let pCreated: i64 = 0;
let pCodes: usize = 0;
let pFixed: usize = 0; // start of the fixed section
let pTable: usize = 0;
let pOw: u32 = 1; // offset width in bytes
let pVar: usize = 0; // start of the variable section
let pField: i32 = -1; // field of the last parse error

// @ts-ignore: decorator
@inline function codeOf(f: i32): u32 {
  return (<u32>load<u8>(pCodes + (<usize>f >> 2)) >> ((<u32>f & 3) << 1)) & 3;
}

// @ts-ignore: decorator
@inline function endOf(j: i32): u32 {
  if (pOw == 1) return <u32>load<u8>(pTable + <usize>j);
  if (pOw == 2) return <u32>load<u16>(pTable + (<usize>j << 1));
  return load<u32>(pTable + (<usize>j << 2));
}

/** Validate a list payload of type t at [p, p + len). */
function checkPayload(t: u32, p: usize, len: u32): bool {
  if (!isList(t)) return true;
  if (isStrList(t)) {
    const end = p + <usize>len;
    while (p < end) {
      let l: u32 = 0;
      let shift: u32 = 0;
      let i = 0;
      while (true) {
        if (p >= end) return false;
        const b = <u32>load<u8>(p++);
        if (i == 4 && b > 0x0f) return false;
        l |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          if (i > 0 && b == 0) return false;
          break;
        }
        shift += 7;
        i++;
      }
      if (<usize>l > end - p) return false;
      p += <usize>l;
    }
    return true;
  }
  const w = elemWidth(t);
  if (len % w != 0) return false;
  if (t == T_LIST + T_BOOL) {
    for (let i: u32 = 0; i < len; i++) if (load<u8>(p + i) > 1) return false;
  }
  return true;
}

/**
 * Parse and validate one row against the schema; fills the p* globals. With
 * `deep`, list payload contents are checked too; callers that walk the
 * payloads in field order anyway pass false and call checkPayload themselves,
 * so the first failure is the same either way.
 */
function parseRow(schema: usize, nf: i32, row: usize, len: u32, deep: bool): i32 {
  pField = -1;
  if (len < 1) return R_SHORT;
  if (load<u8>(row) != VERSION) return -1;
  if (len < 2) return R_SHORT;
  const flags = <u32>load<u8>(row, 1);
  const cm = flags & 3;
  const ow = (flags >> 2) & 3;
  if ((flags & 0xf0) != 0 || cm == 3 || ow == 3) return R_FLAGS;
  pOw = <u32>1 << ow;
  let pos: u32 = 2;
  let n: u32 = 0;
  for (let i: u32 = 0; ; i++) {
    if (pos >= len) return R_SHORT;
    const b = <u32>load<u8>(row + pos++);
    if (i == 4 && b > 0x0f) return R_VARINT;
    n |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      if (i > 0 && b == 0) return R_VARINT;
      break;
    }
    if (i == 4) return R_VARINT;
  }
  if (n > <u32>nf) return R_FIELDS;
  pN = <i32>n;
  if (len - pos < 8) return R_SHORT;
  pEvent = load<i64>(row + pos);
  pos += 8;
  if (cm == 2) {
    if (len - pos < 8) return R_SHORT;
    pCreated = load<i64>(row + pos);
    pos += 8;
  } else {
    pCreated = cm == 1 ? pEvent : NULL_TS;
  }
  const nb = (n + 3) >> 2;
  if (len - pos < nb) return R_SHORT;
  pCodes = row + pos;
  pos += nb;
  if ((n & 3) != 0 && (<u32>load<u8>(pCodes + nb - 1) >> ((n & 3) << 1)) != 0) return R_PADDING;
  let fixed: u32 = 0;
  let p: u32 = 0;
  for (let f = 0; f < pN; f++) {
    const w = load<u8>(WIDTH + ((<usize>load<u8>(schema + f)) << 2) + codeOf(f));
    if (w == BAD) {
      pField = f;
      return R_CODE;
    }
    if (w == VAR) p++;
    else fixed += <u32>w;
  }
  if (len - pos < fixed) return R_SHORT;
  pFixed = row + pos;
  pos += fixed;
  if (<u64>(len - pos) < <u64>p * <u64>pOw) return R_SHORT;
  pTable = row + pos;
  pos += p * pOw;
  pVar = row + pos;
  const varLen = len - pos;
  let prev: u32 = 0;
  for (let j = 0; j < <i32>p; j++) {
    const e = endOf(j);
    if (e < prev) return R_OFFSETS;
    prev = e;
  }
  if (prev > varLen) return R_SHORT;
  if (prev < varLen) return R_TRAILING;
  // Payload contents, for list types.
  if (deep && p > 0) {
    let j = 0;
    prev = 0;
    for (let f = 0; f < pN; f++) {
      const t = <u32>load<u8>(schema + f);
      if (isFixed(t) || codeOf(f) != 1) continue;
      const e = endOf(j++);
      if (!checkPayload(t, pVar + prev, e - prev)) {
        pField = f;
        return R_PAYLOAD;
      }
      prev = e;
    }
  }
  return 0;
}

/** parseRow, turned into a status and err record. */
function parse(schema: usize, nf: i32, row: usize, len: u32, r: i32, err: usize, deep: bool): i32 {
  const reason = parseRow(schema, nf, row, len, deep);
  if (reason == 0) return OK;
  if (reason < 0) return fail(err, ERR_BAD_VERSION, r, -1, 0);
  if (reason == R_FIELDS) return fail(err, ERR_BAD_ARGUMENT, r, -1, R_FIELDS);
  return fail(err, ERR_TRUNCATED, r, pField, reason);
}

/** Decoded bits of a fixed-width field: integers sign-extended to i64, float32 as its bits, float64 as its bits. */
function fixedBits(t: u32, c: u32, p: usize): u64 {
  switch (t) {
    case T_BOOL:
      return c == 2 ? 1 : 0;
    case T_INT32:
      if (c == 1) return <u64><i64>load<i8>(p);
      if (c == 2) return <u64><i64>load<i16>(p);
      return <u64><i64>load<i32>(p);
    case T_FLOAT32:
      return c == 1 ? <u64>load<u32>(p) : 0;
    case T_FLOAT64:
      if (c == 1) return load<u64>(p);
      if (c == 2) return reinterpret<u64>(<f64>load<f32>(p));
      return 0;
    default: // int64, unix timestamp
      if (c == 1) return <u64><i64>load<i8>(p);
      if (c == 2) return <u64><i64>load<i32>(p);
      return load<u64>(p);
  }
}

// ---------------------------------------------------------------- single row

const ENTRY: usize = 16;

/** Count list<string|bytes> elements at [p, p+len) and append (start - row, length) pairs to aux. */
function splitElements(p: usize, len: u32, row: usize, aux: usize, count: u32): u32 {
  const end = p + <usize>len;
  while (p < end) {
    let l: u32 = 0;
    let shift: u32 = 0;
    while (true) {
      const b = <u32>load<u8>(p++);
      l |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) break;
      shift += 7;
    }
    const at = aux + (<usize>count << 3);
    store<u32>(at, <u32>(p - row));
    store<u32>(at, l, 4);
    count++;
    p += <usize>l;
  }
  return count;
}

/**
 * Write one decoded entry: state (0 null, 1 value) at +0; fixed values as
 * 8 bytes at +8; variable values as start (relative to the row) at +4, byte
 * length at +8 and element count at +12 (list<string|bytes> elements go to aux
 * as (start, length) u32 pairs, starting at `auxCount`). Returns the new aux count.
 */
function writeEntry(t: u32, c: u32, at: usize, fpos: usize, vstart: u32, vend: u32, row: usize, aux: usize, auxCount: u32): u32 {
  store<u64>(at, 0);
  store<u64>(at, 0, 8);
  if (c == 0) return auxCount;
  store<u32>(at, 1);
  if (isFixed(t)) {
    store<u64>(at, fixedBits(t, c, fpos), 8);
    return auxCount;
  }
  if (c != 1) return auxCount; // empty
  const p = pVar + <usize>vstart;
  const len = vend - vstart;
  store<u32>(at, <u32>(p - row), 4);
  store<u32>(at, len, 8);
  if (isStrList(t)) {
    const next = splitElements(p, len, row, aux, auxCount);
    store<u32>(at, next - auxCount, 12);
    return next;
  }
  const w = elemWidth(t);
  store<u32>(at, isList(t) ? len / w : len, 12);
  return auxCount;
}

/**
 * Decode a whole row. out: event (i64), created (i64), then one 16-byte entry
 * per schema field (see writeEntry). aux needs 8 bytes per list<string|bytes>
 * element; `len` * 8 bytes always suffice.
 */
export function codec_decode_row(schema: usize, nf: i32, row: usize, len: u32, out: usize, aux: usize, err: usize): i32 {
  let s = checkSchema(schema, nf, err);
  if (s != OK) return s;
  s = parse(schema, nf, row, len, 0, err, true);
  if (s != OK) return s;
  store<i64>(out, pEvent);
  store<i64>(out, pCreated, 8);
  let fpos = pFixed;
  let j = 0;
  let prev: u32 = 0;
  let auxCount: u32 = 0;
  for (let f = 0; f < nf; f++) {
    const t = <u32>load<u8>(schema + f);
    const c = f < pN ? codeOf(f) : 0;
    const at = out + 16 + <usize>f * ENTRY;
    if (isFixed(t)) {
      writeEntry(t, c, at, fpos, 0, 0, row, aux, 0);
      fpos += <usize>load<u8>(WIDTH + (<usize>t << 2) + c);
    } else if (c == 1) {
      const e = endOf(j++);
      auxCount = writeEntry(t, c, at, 0, prev, e, row, aux, auxCount);
      prev = e;
    } else {
      writeEntry(t, c, at, 0, 0, 0, row, aux, auxCount);
    }
  }
  return OK;
}

/**
 * Decode field `index` of a row without decoding the others: the row is
 * validated, then only the codes before `index` are read to locate it.
 * out: event, created, one entry (see writeEntry).
 */
export function codec_decode_field(schema: usize, nf: i32, row: usize, len: u32, index: i32, out: usize, aux: usize, err: usize): i32 {
  let s = checkSchema(schema, nf, err);
  if (s != OK) return s;
  if (index < 0 || index >= nf) return fail(err, ERR_OUT_OF_RANGE, 0, index, 0);
  s = parse(schema, nf, row, len, 0, err, true);
  if (s != OK) return s;
  store<i64>(out, pEvent);
  store<i64>(out, pCreated, 8);
  const t = <u32>load<u8>(schema + index);
  const c = index < pN ? codeOf(index) : 0;
  let fpos = pFixed;
  let j = 0;
  const stop = min<i32>(index, pN);
  for (let f = 0; f < stop; f++) {
    const w = load<u8>(WIDTH + ((<usize>load<u8>(schema + f)) << 2) + codeOf(f));
    if (w == VAR) j++;
    else fpos += <usize>w;
  }
  if (!isFixed(t) && c == 1) {
    const a = j > 0 ? endOf(j - 1) : 0;
    writeEntry(t, c, out + 16, 0, a, endOf(j), row, aux, 0);
  } else {
    writeEntry(t, c, out + 16, fpos, 0, 0, row, aux, 0);
  }
  return OK;
}

// ---------------------------------------------------------------- batches

// Column descriptors (8 u32). Encode input:
const IN_VALIDITY: usize = 0; // Arrow bitmap, or 0 for all valid
const IN_OFFSETS: usize = 4; // variable fields: n + 1 u32
const IN_VALUES: usize = 8; // fixed values | string/bytes data | list child values | list<string|bytes> child offsets
const IN_VALUES_LEN: usize = 12; // data bytes | child elements | child offset entries
const IN_DATA: usize = 16; // list<string|bytes> data
const IN_DATA_LEN: usize = 20;
// Decode output (caps as the matching *_LEN; cursors are the kernel's scratch):
const OUT_VALID: usize = 0; // n bytes, 1 = value
const OUT_OFFSETS: usize = 4; // n + 1 u32 (variable fields)
const OUT_VALUES: usize = 8;
const OUT_VALUES_CAP: usize = 12;
const OUT_DATA: usize = 16;
const OUT_DATA_CAP: usize = 20;
const OUT_CUR_VALUES: usize = 24;
const OUT_CUR_DATA: usize = 28;
const DESC: usize = 32;

function checkRows(rowOffsets: usize, n: i32, rowsLen: u32, err: usize): i32 {
  if (n < 0) return fail(err, ERR_BAD_ARGUMENT, -1, -1, 0);
  let prev = load<u32>(rowOffsets);
  for (let r = 0; r < n; r++) {
    const e = load<u32>(rowOffsets + ((<usize>r + 1) << 2));
    if (e < prev || e > rowsLen) return fail(err, ERR_BAD_ARGUMENT, r, -1, R_ROWS);
    prev = e;
  }
  return OK;
}

/**
 * Sizes for codec_decode: for each selected variable field (selMap[f] = slot,
 * or -1), sizes[2 * slot] = total bytes (string/bytes) or elements (lists) and
 * sizes[2 * slot + 1] = total element bytes (list<string|bytes>), over n rows.
 * Validates every row.
 */
export function codec_plan(schema: usize, nf: i32, rows: usize, rowsLen: u32, rowOffsets: usize, n: i32, selMap: usize, slots: i32, sizes: usize, err: usize): i32 {
  let s = checkSchema(schema, nf, err);
  if (s != OK) return s;
  s = checkRows(rowOffsets, n, rowsLen, err);
  if (s != OK) return s;
  memory.fill(sizes, 0, <usize>slots << 3);
  for (let r = 0; r < n; r++) {
    const a = load<u32>(rowOffsets + (<usize>r << 2));
    const row = rows + <usize>a;
    s = parse(schema, nf, row, load<u32>(rowOffsets + ((<usize>r + 1) << 2)) - a, r, err, false);
    if (s != OK) return s;
    let j = 0;
    let prev: u32 = 0;
    for (let f = 0; f < pN; f++) {
      const t = <u32>load<u8>(schema + f);
      if (isFixed(t) || codeOf(f) != 1) continue;
      const e = endOf(j++);
      if (!checkPayload(t, pVar + <usize>prev, e - prev)) return fail(err, ERR_TRUNCATED, r, f, R_PAYLOAD);
      const slot = load<i32>(selMap + (<usize>f << 2));
      if (slot >= 0) {
        const at = sizes + (<usize>slot << 3);
        const len = e - prev;
        if (isStrList(t)) {
          // elements and their bytes
          let p = pVar + <usize>prev;
          const end = pVar + <usize>e;
          let count: u32 = 0;
          let bytes: u32 = 0;
          while (p < end) {
            let l: u32 = 0;
            let shift: u32 = 0;
            while (true) {
              const b = <u32>load<u8>(p++);
              l |= (b & 0x7f) << shift;
              if ((b & 0x80) == 0) break;
              shift += 7;
            }
            count++;
            bytes += l;
            p += <usize>l;
          }
          store<u32>(at, load<u32>(at) + count);
          store<u32>(at, load<u32>(at, 4) + bytes, 4);
        } else {
          store<u32>(at, load<u32>(at) + (isList(t) ? len / elemWidth(t) : len));
        }
      }
      prev = e;
    }
  }
  return OK;
}

/** Store row r's value of a fixed field, given (type << 2) | code and its payload, into a column. */
// @ts-ignore: decorator
@inline function putFixed(tc: u32, src: usize, v: usize, r: usize): void {
  switch (tc) {
    case (T_BOOL << 2) | 2: store<u8>(v + r, 1); break;
    case T_BOOL << 2:
    case (T_BOOL << 2) | 1: store<u8>(v + r, 0); break;
    case (T_INT32 << 2) | 1: store<i32>(v + (r << 2), <i32>load<i8>(src)); break;
    case (T_INT32 << 2) | 2: store<i32>(v + (r << 2), <i32>load<i16>(src)); break;
    case (T_INT32 << 2) | 3:
    case (T_FLOAT32 << 2) | 1: store<u32>(v + (r << 2), load<u32>(src)); break;
    case T_INT32 << 2:
    case T_FLOAT32 << 2:
    case (T_FLOAT32 << 2) | 2: store<u32>(v + (r << 2), 0); break;
    case (T_INT64 << 2) | 1:
    case (T_UNIX_TS << 2) | 1: store<i64>(v + (r << 3), <i64>load<i8>(src)); break;
    case (T_INT64 << 2) | 2:
    case (T_UNIX_TS << 2) | 2: store<i64>(v + (r << 3), <i64>load<i32>(src)); break;
    case (T_INT64 << 2) | 3:
    case (T_UNIX_TS << 2) | 3:
    case (T_FLOAT64 << 2) | 1: store<u64>(v + (r << 3), load<u64>(src)); break;
    case (T_FLOAT64 << 2) | 2: store<f64>(v + (r << 3), <f64>load<f32>(src)); break;
    default: store<u64>(v + (r << 3), 0); // null int64/unix_ts/float64, float64 +0.0
  }
}

/** Append one variable payload to output column `d` (cursors in the descriptor). */
function appendVar(t: u32, d: usize, p: usize, len: u32): bool {
  const cur = load<u32>(d + OUT_CUR_VALUES);
  if (isStrList(t)) {
    // values = child offsets (entry 0 is written by the caller), data = bytes
    const end = p + <usize>len;
    let k = cur;
    let dc = load<u32>(d + OUT_CUR_DATA);
    const co = <usize>load<u32>(d + OUT_VALUES);
    const data = <usize>load<u32>(d + OUT_DATA);
    while (p < end) {
      let l: u32 = 0;
      let shift: u32 = 0;
      while (true) {
        const b = <u32>load<u8>(p++);
        l |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) break;
        shift += 7;
      }
      if (k + 2 > load<u32>(d + OUT_VALUES_CAP) || <u64>dc + <u64>l > <u64>load<u32>(d + OUT_DATA_CAP)) return false;
      copyBytes(data + <usize>dc, p, l);
      dc += l;
      k++;
      store<u32>(co + (<usize>k << 2), dc);
      p += <usize>l;
    }
    store<u32>(d + OUT_CUR_VALUES, k);
    store<u32>(d + OUT_CUR_DATA, dc);
    return true;
  }
  const w = isList(t) ? elemWidth(t) : 1;
  const count = len / w;
  if (<u64>cur + <u64>count > <u64>load<u32>(d + OUT_VALUES_CAP)) return false;
  copyBytes(<usize>load<u32>(d + OUT_VALUES) + <usize>cur * w, p, len);
  store<u32>(d + OUT_CUR_VALUES, cur + count);
  return true;
}

/**
 * Decode the selected fields of n rows into columns (descriptors at `cols`,
 * one per slot; see OUT_*), plus every row's event and created timestamps.
 * Fixed columns hold n values (bool u8, int32 i32, int64/unix_ts i64, float32
 * and float64 raw bits; 0 when null); variable columns hold n + 1 offsets
 * into their values (bytes or elements) and, for list<string|bytes>, child
 * offsets into data.
 */
export function codec_decode(
  schema: usize, nf: i32, rows: usize, rowsLen: u32, rowOffsets: usize, n: i32,
  selMap: usize, slots: i32, cols: usize, eventOut: usize, createdOut: usize, err: usize,
): i32 {
  let s = checkSchema(schema, nf, err);
  if (s != OK) return s;
  s = checkRows(rowOffsets, n, rowsLen, err);
  if (s != OK) return s;
  for (let k = 0; k < slots; k++) {
    const d = cols + <usize>k * DESC;
    store<u32>(d + OUT_CUR_VALUES, 0);
    store<u32>(d + OUT_CUR_DATA, 0);
  }
  for (let f = 0; f < nf; f++) {
    const slot = load<i32>(selMap + (<usize>f << 2));
    if (slot < 0) continue;
    const t = <u32>load<u8>(schema + f);
    if (isFixed(t)) continue;
    const d = cols + <usize>slot * DESC;
    store<u32>(<usize>load<u32>(d + OUT_OFFSETS), 0);
    if (isStrList(t)) store<u32>(<usize>load<u32>(d + OUT_VALUES), 0);
  }
  for (let r = 0; r < n; r++) {
    const a = load<u32>(rowOffsets + (<usize>r << 2));
    const row = rows + <usize>a;
    s = parse(schema, nf, row, load<u32>(rowOffsets + ((<usize>r + 1) << 2)) - a, r, err, false);
    if (s != OK) return s;
    store<i64>(eventOut + (<usize>r << 3), pEvent);
    store<i64>(createdOut + (<usize>r << 3), pCreated);
    let fpos = pFixed;
    let j = 0;
    let prev: u32 = 0;
    for (let f = 0; f < nf; f++) {
      const t = <u32>load<u8>(schema + f);
      const c = f < pN ? codeOf(f) : 0;
      const slot = load<i32>(selMap + (<usize>f << 2));
      if (isFixed(t)) {
        if (slot >= 0) {
          const d = cols + <usize>slot * DESC;
          store<u8>(<usize>load<u32>(d + OUT_VALID) + <usize>r, c != 0 ? 1 : 0);
          putFixed((t << 2) | c, fpos, <usize>load<u32>(d + OUT_VALUES), <usize>r);
        }
        fpos += <usize>load<u8>(WIDTH + (<usize>t << 2) + c);
        continue;
      }
      let e = prev;
      if (c == 1) {
        e = endOf(j++);
        if (!checkPayload(t, pVar + <usize>prev, e - prev)) return fail(err, ERR_TRUNCATED, r, f, R_PAYLOAD);
      }
      if (slot >= 0) {
        const d = cols + <usize>slot * DESC;
        store<u8>(<usize>load<u32>(d + OUT_VALID) + <usize>r, c != 0 ? 1 : 0);
        if (c == 1 && !appendVar(t, d, pVar + <usize>prev, e - prev)) return fail(err, ERR_OUT_OF_RANGE, r, f, R_CAPACITY);
        store<u32>(<usize>load<u32>(d + OUT_OFFSETS) + ((<usize>r + 1) << 2), load<u32>(d + OUT_CUR_VALUES));
      }
      prev = e;
    }
  }
  return OK;
}

// ---------------------------------------------------------------- encoding

// @ts-ignore: decorator
@inline function bitValid(validity: usize, r: i32): bool {
  return validity == 0 || ((load<u8>(validity + (<usize>r >> 3)) >> (<u32>r & 7)) & 1) != 0;
}

// @ts-ignore: decorator
@inline function ulebLen(x: u32): u32 {
  return x < 0x80 ? 1 : x < 0x4000 ? 2 : x < 0x20_0000 ? 3 : x < 0x1000_0000 ? 4 : 5;
}

function writeUleb(p: usize, x: u32): usize {
  while (x >= 0x80) {
    store<u8>(p++, <u8>(x | 0x80));
    x >>= 7;
  }
  store<u8>(p++, <u8>x);
  return p;
}

/** Payload bytes of variable field `d` at row r, or -1 when its input offsets are bad. */
function payloadLen(t: u32, d: usize, r: i32): i64 {
  const off = <usize>load<u32>(d + IN_OFFSETS) + (<usize>r << 2);
  const a = load<u32>(off);
  const b = load<u32>(off, 4);
  if (b < a) return -1;
  if (!isList(t)) return b > load<u32>(d + IN_VALUES_LEN) ? -1 : <i64>(b - a);
  if (!isStrList(t)) return b > load<u32>(d + IN_VALUES_LEN) ? -1 : <i64>(b - a) * <i64>elemWidth(t);
  // list<string|bytes>: elements a..b, child offsets a..b inclusive
  if (<u64>b + 1 > <u64>load<u32>(d + IN_VALUES_LEN)) return -1;
  const co = <usize>load<u32>(d + IN_VALUES);
  const dataLen = load<u32>(d + IN_DATA_LEN);
  let total: i64 = 0;
  for (let e = a; e < b; e++) {
    const s = load<u32>(co + (<usize>e << 2));
    const x = load<u32>(co + (<usize>e << 2), 4);
    if (x < s || x > dataLen) return -1;
    total += <i64>ulebLen(x - s) + <i64>(x - s);
  }
  return total;
}

/** Write the payload of variable field `d` at row r to p (lengths already validated). */
function writePayload(t: u32, d: usize, r: i32, p: usize): void {
  const off = <usize>load<u32>(d + IN_OFFSETS) + (<usize>r << 2);
  const a = load<u32>(off);
  const b = load<u32>(off, 4);
  const values = <usize>load<u32>(d + IN_VALUES);
  if (!isList(t)) {
    copyBytes(p, values + a, b - a);
  } else if (t == T_LIST + T_BOOL) {
    for (let e = a; e < b; e++) store<u8>(p++, load<u8>(values + e) != 0 ? 1 : 0);
  } else if (!isStrList(t)) {
    const w = elemWidth(t);
    copyBytes(p, values + <usize>a * w, <usize>(b - a) * w);
  } else {
    const data = <usize>load<u32>(d + IN_DATA);
    for (let e = a; e < b; e++) {
      const s = load<u32>(values + (<usize>e << 2));
      const x = load<u32>(values + (<usize>e << 2), 4);
      p = writeUleb(p, x - s);
      copyBytes(p, data + s, x - s);
      p += <usize>(x - s);
    }
  }
}

/** Choose the code of fixed field `d` at row r and write its payload at p; returns code | width << 2. */
function encodeFixed(t: u32, d: usize, r: i32, p: usize): u32 {
  const values = <usize>load<u32>(d + IN_VALUES);
  switch (t) {
    case T_BOOL:
      return load<u8>(values + <usize>r) != 0 ? 2 : 1;
    case T_INT32: {
      const x = load<i32>(values + (<usize>r << 2));
      if (x == <i32><i8>x) { store<i8>(p, <i8>x); return 1 | (1 << 2); }
      if (x == <i32><i16>x) { store<i16>(p, <i16>x); return 2 | (2 << 2); }
      store<i32>(p, x);
      return 3 | (4 << 2);
    }
    case T_FLOAT32: {
      const bits = load<u32>(values + (<usize>r << 2));
      if (bits == 0) return 2;
      store<u32>(p, bits);
      return 1 | (4 << 2);
    }
    case T_FLOAT64: {
      const bits = load<u64>(values + (<usize>r << 3));
      if (bits == 0) return 3;
      const x = reinterpret<f64>(bits);
      if (x == x) {
        const y = <f32>x;
        if (reinterpret<u64>(<f64>y) == bits) {
          store<f32>(p, y);
          return 2 | (4 << 2);
        }
      }
      store<u64>(p, bits);
      return 1 | (8 << 2);
    }
    default: { // int64, unix timestamp
      const x = load<i64>(values + (<usize>r << 3));
      if (x == <i64><i8>x) { store<i8>(p, <i8>x); return 1 | (1 << 2); }
      if (x == <i64><i32>x) { store<i32>(p, <i32>x); return 2 | (4 << 2); }
      store<i64>(p, x);
      return 3 | (8 << 2);
    }
  }
}

/**
 * Encode n rows from columns (one input descriptor per schema field, see IN_*)
 * and timestamps (eventTs: n i64; createdTs: n i64 or 0 for all null, where
 * i64 MIN also means null). Row r is out[rowOffsets[r] .. rowOffsets[r+1]).
 * `cap` bounds the output; exceeding it is ERR_OUT_OF_RANGE.
 */
export function codec_encode(
  schema: usize, nf: i32, n: i32, eventTs: usize, createdTs: usize, cols: usize,
  out: usize, cap: u32, rowOffsets: usize, err: usize,
): i32 {
  const s = checkSchema(schema, nf, err);
  if (s != OK) return s;
  if (n < 0) return fail(err, ERR_BAD_ARGUMENT, -1, -1, 0);
  let pos: u64 = 0;
  store<u32>(rowOffsets, 0);
  for (let r = 0; r < n; r++) {
    // Pass 1: field count, variable sizes, input validation.
    let fc = 0;
    let p: u32 = 0;
    let varTotal: u64 = 0;
    let fixedMax: u32 = 0;
    for (let f = 0; f < nf; f++) {
      const d = cols + <usize>f * DESC;
      if (!bitValid(<usize>load<u32>(d + IN_VALIDITY), r)) continue;
      fc = f + 1;
      const t = <u32>load<u8>(schema + f);
      if (isFixed(t)) {
        fixedMax += 8;
        continue;
      }
      const len = payloadLen(t, d, r);
      if (len < 0) return fail(err, ERR_BAD_ARGUMENT, r, f, R_INPUT);
      if (len > 0) {
        p++;
        varTotal += <u64>len;
      }
    }
    const event = load<i64>(eventTs + (<usize>r << 3));
    const created = createdTs == 0 ? NULL_TS : load<i64>(createdTs + (<usize>r << 3));
    const cm: u32 = created == NULL_TS ? 0 : created == event ? 1 : 2;
    const ow: u32 = varTotal <= 0xff ? 0 : varTotal <= 0xffff ? 1 : 2;
    const w: u32 = <u32>1 << ow;
    const codesLen = (<u32>fc + 3) >> 2;
    const upper = <u64>(2 + ulebLen(<u32>fc) + 8 + (cm == 2 ? 8 : 0) + codesLen + fixedMax) + <u64>p * w + varTotal;
    if (pos + upper > <u64>cap) return fail(err, ERR_OUT_OF_RANGE, r, -1, R_CAPACITY);
    // Header.
    const row = out + <usize>pos;
    store<u8>(row, VERSION);
    store<u8>(row, <u8>(cm | (ow << 2)), 1);
    let q = writeUleb(row + 2, <u32>fc);
    store<i64>(q, event);
    q += 8;
    if (cm == 2) {
      store<i64>(q, created);
      q += 8;
    }
    const codes = q;
    for (let i: u32 = 0; i < codesLen; i++) store<u8>(codes + i, 0);
    q += codesLen;
    // Pass 2: codes and the fixed section.
    for (let f = 0; f < fc; f++) {
      const d = cols + <usize>f * DESC;
      if (!bitValid(<usize>load<u32>(d + IN_VALIDITY), r)) continue;
      const t = <u32>load<u8>(schema + f);
      let c: u32;
      if (isFixed(t)) {
        const cw = encodeFixed(t, d, r, q);
        c = cw & 3;
        q += <usize>(cw >> 2);
      } else {
        c = payloadLen(t, d, r) > 0 ? 1 : 2;
      }
      const at = codes + (<usize>f >> 2);
      store<u8>(at, load<u8>(at) | <u8>(c << ((<u32>f & 3) << 1)));
    }
    // Pass 3: offset table and variable section.
    const table = q;
    const vbase = q + <usize>p * w;
    let vpos: u32 = 0;
    let j: u32 = 0;
    if (p > 0) {
      for (let f = 0; f < fc; f++) {
        const t = <u32>load<u8>(schema + f);
        if (isFixed(t)) continue;
        if (((<u32>load<u8>(codes + (<usize>f >> 2)) >> ((<u32>f & 3) << 1)) & 3) != 1) continue;
        const d = cols + <usize>f * DESC;
        writePayload(t, d, r, vbase + <usize>vpos);
        vpos += <u32>payloadLen(t, d, r);
        if (w == 1) store<u8>(table + j, <u8>vpos);
        else if (w == 2) store<u16>(table + (<usize>j << 1), <u16>vpos);
        else store<u32>(table + (<usize>j << 2), vpos);
        j++;
      }
    }
    pos = <u64>(vbase - out) + <u64>vpos;
    store<u32>(rowOffsets + ((<usize>r + 1) << 2), <u32>pos);
  }
  return OK;
}
