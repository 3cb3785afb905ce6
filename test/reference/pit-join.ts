/**
 * Plain-TypeScript reference for the point-in-time join and latest-per-key,
 * written straight from domain.md: scan every feature row for every entity row.
 */
export interface EntityRowsRef {
  readonly keys: BigUint64Array;
  readonly ts: BigInt64Array;
}
export interface FeatureRowsRef {
  readonly keys: BigUint64Array;
  readonly eventTs: BigInt64Array;
  readonly createdTs: BigInt64Array;
}

const NULL_TS = -(2n ** 63n);

/** True when feature row a beats feature row b: event, then created, then the later row. */
function beats(f: FeatureRowsRef, a: number, b: number): boolean {
  if (b < 0) return true;
  if (f.eventTs[a] !== f.eventTs[b]) return f.eventTs[a] > f.eventTs[b];
  if (f.createdTs[a] !== f.createdTs[b]) return f.createdTs[a] > f.createdTs[b];
  return a > b;
}

export function pitJoinRef(e: EntityRowsRef, f: FeatureRowsRef, ttl: bigint, filterByCreated: boolean): Int32Array {
  const out = new Int32Array(e.keys.length);
  for (let i = 0; i < e.keys.length; i++) {
    const t = e.ts[i];
    let best = -1;
    for (let j = 0; j < f.keys.length; j++) {
      if (f.keys[j] !== e.keys[i]) continue;
      const ev = f.eventTs[j];
      if (ev > t) continue;
      if (ttl > 0n && ev < t - ttl) continue; // bigint: no overflow
      if (filterByCreated && (f.createdTs[j] === NULL_TS || f.createdTs[j] > t)) continue;
      if (beats(f, j, best)) best = j;
    }
    out[i] = best;
  }
  return out;
}

/** Latest row per key with start <= event <= end, in ascending unsigned key order. */
export function latestPerKeyRef(f: FeatureRowsRef, start: bigint, end: bigint): Int32Array {
  const best = new Map<bigint, number>();
  for (let j = 0; j < f.keys.length; j++) {
    const ev = f.eventTs[j];
    if (ev < start || ev > end) continue;
    const b = best.get(f.keys[j]);
    if (b === undefined || beats(f, j, b)) best.set(f.keys[j], j);
  }
  return Int32Array.from([...best.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, j]) => j));
}
