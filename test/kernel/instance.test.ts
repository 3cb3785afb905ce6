import { describe, expect, it } from 'vitest';
import { runtime, testKernel } from '../support/kernel.ts';

describe(`kernel instance (${runtime})`, () => {
  it('loads with no imports and owns its arena', async () => {
    const k = await testKernel();
    expect(['node', 'workerd']).toContain(runtime);
    const a = k.alloc(100);
    const b = k.alloc(100);
    expect(a % 16).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 100);
    k.reset();
    expect(k.alloc(100)).toBe(a);
    k.reset();
  });

  it('grows memory and gives fresh views afterwards', async () => {
    const k = await testKernel();
    const before = k.memoryBytes;
    const p = k.copyIn(new Float64Array([1.5, 2.5]));
    k.alloc(before * 2);
    expect(k.memoryBytes).toBeGreaterThan(before);
    expect(Array.from(k.f64(p, 2))).toEqual([1.5, 2.5]);
    k.reset();
  });

  it('turns arena exhaustion into an error value', async () => {
    const k = await testKernel();
    const r = k.scoped('test', () => {
      k.alloc(2 ** 32 - 1024);
      return { ok: true as const, value: 1 };
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('kernel_out_of_memory');
  });
});
