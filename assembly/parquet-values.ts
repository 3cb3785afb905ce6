// Parquet value decoding (PLAIN, dictionary, BYTE_STREAM_SPLIT, RLE booleans)
// into row-aligned columns, and the value encoders the writer needs.
//
// Rows vs values: a page of nRows rows holds nVals <= nRows non-null values.
// With a validity array (1 byte per row, 1 = present) the dense values are
// spread out to their rows and null rows are zeroed; with validity = 0 every
// row is present and nVals must equal nRows.
import { OK, ERR_BAD_ARGUMENT, ERR_TRUNCATED, ERR_OUT_OF_RANGE } from "./status";
import { rleDecode } from "./parquet-rle";

/** Returned for an encoding the kernel does not decode (the host falls back). */
export const PQ_UNSUPPORTED: i32 = 100;

const E_PLAIN = 0;
const E_PLAIN_DICTIONARY = 2;
const E_RLE = 3;
const E_RLE_DICTIONARY = 8;
const E_BYTE_STREAM_SPLIT = 9;

// @ts-ignore: decorator
@inline function copyValue(dst: usize, src: usize, w: usize): void {
  if (w == 8) store<u64>(dst, load<u64>(src));
  else if (w == 4) store<u32>(dst, load<u32>(src));
  else memory.copy(dst, src, w);
}

/** Spread nVals dense values of width w to the valid rows of dst; zero the rest. */
function spread(dense: usize, w: usize, validity: usize, nRows: i32, dst: usize): void {
  let j: usize = 0;
  if (w == 8) {
    for (let i: i32 = 0; i < nRows; i++) {
      const o = dst + (<usize>i << 3);
      if (load<u8>(validity + <usize>i)) {
        store<u64>(o, load<u64>(dense + (j << 3)));
        j++;
      } else store<u64>(o, 0);
    }
  } else if (w == 4) {
    for (let i: i32 = 0; i < nRows; i++) {
      const o = dst + (<usize>i << 2);
      if (load<u8>(validity + <usize>i)) {
        store<u32>(o, load<u32>(dense + (j << 2)));
        j++;
      } else store<u32>(o, 0);
    }
  } else if (w == 1) {
    for (let i: i32 = 0; i < nRows; i++) {
      const o = dst + <usize>i;
      if (load<u8>(validity + <usize>i)) {
        store<u8>(o, load<u8>(dense + j));
        j++;
      } else store<u8>(o, 0);
    }
  } else {
    for (let i: i32 = 0; i < nRows; i++) {
      const o = dst + <usize>i * w;
      if (load<u8>(validity + <usize>i)) {
        memory.copy(o, dense + j * w, w);
        j++;
      } else memory.fill(o, 0, w);
    }
  }
}

/** Check row/value counts against the validity array's promise. */
function countsOk(nVals: i32, validity: usize, nRows: i32): bool {
  if (nVals < 0 || nRows < 0 || nVals > nRows) return false;
  return validity != 0 || nVals == nRows;
}

/**
 * Decode nVals fixed-width values (w bytes: 4, 8, 12 for INT96, or a
 * FIXED_LEN_BYTE_ARRAY length) of one page into nRows rows of dst.
 * enc: PLAIN (0), PLAIN_DICTIONARY (2) / RLE_DICTIONARY (8) against dict
 * (dictCount values of w bytes), BYTE_STREAM_SPLIT (9). scratch must hold
 * nVals * max(w, 4) bytes. The caller has checked that validity holds exactly
 * nVals ones.
 */
