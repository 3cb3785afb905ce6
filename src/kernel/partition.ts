/**
 * Host-side partitioning by the high bits of a u64 key hash. Rows with equal
 * keys always land in the same partition, so a join or a latest-per-key can
 * run partition by partition in bounded kernel memory. Pure TypeScript over
 * typed arrays; 64-bit columns are handled as pairs of u32 words
 * (little-endian: word 2i is the low half of row i, word 2i+1 the high half).
 */

/** A 64-bit column seen as 2 * length u32 words. */
export const words = (a: BigUint64Array | BigInt64Array): Uint32Array => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);

/** Rows of one split: partition p holds rows[offsets[p]] .. rows[offsets[p + 1] - 1]. */
export interface Partitioned {
  /** P + 1 ascending offsets into `rows` and into each column of `columns`. */
  readonly offsets: Int32Array;
  /** The caller's row index of every partitioned row; ascending inside a partition (stable). */
  readonly rows: Int32Array;
  /** The 64-bit input columns reordered the same way, as u32 word pairs. */
  readonly columns: readonly Uint32Array[];
}

/** The smallest number of high bits b such that 2^b >= parts (parts is clamped to [1, 4096]). */
export function partitionBits(parts: number): number {
  const p = Math.max(1, Math.min(4096, Math.floor(parts)));
  return Math.ceil(Math.log2(p));
}

/**
 * Split rows into 2^bits partitions by the top `bits` bits of the key hash.
 * `columns` are 64-bit columns as u32 words (the key column itself is usually
 * one of them); they are copied in partition order. One counting pass and one
 * scatter pass; stable, so each partition keeps the caller's row order.
 */
export function partitionRows(keyWords: Uint32Array, columns: readonly Uint32Array[], bits: number): Partitioned {
  const n = keyWords.length >>> 1;
  const parts = 1 << bits;
  const shift = 32 - bits;
  const counts = new Int32Array(parts + 1);
  if (bits === 0) counts[1] = n;
  else for (let i = 0; i < n; i++) counts[(keyWords[2 * i + 1] >>> shift) + 1]++;
  for (let p = 0; p < parts; p++) counts[p + 1] += counts[p];
  const offsets = counts.slice();
  const cursor = counts.subarray(0, parts).slice();
  const rows = new Int32Array(n);
  const out = columns.map(() => new Uint32Array(2 * n));
  const [c0, c1, c2] = columns;
  const [o0, o1, o2] = out;
  const c = columns.length;
  for (let i = 0; i < n; i++) {
    const d = bits === 0 ? i : cursor[keyWords[2 * i + 1] >>> shift]++;
    rows[d] = i;
    if (c > 0) { o0[2 * d] = c0[2 * i]; o0[2 * d + 1] = c0[2 * i + 1]; }
    if (c > 1) { o1[2 * d] = c1[2 * i]; o1[2 * d + 1] = c1[2 * i + 1]; }
    if (c > 2) { o2[2 * d] = c2[2 * i]; o2[2 * d + 1] = c2[2 * i + 1]; }
    for (let k = 3; k < c; k++) { out[k][2 * d] = columns[k][2 * i]; out[k][2 * d + 1] = columns[k][2 * i + 1]; }
  }
  return { offsets, rows, columns: out };
}

/** The whole input as one partition, without copying. */
export function singlePartition(n: number, columns: readonly Uint32Array[]): Partitioned {
  return { offsets: Int32Array.of(0, n), rows: identityRows, columns };
}

/** Marker for "rows are the caller's rows": mapping back is the identity. */
export const identityRows = new Int32Array(0);
