import { bytesEqual, isNotOlder, type EncodedRow } from '../../src/core/online-store.ts';

/** Approximate memory per held key beyond its bytes: a Map entry with its bigint key, and the slot columns. */
export const SLOT_OVERHEAD_BYTES = 96;

/** A group as a Map key: a small number when the u64 is below 2^31 (no BigInt allocated), else the bigint. */
export type GroupKey = number | bigint;

/** Group i of `groups`, read through `words` (an Int32Array over the same bytes) so small values allocate nothing. */
export function groupAt(groups: BigUint64Array, words: Int32Array, i: number): GroupKey {
  const lo = words[2 * i];
  return words[2 * i + 1] === 0 && lo >= 0 ? lo : groups[i];
}

/** An i64 of a BigInt64Array as a number, read through an Int32Array over the same bytes (no BigInt allocated). */
export function i64At(words: Int32Array, i: number): number {
  return words[2 * i + 1] * 4294967296 + (words[2 * i] >>> 0);
}

/** A growable byte slab. */
class Slab {
  bytes = new Uint8Array(1 << 16);
  used = 0;

  /** Append `b`; returns its offset. */
  push(b: Uint8Array): number {
    if (this.used + b.length > this.bytes.length) {
      let cap = this.bytes.length * 2;
      while (cap < this.used + b.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    const at = this.used;
    this.bytes.set(b, at);
    this.used += b.length;
    return at;
  }
}

function grow<T extends Float64Array | Int32Array | BigUint64Array>(a: T, make: (n: number) => T): T {
  const next = make(a.length * 2);
  next.set(a as never);
  return next;
}

/**
 * The running latest row per entity key across batches. Later offers win
 * ties (source order), as inside a batch. Keyed by the row's group (the raw
 * value of a single int64 join key, else the 64-bit key hash, as the kernel's
 * latestPerKey groups a batch) with the full key bytes checked, so a hash
 * collision across batches keeps both entities.
 *
 * Offered rows may be views into a batch's buffers (valid until the next
 * batch): a row is copied only when it becomes a candidate, into columns and
 * two byte slabs, so what is held is the candidates' bytes (a few typed
 * arrays, no object per row) and nothing of the batches they came from.
 * Memory grows with the number of distinct keys, never with the rows read;
 * the caller bounds it by draining into the store (whose newer-wins rule
 * keeps the result exact) when `size` or `bytes` passes a limit.
 */
export class LatestCandidates {
  readonly #slotOf = new Map<GroupKey, number>();
  #n = 0;
  #eventTs = new Float64Array(1024);
  #createdTs = new Float64Array(1024);
  #keyHash = new BigUint64Array(1024);
  /** Per slot: key offset/length in #keys, value offset/length/capacity in #values. */
  #keyAt = new Int32Array(1024);
  #keyLen = new Int32Array(1024);
  #valAt = new Int32Array(1024);
  #valLen = new Int32Array(1024);
  #valCap = new Int32Array(1024);
  #keys = new Slab();
  #values = new Slab();
  /** Rows whose group collided with another entity's (kept apart, written as they are). */
  #collided: EncodedRow[] = [];
  #collidedBytes = 0;

  get size(): number {
    return this.#n + this.#collided.length;
  }

  /** Approximate memory held: the slabs in use plus SLOT_OVERHEAD_BYTES per key. */
  get bytes(): number {
    return this.#keys.used + this.#values.used + this.#collidedBytes + SLOT_OVERHEAD_BYTES * this.#n;
  }

  /** Whether a strictly newer row of `group` is held (offer would drop a row that is beaten). */
  readonly beaten = (group: GroupKey, eventTs: number, createdTs: number): boolean => {
    const s = this.#slotOf.get(group);
    return s !== undefined && !isNotOlder({ eventTs, createdTs }, { eventTs: this.#eventTs[s], createdTs: this.#createdTs[s] });
  };

  /** Rows with their groups (parallel arrays); rows may be views into a batch's buffers. */
  offer(rows: readonly EncodedRow[], groups: BigUint64Array): void {
    const words = new Int32Array(groups.buffer, groups.byteOffset, groups.length * 2);
    for (let j = 0; j < rows.length; j++) {
      const r = rows[j];
      const g = groupAt(groups, words, j);
      const s = this.#slotOf.get(g);
      if (s === undefined) this.#slotOf.set(g, this.#add(r));
      else if (!bytesEqual(this.#keys.bytes.subarray(this.#keyAt[s], this.#keyAt[s] + this.#keyLen[s]), r.entityKey)) {
        this.#collided.push({ ...r, entityKey: r.entityKey.slice(), value: r.value.slice() });
        this.#collidedBytes += r.entityKey.length + r.value.length + SLOT_OVERHEAD_BYTES;
      } else if (isNotOlder(r, { eventTs: this.#eventTs[s], createdTs: this.#createdTs[s] })) this.#replace(s, r);
    }
  }

  #add(r: EncodedRow): number {
    const s = this.#n++;
    if (s === this.#eventTs.length) {
      const f64 = (n: number) => new Float64Array(n);
      const i32 = (n: number) => new Int32Array(n);
      this.#eventTs = grow(this.#eventTs, f64);
      this.#createdTs = grow(this.#createdTs, f64);
      this.#keyHash = grow(this.#keyHash, (n) => new BigUint64Array(n));
      this.#keyAt = grow(this.#keyAt, i32);
      this.#keyLen = grow(this.#keyLen, i32);
      this.#valAt = grow(this.#valAt, i32);
      this.#valLen = grow(this.#valLen, i32);
      this.#valCap = grow(this.#valCap, i32);
    }
    this.#keyHash[s] = r.keyHash;
    this.#keyAt[s] = this.#keys.push(r.entityKey);
    this.#keyLen[s] = r.entityKey.length;
    this.#valAt[s] = this.#values.push(r.value);
    this.#valLen[s] = this.#valCap[s] = r.value.length;
    this.#eventTs[s] = r.eventTs;
    this.#createdTs[s] = r.createdTs;
    return s;
  }

  /** A newer row of a held key: its value overwrites the old one in place when it fits, else is appended (the old bytes count until drain). */
  #replace(s: number, r: EncodedRow): void {
    if (r.value.length <= this.#valCap[s]) this.#values.bytes.set(r.value, this.#valAt[s]);
    else {
      this.#valAt[s] = this.#values.push(r.value);
      this.#valCap[s] = r.value.length;
    }
    this.#valLen[s] = r.value.length;
    this.#eventTs[s] = r.eventTs;
    this.#createdTs[s] = r.createdTs;
  }

  /**
   * Every candidate as store rows with their own compact buffers, in chunks
   * of at most `chunk` rows; then empty. Collided rows come last, in offer
   * order (the store keeps the newest).
   */
  *drain(chunk: number): Generator<EncodedRow[]> {
    const n = this.#n;
    const keys = this.#keys.bytes;
    const values = this.#values.bytes;
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      const out: EncodedRow[] = new Array(end - start);
      for (let s = start; s < end; s++)
        out[s - start] = {
          entityKey: keys.slice(this.#keyAt[s], this.#keyAt[s] + this.#keyLen[s]),
          keyHash: this.#keyHash[s],
          eventTs: this.#eventTs[s],
          createdTs: this.#createdTs[s],
          value: values.slice(this.#valAt[s], this.#valAt[s] + this.#valLen[s]),
        };
      yield out;
    }
    for (let i = 0; i < this.#collided.length; i += chunk) yield this.#collided.slice(i, i + chunk);
    this.clear();
  }

  clear(): void {
    this.#slotOf.clear();
    this.#n = 0;
    this.#keys = new Slab();
    this.#values = new Slab();
    this.#collided = [];
    this.#collidedBytes = 0;
  }
}