export function pq_decode_fixed(enc: i32, src: usize, srcLen: i32, w: i32, nVals: i32, validity: usize, nRows: i32,
  dst: usize, dict: usize, dictCount: i32, scratch: usize): i32 {
  if (srcLen < 0 || w <= 0 || w > 0xffff || dictCount < 0 || !countsOk(nVals, validity, nRows)) return ERR_BAD_ARGUMENT;
  if (nVals == nRows) validity = 0; // no nulls in this page: plain copies
  const width = <usize>w;
  const bytes = <u64>nVals * <u64>w;
  if (enc == E_PLAIN) {
    if (bytes > <u64>srcLen) return ERR_TRUNCATED;
    if (validity == 0) memory.copy(dst, src, <usize>bytes);
    else spread(src, width, validity, nRows, dst);
    return OK;
  }
  if (enc == E_BYTE_STREAM_SPLIT) {
    if (bytes > <u64>srcLen) return ERR_TRUNCATED;
    const out = validity == 0 ? dst : scratch;
    const n = <usize>nVals;
    for (let b: usize = 0; b < width; b++) {
      const stream = src + b * n;
      for (let i: usize = 0; i < n; i++) store<u8>(out + i * width + b, load<u8>(stream + i));
    }
    if (validity != 0) spread(scratch, width, validity, nRows, dst);
    return OK;
  }
  if (enc == E_PLAIN_DICTIONARY || enc == E_RLE_DICTIONARY) {
    if (nVals > 0 && srcLen < 1) return ERR_TRUNCATED;
    const bw = nVals > 0 ? <i32>load<u8>(src) : 0;
    if (bw > 32) return ERR_TRUNCATED;
    const st = rleDecode(src + 1, srcLen > 0 ? srcLen - 1 : 0, bw, nVals, scratch);
    if (st != OK) return st;
    const limit = <u32>dictCount;
    for (let j: i32 = 0; j < nVals; j++) {
      if (load<u32>(scratch + (<usize>j << 2)) >= limit) return ERR_OUT_OF_RANGE;
    }
    if (validity == 0) {
      if (width == 8) {
        for (let i: i32 = 0; i < nVals; i++) {
          store<u64>(dst + (<usize>i << 3), load<u64>(dict + (<usize>load<u32>(scratch + (<usize>i << 2)) << 3)));
        }
      } else if (width == 4) {
        for (let i: i32 = 0; i < nVals; i++) {
          store<u32>(dst + (<usize>i << 2), load<u32>(dict + (<usize>load<u32>(scratch + (<usize>i << 2)) << 2)));
        }
      } else {
        for (let i: i32 = 0; i < nVals; i++) {
          memory.copy(dst + <usize>i * width, dict + <usize>load<u32>(scratch + (<usize>i << 2)) * width, width);
        }
      }
    } else {
      let j: usize = 0;
      for (let i: i32 = 0; i < nRows; i++) {
        const o = dst + <usize>i * width;
        if (load<u8>(validity + <usize>i)) {
          copyValue(o, dict + <usize>load<u32>(scratch + (j << 2)) * width, width);
          j++;
        } else memory.fill(o, 0, width);
      }
    }
    return OK;
  }
  return PQ_UNSUPPORTED;
}

/**
 * Spread in place: the nVals dense values (width w) occupy the last nVals * w
 * bytes of dst[0, nRows * w); move each to its valid row, zeroing null rows.
 * Forward order is safe: a row's slot never lies past its value's source.
 */
export function pq_spread_tail(dst: usize, w: i32, validity: usize, nRows: i32, nVals: i32): i32 {
  if (w <= 0 || !countsOk(nVals, validity, nRows)) return ERR_BAD_ARGUMENT;
  if (nVals == nRows) return OK;
  const width = <usize>w;
  let src = dst + <usize>(nRows - nVals) * width;
  for (let i: i32 = 0; i < nRows; i++) {
    const o = dst + <usize>i * width;
    if (load<u8>(validity + <usize>i)) {
      if (o != src) copyValue(o, src, width);
      src += width;
    } else memory.fill(o, 0, width);
  }
  return OK;
}

/**
 * Decode nVals booleans into nRows bytes of dst (0/1). enc: PLAIN (bit-packed,
 * LSB first) or RLE (4-byte length, then the hybrid at bit width 1). scratch
 * must hold nVals * 4 bytes.
 */
