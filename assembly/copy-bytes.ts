// Small memory helpers shared by the kernels.

/** memory.copy, with a plain loop for the short copies rows and keys are made of (V8 calls out for memory.copy). */
// @ts-ignore: decorator
@inline export function copyBytes(dst: usize, src: usize, len: usize): void {
  if (len <= 64) {
    while (len >= 8) {
      store<u64>(dst, load<u64>(src));
      dst += 8;
      src += 8;
      len -= 8;
    }
    while (len > 0) {
      store<u8>(dst++, load<u8>(src++));
      len--;
    }
  } else {
    memory.copy(dst, src, len);
  }
}

/**
 * An LZ77 back-reference (snappy, LZ4): copy `len` bytes from `offset` bytes
 * behind `op`; the regions may overlap. The caller has checked the bounds.
 */
// @ts-ignore: decorator
@inline export function copyMatch(op: usize, offset: usize, len: usize, opEnd: usize): void {
  let from = op - offset;
  if (offset >= 8 && op + len + 8 <= opEnd) {
    // Non-overlapping 8-byte steps (the source stays >= 8 bytes behind).
    let o = op;
    const end = op + len;
    while (o < end) {
      store<u64>(o, load<u64>(from));
      o += 8;
      from += 8;
    }
  } else {
    for (let j: usize = 0; j < len; j++) store<u8>(op + j, load<u8>(from + j));
  }
}
