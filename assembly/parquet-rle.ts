// Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary
// indices, RLE booleans): a sequence of runs, each a ULEB128 header whose low
// bit picks a bit-packed run (header >> 1 groups of 8 values, LSB first) or an
// RLE run (header >> 1 repeats of one value in ceil(bitWidth / 8) bytes).
// https://parquet.apache.org/docs/file-format/data-pages/encodings/
import { OK, ERR_BAD_ARGUMENT, ERR_TRUNCATED } from "./status";

/** Bytes consumed by the last decode (for callers that need the position). */
let consumed: i32 = 0;

export function rleConsumed(): i32 {
  return consumed;
}

// Decoder state shared by the two decode loops.
let rp: usize = 0;
let rEnd: usize = 0;

/** Read a ULEB128 u32 at rp; returns -1 (as i64) when malformed or truncated. */
function readHeader(): i64 {
  let v: u64 = 0;
  let shift: u64 = 0;
  for (let i = 0; i < 5; i++) {
    if (rp >= rEnd) return -1;
    const b = <u64>load<u8>(rp);
    rp++;
    v |= (b & 0x7f) << shift;
    if ((b & 0x80) == 0) return v > 0xffffffff ? -1 : <i64>v;
    shift += 7;
  }
  return -1;
}

/** Value j (bitWidth bw <= 32) of a bit-packed run starting at p with `avail` readable bytes. */
// @ts-ignore: decorator
@inline function unpack(p: usize, avail: usize, j: usize, bw: u32, mask: u64): u32 {
  const bit = j * <usize>bw;
  const byte = bit >> 3;
  const shift = <u64>(bit & 7);
  if (byte + 8 <= avail) return <u32>((load<u64>(p + byte) >> shift) & mask);
  let w: u64 = 0;
  for (let k: usize = 0; k < 8 && byte + k < avail; k++) w |= <u64>load<u8>(p + byte + k) << (<u64>k << 3);
  return <u32>((w >> shift) & mask);
}

/**
 * Decode n values of bit width bw (0..32) into dst (u32 each). Internal entry
 * used by the dictionary and boolean decoders; sets `consumed`.
 */
export function rleDecode(src: usize, srcLen: i32, bw: i32, n: i32, dst: usize): i32 {
  if (srcLen < 0 || n < 0 || bw < 0 || bw > 32) return ERR_BAD_ARGUMENT;
  if (bw == 0) {
    memory.fill(dst, 0, <usize>n << 2);
    consumed = 0;
    return OK;
  }
  rp = src;
  rEnd = src + <usize>srcLen;
  const w = <u32>bw;
  const mask: u64 = (<u64>1 << <u64>w) - 1;
  const byteW = <usize>((w + 7) >> 3);
  let i: i32 = 0;
  while (i < n) {
    const h = readHeader();
    if (h < 0) return ERR_TRUNCATED;
    const count = <u64>(h >> 1);
    if ((h & 1) != 0) {
      const values = count << 3;
      const left = <u64>(n - i);
      const take = <i32>(values < left ? values : left);
      const need = <usize>((<u64>take * <u64>w + 7) >> 3);
      const avail = <usize>(rEnd - rp);
      if (need > avail) return ERR_TRUNCATED;
      const out = dst + (<usize>i << 2);
      for (let j: i32 = 0; j < take; j++) store<u32>(out + (<usize>j << 2), unpack(rp, avail, <usize>j, w, mask));
      const bytes = count * <u64>w;
      rp += bytes < <u64>avail ? <usize>bytes : avail;
      i += take;
    } else {
      if (rp + byteW > rEnd) return ERR_TRUNCATED;
      let v: u32 = 0;
      for (let k: usize = 0; k < byteW; k++) v |= <u32>load<u8>(rp + k) << (<u32>k << 3);
      rp += byteW;
      const left = <u64>(n - i);
      const take = <i32>(count < left ? count : left);
      const out = dst + (<usize>i << 2);
      for (let j: i32 = 0; j < take; j++) store<u32>(out + (<usize>j << 2), v);
      i += take;
    }
  }
  consumed = <i32>(rp - src);
  return OK;
}

/**
 * Decode n RLE/bit-packed values into dst (u32 each). res[0] = bytes consumed.
 */
export function pq_rle_decode(src: usize, srcLen: i32, bw: i32, n: i32, dst: usize, res: usize): i32 {
  const st = rleDecode(src, srcLen, bw, n, dst);
  if (st == OK) store<i32>(res, consumed);
  return st;
}

/**
 * Decode n definition levels (bit width bw) straight into a validity array:
 * validity[i] = 1 when level i == maxDef, else 0. res[0] = number of valid
 * (non-null) values, res[1] = bytes consumed.
 */
