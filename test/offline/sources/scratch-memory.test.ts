import { describe, expect, it } from 'vitest';
import { ScratchMemory } from '../../../offline/sources/scratch-memory.ts';

describe('ScratchMemory', () => {
  it('carves zeroed, aligned, non-overlapping arrays from a dead buffer', () => {
    const dead = new Uint8Array(64).fill(7).buffer;
    const m = new ScratchMemory([dead], 64);
    const a = m.take(Float64Array, 3);
    const v = m.take(Uint8Array, 3);
    const b = m.take(Float64Array, 2);
    expect(a.buffer).toBe(dead);
    expect(b.buffer).toBe(dead);
    expect(b.byteOffset % 8).toBe(0);
    expect([...a, ...v, ...b]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    a.fill(1.5);
    v.fill(1);
    expect([...b]).toEqual([0, 0]);
    expect(b.byteOffset).toBeGreaterThanOrEqual(v.byteOffset + v.byteLength);
  });

  it('allocates fresh memory when the buffer is full or the rest would use less than half of it', () => {
    const dead = new ArrayBuffer(64);
    const small = new ScratchMemory([dead], 16);
    expect(small.take(Float64Array, 2).buffer).not.toBe(dead);
    const m = new ScratchMemory([dead], 80);
    expect(m.take(Float64Array, 8).buffer).toBe(dead);
    const next = m.take(Float64Array, 2);
    expect(next.buffer).not.toBe(dead);
    expect([...next]).toEqual([0, 0]);
  });

  it('hands out nothing after release', () => {
    const dead = new ArrayBuffer(64);
    const m = new ScratchMemory([dead], 64);
    m.release();
    expect(m.take(Int32Array, 4).buffer).not.toBe(dead);
  });
});
