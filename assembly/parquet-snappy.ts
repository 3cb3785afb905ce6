// Snappy raw block format (https://github.com/google/snappy/blob/main/format_description.txt):
// the compression codec of most Parquet files (DuckDB's and pyarrow's default).
// Decompression validates every length and offset against both buffers, so a
// corrupt block returns ERR_TRUNCATED instead of reading or writing out of
// bounds. Compression follows the reference encoder: 64 KiB blocks, a 2^14
// entry hash table of 4-byte sequences, and a skip that accelerates through
// incompressible input (random doubles cost little more than a copy).
import { OK, ERR_BAD_ARGUMENT, ERR_TRUNCATED } from "./status";
import { copyMatch } from "./copy-bytes";

/** Read the varint preamble (the uncompressed length). Returns -1 when malformed. */
function preamble(src: usize, srcLen: i32, res: usize): i64 {
  let v: u64 = 0;
  let shift: u64 = 0;
  let i: i32 = 0;
  while (i < srcLen && i < 5) {
    const b = <u64>load<u8>(src + <usize>i);
    v |= (b & 0x7f) << shift;
    i++;
    if ((b & 0x80) == 0) {
      if (v > 0x7fffffff) return -1;
      store<i32>(res, i);
      return <i64>v;
    }
    shift += 7;
  }
  return -1;
}

/**
 * The uncompressed length stated by a snappy block, written to res[0]; the
 * preamble's byte length to res[1].
 */
export function pq_snappy_length(src: usize, srcLen: i32, res: usize): i32 {
  if (srcLen < 0) return ERR_BAD_ARGUMENT;
  const n = preamble(src, srcLen, res + 4);
  if (n < 0) return ERR_TRUNCATED;
  store<i32>(res, <i32>n);
  return OK;
}

/**
 * Decompress a snappy block into dst, which must be exactly dstLen bytes (the
 * length the block states, which Parquet also records in the page header).
 */
export function pq_snappy_decompress(src: usize, srcLen: i32, dst: usize, dstLen: i32): i32 {
  if (srcLen < 0 || dstLen < 0) return ERR_BAD_ARGUMENT;
  const tmp = memory.data(8, 8);
  const n = preamble(src, srcLen, tmp);
  if (n < 0 || n != <i64>dstLen) return ERR_TRUNCATED;
  let ip: usize = src + <usize>load<i32>(tmp);
  const ipEnd: usize = src + <usize>srcLen;
  let op: usize = dst;
  const opEnd: usize = dst + <usize>dstLen;
  while (ip < ipEnd) {
    const tag = <u32>load<u8>(ip);
    ip++;
    const kind = tag & 3;
    if (kind == 0) {
      let len = <usize>(tag >> 2) + 1;
      if (len > 60) {
        const extra = len - 60; // 1..4 bytes of little-endian length - 1
        if (ip + extra > ipEnd) return ERR_TRUNCATED;
        let l: usize = 0;
        for (let j: usize = 0; j < extra; j++) l |= <usize>load<u8>(ip + j) << (j << 3);
        ip += extra;
        len = l + 1;
        if (len == 0) return ERR_TRUNCATED; // wrapped: 4-byte length of 2^32
      }
      if (len > <usize>(ipEnd - ip) || len > <usize>(opEnd - op)) return ERR_TRUNCATED;
      if (len <= 16 && ip + 16 <= ipEnd && op + 16 <= opEnd) {
        store<u64>(op, load<u64>(ip));
        store<u64>(op + 8, load<u64>(ip + 8));
      } else {
        memory.copy(op, ip, len);
      }
      ip += len;
      op += len;
      continue;
    }
    let len: usize;
    let offset: usize;
    if (kind == 1) {
      if (ip >= ipEnd) return ERR_TRUNCATED;
      len = <usize>((tag >> 2) & 7) + 4;
      offset = (<usize>(tag >> 5) << 8) | <usize>load<u8>(ip);
      ip++;
    } else if (kind == 2) {
      if (ip + 2 > ipEnd) return ERR_TRUNCATED;
      len = <usize>(tag >> 2) + 1;
      offset = <usize>load<u16>(ip);
      ip += 2;
    } else {
      if (ip + 4 > ipEnd) return ERR_TRUNCATED;
      len = <usize>(tag >> 2) + 1;
      offset = <usize>load<u32>(ip);
      ip += 4;
    }
    if (offset == 0 || offset > <usize>(op - dst) || len > <usize>(opEnd - op)) return ERR_TRUNCATED;
    copyMatch(op, offset, len, opEnd);
    op += len;
  }
  return op == opEnd ? OK : ERR_TRUNCATED;
}

/** An upper bound on the compressed size of n bytes. */
export function pq_snappy_max_length(n: i32): i32 {
  if (n < 0) return -1;
  const m: i64 = 32 + <i64>n + <i64>n / 6;
  return m > 0x7fffffff ? -1 : <i32>m;
}

const HASH_BITS: u32 = 14;
const TABLE: usize = memory.data(2 << 14, 16); // u16 positions within the block
const BLOCK: usize = 1 << 16;
const MARGIN: usize = 15;

