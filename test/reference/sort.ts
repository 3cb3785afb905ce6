/**
 * Plain-TypeScript reference for the sort kernel: the order of
 * (key hash unsigned, event ts signed, created ts signed, row index).
 */
export interface SortRowsRef {
  readonly keys: BigUint64Array;
  readonly eventTs: BigInt64Array;
  readonly createdTs: BigInt64Array;
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

export function sortRowsRef(rows: SortRowsRef): Int32Array {
  const idx = Array.from({ length: rows.keys.length }, (_, i) => i);
  idx.sort(
    (a, b) =>
      cmp(rows.keys[a], rows.keys[b]) ||
      cmp(rows.eventTs[a], rows.eventTs[b]) ||
      cmp(rows.createdTs[a], rows.createdTs[b]) ||
      a - b,
  );
  return Int32Array.from(idx);
}

/** Values of (key, value) pairs in stable unsigned key order. */
export function sortPairsRef(keys: BigUint64Array, values: Uint32Array): Uint32Array {
  const idx = Array.from({ length: keys.length }, (_, i) => i);
  idx.sort((a, b) => cmp(keys[a], keys[b]) || a - b);
  return Uint32Array.from(idx, (i) => values[i]);
}
