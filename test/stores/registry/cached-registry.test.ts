import { describe, expect, it } from 'vitest';
import { CachedRegistry } from '../../../src/stores/registry/cached-registry.ts';
import { MemoryRegistryStore } from '../../../src/stores/registry/memory-registry-store.ts';
import type { RegistryStore } from '../../../src/stores/registry/registry-store.ts';
import { sampleDoc } from './registry-docs.ts';

describe('CachedRegistry', () => {
  it('reads once per ttl, shares concurrent reads and sees an apply after the ttl', async () => {
    const inner = new MemoryRegistryStore();
    let reads = 0;
    const store: RegistryStore = { read: (p) => (reads++, inner.read(p)), write: (d, v) => inner.write(d, v) };
    let clock = 0;
    const cache = new CachedRegistry(store, 'p', { ttlMs: 1000, now: () => clock });

    const empty = await cache.get();
    expect(empty.ok && empty.value).toBeNull();
    const v1 = sampleDoc(null, 1);
    await inner.write(v1, 0);
    expect(((await cache.get()) as { value: unknown }).value).toBeNull(); // still cached
    clock = 1000;
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(reads).toBe(2);
    expect(a.ok && a.value?.doc.version).toBe(1);
    expect(a.ok && b.ok && a.value === b.value).toBe(true);
    expect(a.ok && a.value?.featureViews.get('fv')?.ttlSeconds).toBe(1);
    await inner.write(sampleDoc(v1, 2), 1);
    cache.invalidate();
    const fresh = await cache.get();
    expect(fresh.ok && fresh.value?.doc.version).toBe(2);
  });

  it('does not cache failures', async () => {
    let fail = true;
    const store: RegistryStore = {
      read: async () => (fail ? { ok: false, error: { code: 'store_unavailable', message: 'down' } } : { ok: true, value: null }),
      write: async () => ({ ok: true, value: undefined }),
    };
    const cache = new CachedRegistry(store, 'p', { now: () => 0 });
    expect((await cache.get()).ok).toBe(false);
    fail = false;
    expect((await cache.get()).ok).toBe(true);
  });
});
