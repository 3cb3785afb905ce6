// Arena memory for the host. The module is built with the stub runtime: a bump
// allocator that never frees. The host allocates the buffers a call needs,
// copies columns in, calls a kernel, copies results out, and resets the arena
// once per request or partition.

/** Allocate `size` bytes, 16-byte aligned. Returns 0 when memory cannot grow. */
export function alloc(size: usize): usize {
  return heap.alloc(size);
}

/** Free everything allocated since the module started (or the last reset). */
export function reset(): void {
  heap.reset();
}

/** Bytes of linear memory in use by the arena (for the host's accounting). */
export function heapTop(): usize {
  return memory.size() << 16;
}
