// Parquet byte work for the offline reader and writer (offline/parquet) and
// for anything that reads Parquet in a Worker: codecs, the RLE/bit-packed
// hybrid, page headers, and value decoding/encoding. The host drives the page
// loop (src/kernel/parquet.ts); each call here works on one buffer or page.
// Exports are prefixed pq_. Statuses: assembly/status.ts, plus 100 for an
// encoding the kernel does not decode (the host falls back to another reader).
export { pq_snappy_length, pq_snappy_decompress, pq_snappy_max_length, pq_snappy_compress } from "./parquet-snappy";
export { pq_lz4_decompress } from "./parquet-lz4";
export { pq_rle_decode, pq_def_levels, pq_rle_max_length, pq_rle_encode } from "./parquet-rle";
export { pq_page_header } from "./parquet-thrift";
export {
  pq_decode_fixed, pq_spread_tail, pq_decode_bool, pq_ba_dictionary, pq_ba_locate, pq_ba_gather,
  pq_int96_to_ns, pq_i64_rescale, pq_u32_to_i64, pq_compact, pq_bool_pack, pq_ba_encode, pq_minmax,
} from "./parquet-values";
