import { describe, expect, it } from 'vitest';
import type { RegistryStore } from '../../../src/stores/registry/registry-store.ts';
import { applyRegistry } from '../../../src/stores/registry/apply-registry.ts';
import { sampleDoc, sampleObjects } from './registry-docs.ts';

/** The behaviour every registry store must have (run per adapter). Imports nothing from node:*. */
export function describeRegistryStore(name: string, make: () => Promise<RegistryStore>): void {
  describe(`${name} registry store`, () => {
    it('reads null before the first apply, then what was written', async () => {
      const store = await make();
      const project = `p${Math.random().toString(36).slice(2, 8)}`;
      expect(await store.read(project)).toEqual({ ok: true, value: null });
      const v1 = sampleDoc(null, 1, project);
      expect(await store.write(v1, 0)).toEqual({ ok: true, value: undefined });
      const back = await store.read(project);
      expect(back.ok && back.value).toEqual(v1);
    });

    it('refuses a write based on a stale version with conflict', async () => {
      const store = await make();
      const project = `p${Math.random().toString(36).slice(2, 8)}`;
      const v1 = sampleDoc(null, 1, project);
      expect((await store.write(v1, 0)).ok).toBe(true);
      // Two appliers both based on version 1: the first wins, the second is refused.
      const a = sampleDoc(v1, 2, project);
      const b = sampleDoc(v1, 3, project);
      expect((await store.write(a, 1)).ok).toBe(true);
      const second = await store.write(b, 1);
      expect(second.ok).toBe(false);
      if (!second.ok) {
        expect(second.error.code).toBe('conflict');
        expect(second.error.details).toEqual({ expectedVersion: 1, actualVersion: 2 });
      }
      // A second "first apply" is a conflict too.
      const again = await store.write(sampleDoc(null, 4, project), 0);
      expect(!again.ok && again.error.code).toBe('conflict');
      const stored = await store.read(project);
      expect(stored.ok && stored.value?.version).toBe(2);
      expect(stored.ok && stored.value?.featureViews[0]?.ttlSeconds).toBe(2);
    });

    it('applies idempotently and refuses a stale expected version', async () => {
      const store = await make();
      const project = `p${Math.random().toString(36).slice(2, 8)}`;
      const now = '2025-02-01T00:00:00.000Z';
      const first = await applyRegistry(store, project, sampleObjects(1), { now });
      expect(first.ok && [first.value.written, first.value.plan.nextVersion]).toEqual([true, 1]);
      const same = await applyRegistry(store, project, sampleObjects(1), { now });
      expect(same.ok && [same.value.written, same.value.plan.nextVersion, same.value.plan.changes.length]).toEqual([false, 1, 0]);
      const changed = await applyRegistry(store, project, sampleObjects(2), { now, expectedVersion: 1 });
      expect(changed.ok && changed.value.plan.nextVersion).toBe(2);
      const stale = await applyRegistry(store, project, sampleObjects(3), { now, expectedVersion: 1 });
      expect(!stale.ok && stale.error.code).toBe('conflict');
    });
  });
}
