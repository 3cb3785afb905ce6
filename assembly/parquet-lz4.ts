// LZ4 raw block format (Parquet codec LZ4_RAW, id 7;
// https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md). Every length
// and offset is validated against both buffers.
import { OK, ERR_BAD_ARGUMENT, ERR_TRUNCATED } from "./status";
import { copyMatch } from "./copy-bytes";

/** Decompress an LZ4 block into dst, which must come out exactly dstLen bytes. */
export function pq_lz4_decompress(src: usize, srcLen: i32, dst: usize, dstLen: i32): i32 {
  if (srcLen < 0 || dstLen < 0) return ERR_BAD_ARGUMENT;
  let ip = src;
  const ipEnd = src + <usize>srcLen;
  let op = dst;
  const opEnd = dst + <usize>dstLen;
  while (ip < ipEnd) {
    const token = <usize>load<u8>(ip);
    ip++;
    let lit = token >> 4;
    if (lit == 15) {
      while (true) {
        if (ip >= ipEnd) return ERR_TRUNCATED;
        const b = <usize>load<u8>(ip);
        ip++;
        lit += b;
        if (lit > <usize>0x7fffffff) return ERR_TRUNCATED;
        if (b != 255) break;
      }
    }
    if (lit > <usize>(ipEnd - ip) || lit > <usize>(opEnd - op)) return ERR_TRUNCATED;
    memory.copy(op, ip, lit);
    ip += lit;
    op += lit;
    if (ip == ipEnd) break; // the last sequence carries literals only
    if (ip + 2 > ipEnd) return ERR_TRUNCATED;
    const offset = <usize>load<u16>(ip);
    ip += 2;
    let len = (token & 15) + 4;
    if ((token & 15) == 15) {
      while (true) {
        if (ip >= ipEnd) return ERR_TRUNCATED;
        const b = <usize>load<u8>(ip);
        ip++;
        len += b;
        if (len > <usize>0x7fffffff) return ERR_TRUNCATED;
        if (b != 255) break;
      }
    }
    if (offset == 0 || offset > <usize>(op - dst) || len > <usize>(opEnd - op)) return ERR_TRUNCATED;
    copyMatch(op, offset, len, opEnd);
    op += len;
  }
  return op == opEnd ? OK : ERR_TRUNCATED;
}