export function pq_decode_bool(enc: i32, src: usize, srcLen: i32, nVals: i32, validity: usize, nRows: i32,
  dst: usize, scratch: usize): i32 {
  if (srcLen < 0 || !countsOk(nVals, validity, nRows)) return ERR_BAD_ARGUMENT;
  const out = validity == 0 ? dst : scratch;
  if (enc == E_PLAIN) {
    if (<u64>((<u64>nVals + 7) >> 3) > <u64>srcLen) return ERR_TRUNCATED;
    for (let i: i32 = 0; i < nVals; i++) {
      store<u8>(out + <usize>i, (load<u8>(src + (<usize>i >> 3)) >> <u8>(i & 7)) & 1);
    }
  } else if (enc == E_RLE) {
    if (srcLen < 4) return ERR_TRUNCATED;
    const len = load<i32>(src);
    if (len < 0 || len > srcLen - 4) return ERR_TRUNCATED;
    const st = rleDecode(src + 4, len, 1, nVals, scratch);
    if (st != OK) return st;
    // Narrow u32 -> u8 in place (forward: byte i never overtakes word i).
    for (let i: i32 = 0; i < nVals; i++) store<u8>(out + <usize>i, <u8>(load<u32>(scratch + (<usize>i << 2)) & 1));
  } else {
    return PQ_UNSUPPORTED;
  }
  if (validity != 0) spread(scratch, 1, validity, nRows, dst);
  return OK;
}

/**
 * Index a PLAIN dictionary page of byte arrays: entries gets (address, length)
 * u32 pairs for its count values.
 */
export function pq_ba_dictionary(src: usize, srcLen: i32, count: i32, entries: usize): i32 {
  if (srcLen < 0 || count < 0) return ERR_BAD_ARGUMENT;
  let pos: usize = 0;
  const len = <usize>srcLen;
  for (let i: i32 = 0; i < count; i++) {
    if (pos + 4 > len) return ERR_TRUNCATED;
    const l = <usize>load<u32>(src + pos);
    pos += 4;
    if (l > len - pos) return ERR_TRUNCATED;
    store<u32>(entries + (<usize>i << 3), <u32>(src + pos));
    store<u32>(entries + (<usize>i << 3) + 4, <u32>l);
    pos += l;
  }
  return OK;
}

/**
 * First half of decoding a byte-array page: locate each of its nVals values as
 * (address, length) u32 pairs in scratch (nVals * 8 bytes) and total their
 * bytes in res[0] so the host can size the data buffer. enc: PLAIN, or
 * PLAIN_DICTIONARY / RLE_DICTIONARY against dictionary entries.
 */
export function pq_ba_locate(enc: i32, src: usize, srcLen: i32, nVals: i32, dictEntries: usize, dictCount: i32,
  scratch: usize, res: usize): i32 {
  if (srcLen < 0 || nVals < 0 || dictCount < 0) return ERR_BAD_ARGUMENT;
  let total: u64 = 0;
  if (enc == E_PLAIN) {
    let pos: usize = 0;
    const len = <usize>srcLen;
    for (let i: i32 = 0; i < nVals; i++) {
      if (pos + 4 > len) return ERR_TRUNCATED;
      const l = <usize>load<u32>(src + pos);
      pos += 4;
      if (l > len - pos) return ERR_TRUNCATED;
      store<u32>(scratch + (<usize>i << 3), <u32>(src + pos));
      store<u32>(scratch + (<usize>i << 3) + 4, <u32>l);
      pos += l;
      total += <u64>l;
    }
  } else if (enc == E_PLAIN_DICTIONARY || enc == E_RLE_DICTIONARY) {
    if (nVals > 0 && srcLen < 1) return ERR_TRUNCATED;
    const bw = nVals > 0 ? <i32>load<u8>(src) : 0;
    if (bw > 32) return ERR_TRUNCATED;
    const st = rleDecode(src + 1, srcLen > 0 ? srcLen - 1 : 0, bw, nVals, scratch);
    if (st != OK) return st;
    const limit = <u32>dictCount;
    // Widen u32 indices to 8-byte pairs in place, from the end: pair i covers
    // indices 2i and 2i + 1, which are already done for every i > 0.
    for (let i: i32 = nVals - 1; i >= 0; i--) {
      const idx = load<u32>(scratch + (<usize>i << 2));
      if (idx >= limit) return ERR_OUT_OF_RANGE;
      const e = dictEntries + (<usize>idx << 3);
      const l = load<u32>(e + 4);
      store<u32>(scratch + (<usize>i << 3), load<u32>(e));
      store<u32>(scratch + (<usize>i << 3) + 4, l);
      total += <u64>l;
    }
  } else {
    return PQ_UNSUPPORTED;
  }
  if (total > 0x7fffffff) return ERR_OUT_OF_RANGE;
  store<i32>(res, <i32>total);
  return OK;
}

