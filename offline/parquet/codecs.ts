// Codecs the kernel leaves to the host: GZIP, BROTLI and ZSTD via node:zlib
// (zstd since Node 22.15). Snappy, LZ4_RAW and uncompressed pages never come
// here. LZ4 (the deprecated Hadoop-framed codec) and LZO are not supported.
import * as zlib from 'node:zlib';
import { ParquetCodec, type HostDecompress } from '../../src/kernel/parquet.ts';

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

/** The same codecs in the shape hyparquet's `compressors` option wants (for the fallback reader). */
export const hyparquetCompressors = {
  GZIP: (src: Uint8Array, size: number) => new Uint8Array(zlib.gunzipSync(src, { maxOutputLength: Math.max(size, 1) })),
  BROTLI: (src: Uint8Array, size: number) => new Uint8Array(zlib.brotliDecompressSync(src, { maxOutputLength: Math.max(size, 1) })),
  ...(zstd ? { ZSTD: (src: Uint8Array, size: number) => new Uint8Array(zstd(src, { maxOutputLength: Math.max(size, 1) })) } : {}),
};
