import { bytesEqual, isNotOlder, type EncodedRow } from '../../src/core/online-store.ts';

/**
 * The running latest row per entity key across batches. Later offers win
 * ties (source order), as inside a batch. Keyed by the 64-bit key hash with
 * the full key bytes checked, so a hash collision keeps both entities.
 * Bounded by the caller: drain() it into the store (whose newer-wins rule
 * keeps the result exact) whenever size passes a limit.
 */
export class LatestCandidates {
  readonly #byHash = new Map<bigint, EncodedRow>();
  /** Rows whose hash collided with another entity's (kept apart, written as they are). */
  #collided: EncodedRow[] = [];

  get size(): number {
    return this.#byHash.size + this.#collided.length;
  }

  offer(rows: readonly EncodedRow[]): void {
    for (const r of rows) {
      const prev = this.#byHash.get(r.keyHash);
      if (prev === undefined) this.#byHash.set(r.keyHash, r);
      else if (!bytesEqual(prev.entityKey, r.entityKey)) this.#collided.push(r);
      else if (isNotOlder(r, prev)) this.#byHash.set(r.keyHash, r);
    }
  }

  /** Every candidate, emptied. Collided rows come last, in offer order (the store keeps the newest). */
  drain(): EncodedRow[] {
    const out = [...this.#byHash.values(), ...this.#collided];
    this.#byHash.clear();
    this.#collided = [];
    return out;
  }
}