/**
 * Second half: copy the located values to data and write row offsets.
 * offsets points at the page's first row; offsets[0] already holds the data
 * position where this page starts, and offsets[1..nRows] are written (null
 * rows repeat the previous offset).
 */
export function pq_ba_gather(pairs: usize, nVals: i32, validity: usize, nRows: i32, offsets: usize, data: usize): i32 {
  if (!countsOk(nVals, validity, nRows)) return ERR_BAD_ARGUMENT;
  let o = load<u32>(offsets);
  let j: usize = 0;
  for (let i: i32 = 0; i < nRows; i++) {
    if (validity == 0 || load<u8>(validity + <usize>i) != 0) {
      const a = <usize>load<u32>(pairs + (j << 3));
      const l = load<u32>(pairs + (j << 3) + 4);
      memory.copy(data + <usize>o, a, <usize>l);
      o += l;
      j++;
    }
    store<u32>(offsets + ((<usize>i + 1) << 2), o);
  }
  return OK;
}

/** INT96 (nanoseconds of day u64, Julian day i32) -> epoch nanoseconds. */
export function pq_int96_to_ns(src: usize, n: i32, dst: usize): i32 {
  if (n < 0) return ERR_BAD_ARGUMENT;
  for (let i: i32 = 0; i < n; i++) {
    const s = src + <usize>i * 12;
    const nanos = load<i64>(s);
    const day = <i64>load<i32>(s + 8);
    store<i64>(dst + (<usize>i << 3), (day - 2440588) * 86400000000000 + nanos);
  }
  return OK;
}

/**
 * Rescale n i64 values in place: multiply by mul (> 0), then floor-divide by
 * div (> 0). Rows with validity 0 (when validity != 0) get nullValue.
 */
export function pq_i64_rescale(ptr: usize, n: i32, mul: i64, div: i64, validity: usize, nullValue: i64): i32 {
  if (n < 0 || mul <= 0 || div <= 0) return ERR_BAD_ARGUMENT;
  for (let i: i32 = 0; i < n; i++) {
    const a = ptr + (<usize>i << 3);
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) {
      store<i64>(a, nullValue);
      continue;
    }
    let v = load<i64>(a) * mul;
    if (div != 1) {
      let q = v / div;
      if (v % div != 0 && v < 0) q--;
      v = q;
    }
    store<i64>(a, v);
  }
  return OK;
}

/** Widen n u32 values to i64 (UINT_32 columns). */
export function pq_u32_to_i64(src: usize, n: i32, dst: usize): i32 {
  if (n < 0) return ERR_BAD_ARGUMENT;
  for (let i: i32 = n - 1; i >= 0; i--) store<i64>(dst + (<usize>i << 3), <i64>load<u32>(src + (<usize>i << 2)));
  return OK;
}

// ---- encoders (writer) ----

