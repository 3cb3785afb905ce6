// Fuzz POST /apply in workerd over a real D1 registry store: registry objects with random
// edits deep inside (types, names, dangling references), broken JSON and wrong shapes.
// Never a 5xx; every refusal is the error envelope and leaves the stored registry as it was;
// whatever is accepted is a registry that parses and refers to nothing missing.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { checkReferences } from '../../../src/core/registry/check-references.ts';
import { OBJECT_LISTS, type RegistryObjects } from '../../../src/core/schema/registry-document.ts';
import { CachedRegistry } from '../../../src/stores/registry/cached-registry.ts';
import { D1RegistryStore } from '../../../src/stores/registry/d1-registry-store.ts';
import { KvOnlineStore } from '../../../src/stores/kv/kv-online-store.ts';
import { createApp, type Env } from '../../../src/worker/index.ts';
import { fixtureObjects } from '../../serving/fixture-registry.ts';
import { testKernel } from '../../support/kernel.ts';
import { brokenJson, jsonText, nastyNumber, nastyString } from './arbitraries.ts';

const e = env as unknown as Env;
const PROJECT = 'fuzz_apply';
const RUNS = 10_000;
const base: RegistryObjects = fixtureObjects;
const names = [...OBJECT_LISTS.flatMap((l) => base[l].map((o) => o.name)), 'driver_id', 'nope'];

const value = fc.oneof(nastyString, nastyNumber, fc.constantFrom(...names), fc.constant(null), fc.boolean(), fc.array(fc.constantFrom(...names), { maxLength: 3 }), fc.constant({}));

/** Set (or delete) the value at a random path inside one object of one list. */
const edited: fc.Arbitrary<unknown> = fc
  .array(fc.tuple(fc.constantFrom(...OBJECT_LISTS), fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.option(value, { nil: undefined })), { minLength: 1, maxLength: 3 })
  .map((edits) => {
    const out = structuredClone(base) as unknown as Record<string, unknown[]>;
    for (const [list, i, path, v] of edits) {
      const items = out[list];
      if (items.length === 0) continue;
      let at = items[i % items.length] as Record<string, unknown>;
      for (let d = 0; d < path.length; d++) {
        const keys = Object.keys(at);
        if (keys.length === 0) break;
        const k = keys[path[d] % keys.length];
        const next = at[k];
        if (d === path.length - 1 || next === null || typeof next !== 'object') {
          if (v === undefined) delete at[k];
          else at[k] = v;
          break;
        }
        at = next as Record<string, unknown>;
      }
    }
    return out;
  });
const dropped = fc.subarray([...OBJECT_LISTS]).map((keep) => Object.fromEntries(keep.map((l) => [l, base[l]])));
const body = fc.record({
  objects: fc.oneof({ weight: 6, arbitrary: edited }, { weight: 1, arbitrary: dropped }, { weight: 1, arbitrary: value }),
  expect_version: fc.option(fc.oneof(fc.nat({ max: 3 }), nastyNumber), { nil: undefined }),
});
const request = fc.oneof({ weight: 5, arbitrary: body.map(jsonText) }, { weight: 1, arbitrary: brokenJson(body) });

it(`POST /apply: ${RUNS} generated requests, never a 5xx, a refused apply changes nothing, an accepted one is consistent`, async () => {
  const store = new D1RegistryStore(e.DB);
  const app = createApp({ project: PROJECT, kernel: testKernel, registry: new CachedRegistry(store, PROJECT, { ttlMs: 0 }), registryStore: store, online: new KvOnlineStore(e.ONLINE_KV) });
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async (text) => {
      const before = await store.read(PROJECT);
      const res = await app.request('/apply', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text as BodyInit });
      const answer = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const where = `${res.status} ${answer.slice(0, 300)}`;
      expect(res.status, where).toBeLessThan(500);
      const after = await store.read(PROJECT);
      if (!before.ok || !after.ok) throw new Error('registry unreadable');
      if (res.status !== 200) {
        expect(typeof (JSON.parse(answer) as { error: { code: string } }).error.code, where).toBe('string');
        expect(after.value?.version, where).toBe(before.value?.version);
      } else if (after.value !== null) {
        expect(checkReferences(after.value), where).toEqual([]);
      }
    }),
    { numRuns: RUNS },
  );
  // Both sides were reached: some applies were accepted, and the checks refused others.
  expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  expect((statuses.get(422) ?? 0) + (statuses.get(409) ?? 0)).toBeGreaterThan(0);
}, 180_000);