export function pq_def_levels(src: usize, srcLen: i32, bw: i32, n: i32, maxDef: i32, validity: usize, res: usize): i32 {
  if (srcLen < 0 || n < 0 || bw < 0 || bw > 32 || maxDef < 0) return ERR_BAD_ARGUMENT;
  if (bw == 0) {
    const v: u8 = maxDef == 0 ? 1 : 0;
    memory.fill(validity, v, <usize>n);
    store<i32>(res, v ? n : 0);
    store<i32>(res + 4, 0);
    return OK;
  }
  rp = src;
  rEnd = src + <usize>srcLen;
  const w = <u32>bw;
  const mask: u64 = (<u64>1 << <u64>w) - 1;
  const byteW = <usize>((w + 7) >> 3);
  const top = <u32>maxDef;
  let valid: i32 = 0;
  let i: i32 = 0;
  while (i < n) {
    const h = readHeader();
    if (h < 0) return ERR_TRUNCATED;
    const count = <u64>(h >> 1);
    if ((h & 1) != 0) {
      const values = count << 3;
      const left = <u64>(n - i);
      const take = <i32>(values < left ? values : left);
      const need = <usize>((<u64>take * <u64>w + 7) >> 3);
      const avail = <usize>(rEnd - rp);
      if (need > avail) return ERR_TRUNCATED;
      const out = validity + <usize>i;
      if (w == 1 && top == 1) {
        for (let j: i32 = 0; j < take; j++) {
          const b = <i32>(load<u8>(rp + (<usize>j >> 3)) >> <u8>(j & 7)) & 1;
          store<u8>(out + <usize>j, <u8>b);
          valid += b;
        }
      } else {
        for (let j: i32 = 0; j < take; j++) {
          const b: i32 = unpack(rp, avail, <usize>j, w, mask) == top ? 1 : 0;
          store<u8>(out + <usize>j, <u8>b);
          valid += b;
        }
      }
      const bytes = count * <u64>w;
      rp += bytes < <u64>avail ? <usize>bytes : avail;
      i += take;
    } else {
      if (rp + byteW > rEnd) return ERR_TRUNCATED;
      let v: u32 = 0;
      for (let k: usize = 0; k < byteW; k++) v |= <u32>load<u8>(rp + k) << (<u32>k << 3);
      rp += byteW;
      const left = <u64>(n - i);
      const take = <i32>(count < left ? count : left);
      const b: u8 = v == top ? 1 : 0;
      memory.fill(validity + <usize>i, b, <usize>take);
      if (b) valid += take;
      i += take;
    }
  }
  store<i32>(res, valid);
  store<i32>(res + 4, <i32>(rp - src));
  return OK;
}

// Encoder input: u32 values, or u8 values (a validity array) when `bytes`.
// @ts-ignore: decorator
@inline function get(src: usize, i: i32, bytes: bool): u32 {
  return bytes ? <u32>load<u8>(src + <usize>i) : load<u32>(src + (<usize>i << 2));
}

function writeUleb(op: usize, v: u32): usize {
  while (v >= 0x80) {
    store<u8>(op, <u8>(v | 0x80));
    op++;
    v >>= 7;
  }
  store<u8>(op, <u8>v);
  return op + 1;
}

/** Upper bound on the encoded size of n values of bit width bw. */
export function pq_rle_max_length(n: i32, bw: i32): i32 {
  if (n < 0 || bw < 0 || bw > 32) return -1;
  const m: i64 = (<i64>((n + 7) >> 3) + 1) * <i64>(bw + 10);
  return m > 0x7fffffff ? -1 : <i32>m;
}

/**
 * Encode n values (u32 each, or u8 each when `bytes` != 0) at bit width bw
 * (1..32) with the hybrid: runs of 8 or more equal values become RLE runs,
 * the rest bit-packed groups of 8. dst must hold pq_rle_max_length(n, bw)
 * bytes; res[0] = bytes written.
 */
export function pq_rle_encode(src: usize, n: i32, bw: i32, bytes: i32, dst: usize, res: usize): i32 {
  if (n < 0 || bw < 1 || bw > 32) return ERR_BAD_ARGUMENT;
  const asBytes = bytes != 0;
  const w = <u64>bw;
  const mask: u64 = (<u64>1 << w) - 1;
  const byteW = <usize>((bw + 7) >> 3);
  let op = dst;
  let i: i32 = 0;
  while (i < n) {
    const v = get(src, i, asBytes);
    let r: i32 = 1;
    while (i + r < n && get(src, i + r, asBytes) == v) r++;
    if (r >= 8) {
      op = writeUleb(op, <u32>r << 1);
      for (let k: usize = 0; k < byteW; k++) store<u8>(op + k, <u8>(v >> (<u32>k << 3)));
      op += byteW;
      i += r;
      continue;
    }
    // A bit-packed section: groups of 8 until the input ends or a run of 8 begins.
    let j = i;
    let groups: u32 = 0;
    while (true) {
      groups++;
      j += 8;
      if (j >= n) break;
      const u = get(src, j, asBytes);
      let q: i32 = 1;
      while (q < 8 && j + q < n && get(src, j + q, asBytes) == u) q++;
      if (q >= 8 || groups >= 0x3fffffff) break;
    }
    op = writeUleb(op, (groups << 1) | 1);
    let acc: u64 = 0;
    let nbits: u64 = 0;
    const end = i + <i32>(groups << 3);
    for (let k = i; k < end; k++) {
      const x: u64 = k < n ? <u64>get(src, k, asBytes) & mask : 0;
      acc |= x << nbits;
      nbits += w;
      while (nbits >= 8) {
        store<u8>(op, <u8>acc);
        op++;
        acc >>= 8;
        nbits -= 8;
      }
    }
    i = j < n ? j : n;
  }
  store<i32>(res, <i32>(op - dst));
  return OK;
}