/** Copy the non-null values (width w) of nRows rows densely to dst; res[0] = count. */
export function pq_compact(src: usize, w: i32, validity: usize, nRows: i32, dst: usize, res: usize): i32 {
  if (w <= 0 || nRows < 0) return ERR_BAD_ARGUMENT;
  const width = <usize>w;
  let j: usize = 0;
  for (let i: i32 = 0; i < nRows; i++) {
    if (validity == 0 || load<u8>(validity + <usize>i) != 0) {
      copyValue(dst + j * width, src + <usize>i * width, width);
      j++;
    }
  }
  store<i32>(res, <i32>j);
  return OK;
}

/** Bit-pack the non-null booleans (bytes, nonzero = true) of nRows rows; res[0] = bytes written. */
export function pq_bool_pack(src: usize, validity: usize, nRows: i32, dst: usize, res: usize): i32 {
  if (nRows < 0) return ERR_BAD_ARGUMENT;
  let acc: u32 = 0;
  let bits: u32 = 0;
  let op = dst;
  for (let i: i32 = 0; i < nRows; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    if (load<u8>(src + <usize>i) != 0) acc |= <u32>1 << bits;
    bits++;
    if (bits == 8) {
      store<u8>(op, <u8>acc);
      op++;
      acc = 0;
      bits = 0;
    }
  }
  if (bits > 0) {
    store<u8>(op, <u8>acc);
    op++;
  }
  store<i32>(res, <i32>(op - dst));
  return OK;
}

/**
 * PLAIN-encode the non-null byte arrays of nRows rows (offsets: nRows + 1 i32
 * into data) as u32 length + bytes; res[0] = bytes written.
 */
export function pq_ba_encode(offsets: usize, data: usize, validity: usize, nRows: i32, dst: usize, res: usize): i32 {
  if (nRows < 0) return ERR_BAD_ARGUMENT;
  let op = dst;
  for (let i: i32 = 0; i < nRows; i++) {
    if (validity != 0 && load<u8>(validity + <usize>i) == 0) continue;
    const a = load<i32>(offsets + (<usize>i << 2));
    const b = load<i32>(offsets + ((<usize>i + 1) << 2));
    if (a < 0 || b < a) return ERR_BAD_ARGUMENT;
    const l = <usize>(b - a);
    store<u32>(op, <u32>l);
    memory.copy(op + 4, data + <usize>a, l);
    op += 4 + l;
  }
  store<i32>(res, <i32>(op - dst));
  return OK;
}

/**
 * Min and max of n dense values (statistics for the writer). kind: 0 i32,
 * 1 i64, 2 f32, 3 f64. NaN is skipped. res: [count i32, pad, min 8 bytes,
 * max 8 bytes] (i32/f32 widened to i64/f64); count = values considered.
 */
export function pq_minmax(kind: i32, src: usize, n: i32, res: usize): i32 {
  if (n < 0 || kind < 0 || kind > 3) return ERR_BAD_ARGUMENT;
  let count: i32 = 0;
  if (kind == 0 || kind == 1) {
    let lo: i64 = i64.MAX_VALUE;
    let hi: i64 = i64.MIN_VALUE;
    for (let i: i32 = 0; i < n; i++) {
      const v: i64 = kind == 0 ? <i64>load<i32>(src + (<usize>i << 2)) : load<i64>(src + (<usize>i << 3));
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    count = n;
    store<i64>(res + 8, lo);
    store<i64>(res + 16, hi);
  } else {
    let lo: f64 = Infinity;
    let hi: f64 = -Infinity;
    for (let i: i32 = 0; i < n; i++) {
      const v: f64 = kind == 2 ? <f64>load<f32>(src + (<usize>i << 2)) : load<f64>(src + (<usize>i << 3));
      if (v != v) continue;
      count++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    store<f64>(res + 8, lo);
    store<f64>(res + 16, hi);
  }
  store<i32>(res, count);
  return OK;
}
