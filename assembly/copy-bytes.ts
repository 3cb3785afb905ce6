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
