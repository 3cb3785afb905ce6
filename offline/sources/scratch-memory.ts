// Reuse of memory that is already touched: the historical join's source
// key and time columns (24 bytes per source row) are garbage once the join
// has run, and the feature pass needs fresh output columns right after.
// Touching fresh memory is slow on some hosts (page faults and zeroing, ~4 ms
// per MB measured on the bench VM), so the output columns are carved from the
// dead columns' buffers instead (zeroed: same contents as new arrays). They may
// be SharedArrayBuffers (the join's columns are decoded into shared memory).
// A buffer is only used when the columns still to place fill at least half
// of it, so an output never keeps much more memory alive than it uses.

/** Typed array constructors the output columns use. */
type Ctor<T> = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; readonly BYTES_PER_ELEMENT: number };

export class ScratchMemory {
  readonly #buffers: ArrayBufferLike[];
  #current: ArrayBufferLike | null = null;
  #at = 0;
  /** Bytes still to be asked for (the caller's estimate; decides whether a buffer is worth taking). */
  #need: number;

  /** `buffers` must no longer be used by anyone else; `need` is the total bytes of the arrays to come. */
  constructor(buffers: readonly ArrayBufferLike[], need: number) {
    this.#buffers = [...buffers].sort((a, b) => b.byteLength - a.byteLength);
    this.#need = need;
  }

  /** A zeroed array of n elements: from a scratch buffer when one has room, else new. */
  take<T>(ctor: Ctor<T>, n: number): T {
    const bytes = n * ctor.BYTES_PER_ELEMENT;
    const align = 8;
    let at = Math.ceil(this.#at / align) * align;
    if (this.#current === null || at + bytes > this.#current.byteLength) {
      this.#current = null;
      const i = this.#buffers.findIndex((b) => b.byteLength >= bytes && 2 * this.#need >= b.byteLength);
      if (i >= 0) {
        this.#current = this.#buffers.splice(i, 1)[0];
        at = 0;
      }
    }
    this.#need = Math.max(0, this.#need - bytes);
    if (this.#current === null || bytes === 0) return new ctor(new ArrayBuffer(bytes), 0, n);
    const out = new ctor(this.#current, at, n);
    new Uint8Array(this.#current, at, bytes).fill(0);
    this.#at = at + bytes;
    return out;
  }

  /** Drop the buffers not taken (so they can be collected). */
  release(): void {
    this.#buffers.length = 0;
    this.#current = null;
  }
}
