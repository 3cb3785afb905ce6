// Recycled ArrayBuffers for decoded columns. Touching fresh memory is the
// largest cost of a decode on some hosts (first-touch page faults), so a
// streaming reader hands each batch's buffers back once its consumer is done
// and decodes the next batch into them.
export class BufferPool {
  readonly #free = new Map<number, ArrayBuffer[]>();
  #bytes = 0;
  readonly #limit: number;

  constructor(limitBytes = 1 << 30) {
    this.#limit = limitBytes;
  }

  /** A buffer of at least `bytes` (at most twice as big), recycled when possible. */
  take = (bytes: number): ArrayBuffer => {
    const exact = this.#free.get(bytes);
    const hit = exact?.pop();
    if (hit) {
      this.#bytes -= hit.byteLength;
      return hit;
    }
    for (const [size, list] of this.#free) {
      if (size >= bytes && size <= 2 * bytes && list.length > 0) {
        const b = list.pop()!;
        this.#bytes -= b.byteLength;
        return b;
      }
    }
    return new ArrayBuffer(bytes);
  };

  put(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0 || this.#bytes + buffer.byteLength > this.#limit) return;
    const list = this.#free.get(buffer.byteLength);
    if (list) list.push(buffer);
    else this.#free.set(buffer.byteLength, [buffer]);
    this.#bytes += buffer.byteLength;
  }

  get bytes(): number {
    return this.#bytes;
  }
}