// @ts-ignore: decorator
@inline function hash32(x: u32): usize {
  return <usize>((x * 0x1e35a7bd) >> (32 - HASH_BITS));
}

function emitLiteral(op: usize, src: usize, len: usize): usize {
  const n = len - 1;
  if (n < 60) {
    store<u8>(op, <u8>(n << 2));
    op++;
  } else if (n < 0x100) {
    store<u8>(op, 60 << 2);
    store<u8>(op + 1, <u8>n);
    op += 2;
  } else if (n < 0x10000) {
    store<u8>(op, 61 << 2);
    store<u16>(op + 1, <u16>n);
    op += 3;
  } else if (n < 0x1000000) {
    store<u8>(op, 62 << 2);
    store<u16>(op + 1, <u16>n);
    store<u8>(op + 3, <u8>(n >> 16));
    op += 4;
  } else {
    store<u8>(op, 63 << 2);
    store<u32>(op + 1, <u32>n);
    op += 5;
  }
  memory.copy(op, src, len);
  return op + len;
}

function emitCopy(op: usize, offset: usize, len: usize): usize {
  while (len >= 68) {
    store<u8>(op, <u8>(((64 - 1) << 2) | 2));
    store<u16>(op + 1, <u16>offset);
    op += 3;
    len -= 64;
  }
  if (len > 64) {
    store<u8>(op, <u8>(((60 - 1) << 2) | 2));
    store<u16>(op + 1, <u16>offset);
    op += 3;
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    store<u8>(op, <u8>(((offset >> 8) << 5) | ((len - 4) << 2) | 1));
    store<u8>(op + 1, <u8>(offset & 0xff));
    op += 2;
  } else {
    store<u8>(op, <u8>(((len - 1) << 2) | 2));
    store<u16>(op + 1, <u16>offset);
    op += 3;
  }
  return op;
}

/** Compress one block of at most 64 KiB; returns the new output position. */
function compressBlock(src: usize, len: usize, op: usize): usize {
  const ipEnd = src + len;
  let nextEmit = src;
  if (len >= MARGIN + 1) {
    memory.fill(TABLE, 0, 2 << HASH_BITS);
    const ipLimit = ipEnd - MARGIN;
    let ip = src + 1;
    let nextHash = hash32(load<u32>(ip));
    while (true) {
      let skip: u32 = 32;
      let nextIp = ip;
      let candidate: usize = 0;
      do {
        ip = nextIp;
        const h = nextHash;
        const step = <usize>(skip >> 5);
        skip++;
        nextIp = ip + step;
        if (nextIp > ipLimit) return emitRemainder(op, nextEmit, ipEnd);
        nextHash = hash32(load<u32>(nextIp));
        candidate = src + <usize>load<u16>(TABLE + (h << 1));
        store<u16>(TABLE + (h << 1), <u16>(ip - src));
      } while (load<u32>(ip) != load<u32>(candidate));

      op = emitLiteral(op, nextEmit, ip - nextEmit);
      while (true) {
        const base = ip;
        // Extend the match 8 bytes at a time, then byte by byte.
        let a = candidate + 4;
        let b = ip + 4;
        while (b + 8 <= ipEnd && load<u64>(a) == load<u64>(b)) {
          a += 8;
          b += 8;
        }
        while (b < ipEnd && load<u8>(a) == load<u8>(b)) {
          a++;
          b++;
        }
        ip = b;
        op = emitCopy(op, base - candidate, b - base);
        nextEmit = ip;
        if (ip >= ipLimit) return emitRemainder(op, nextEmit, ipEnd);
        const prev = hash32(load<u32>(ip - 1));
        store<u16>(TABLE + (prev << 1), <u16>(ip - 1 - src));
        const cur = hash32(load<u32>(ip));
        candidate = src + <usize>load<u16>(TABLE + (cur << 1));
        store<u16>(TABLE + (cur << 1), <u16>(ip - src));
        if (load<u32>(ip) != load<u32>(candidate)) break;
      }
      ip++;
      nextHash = hash32(load<u32>(ip));
    }
  }
  return emitRemainder(op, nextEmit, ipEnd);
}

// @ts-ignore: decorator
@inline function emitRemainder(op: usize, nextEmit: usize, ipEnd: usize): usize {
  return nextEmit < ipEnd ? emitLiteral(op, nextEmit, ipEnd - nextEmit) : op;
}

/**
 * Compress n bytes of src into dst, which must hold pq_snappy_max_length(n)
 * bytes. Writes the compressed length to res[0].
 */
export function pq_snappy_compress(src: usize, n: i32, dst: usize, res: usize): i32 {
  if (n < 0) return ERR_BAD_ARGUMENT;
  let op = dst;
  let v = <u32>n;
  while (v >= 0x80) {
    store<u8>(op, <u8>(v | 0x80));
    op++;
    v >>= 7;
  }
  store<u8>(op, <u8>v);
  op++;
  let pos: usize = 0;
  const total = <usize>n;
  while (pos < total) {
    const len = total - pos < BLOCK ? total - pos : BLOCK;
    op = compressBlock(src + pos, len, op);
    pos += len;
  }
  store<i32>(res, <i32>(op - dst));
  return OK;
}
