/**
 * Partitioning by the high bits of a u64 key hash: rows with equal keys always
 * share a partition, so the join and latest-per-key run one partition at a
 * time in bounded kernel memory. The kernel selects a partition's rows
 * (top `bits` bits of the hash == partition number) from the chunks the host
 * streams in; these helpers are the host side's arithmetic.
 */

/** A 64-bit column seen as 2 * length u32 words (little-endian: word 2i is the low half of row i). */
export const words = (a: BigUint64Array | BigInt64Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);

/** The smallest number of high bits b such that 2^b >= parts (parts clamped to [1, 65536]). */
export function partitionBits(parts: number): number {
  const p = Math.max(1, Math.min(65536, Math.floor(parts)));
  return Math.ceil(Math.log2(p));
}
