// The registry-store contract (compare-and-swap on the version) against real local D1 inside
// workerd; the `registry` table comes from src/stores/d1/migrations (applied by apply-migrations.ts).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CachedRegistry } from '../../src/stores/registry/cached-registry.ts';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { sampleDoc } from '../stores/registry/registry-docs.ts';
import { describeRegistryStore } from '../stores/registry/registry-store-contract.ts';

const e = env as unknown as { DB: D1Database };

describeRegistryStore('d1', async () => new D1RegistryStore(e.DB));

describe('d1 registry store in the Worker', () => {
  it('keeps the version column in step with the body and serves a cached index', async () => {
    const store = new D1RegistryStore(e.DB);
    const v1 = sampleDoc(null, 1, 'cached');
    expect((await store.write(v1, 0)).ok).toBe(true);
    const row = await e.DB.prepare('SELECT version, updated_at FROM registry WHERE project = ?').bind('cached').first();
    expect(row).toEqual({ version: 1, updated_at: v1.updatedAt });
    const cache = new CachedRegistry(store, 'cached', { ttlMs: 60_000 });
    const got = await cache.get();
    expect(got.ok && got.value?.featureViews.get('fv')?.entityColumns).toEqual([{ name: 'driver_id', dtype: 'int64' }]);
  });

  it('reports a corrupt stored body instead of throwing', async () => {
    await e.DB.prepare('INSERT INTO registry (project, version, body, updated_at) VALUES (?, 1, ?, ?)').bind('corrupt', '{"formatVersion":1}', 'x').run();
    const r = await new D1RegistryStore(e.DB).read('corrupt');
    expect(!r.ok && r.error.code).toBe('corrupt_data');
  });
});
