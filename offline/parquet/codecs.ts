// Codecs the kernel leaves to the host: GZIP, BROTLI and ZSTD via node:zlib
// (zstd since Node 22.15). Snappy, LZ4_RAW and uncompressed pages never come
// here. LZ4 (the deprecated Hadoop-framed codec) and LZO are not supported.
import * as zlib from 'node:zlib';
import type { Result } from '../../src/core/errors.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { lz4Decompress, ParquetCodec, snappyDecompress, type HostDecompress } from '../../src/kernel/parquet.ts';

type Inflate = (src: Uint8Array, opts: { maxOutputLength?: number }) => Buffer;
const zstd = (zlib as unknown as { zstdDecompressSync?: Inflate }).zstdDecompressSync;

/** Decompress one page; null for a codec this host cannot decompress. Throws on corrupt input. */
export const hostDecompress: HostDecompress = (codec, src, size) => {
  // maxOutputLength stops a corrupt page from inflating without bound.
  const opts = { maxOutputLength: Math.max(size, 1) };
  switch (codec) {
    case ParquetCodec.GZIP:
      return zlib.gunzipSync(src, opts);
    case ParquetCodec.BROTLI:
      return zlib.brotliDecompressSync(src, opts);
    case ParquetCodec.ZSTD:
      return zstd ? zstd(src, opts) : null;
    default:
      return null;
  }
};

/**
 * Every codec in the shape hyparquet's `compressors` option wants, for the
 * fallback reader: snappy and LZ4_RAW through the kernel (hyparquet has no
 * LZ4_RAW, and the kernel's snappy is faster), the rest through node:zlib.
 * Called outside any kernel call, so the kernel's arena is free to use.
 */
export function hyparquetCompressors(k: KernelInstance): Record<string, (src: Uint8Array, size: number) => Uint8Array> {
  const unwrap = (r: Result<Uint8Array>): Uint8Array => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const viaHost = (codec: number) => (src: Uint8Array, size: number) => {
    const out = hostDecompress(codec, src, size);
    if (!out) throw new Error(`parquet unsupported compression codec ${codec}`);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  };
  return {
    SNAPPY: (src) => unwrap(snappyDecompress(k, src)),
    LZ4_RAW: (src, size) => unwrap(lz4Decompress(k, src, size)),
    GZIP: viaHost(ParquetCodec.GZIP),
    BROTLI: viaHost(ParquetCodec.BROTLI),
    ...(zstd ? { ZSTD: viaHost(ParquetCodec.ZSTD) } : {}),
  };
}
