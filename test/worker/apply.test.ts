// POST /apply inside workerd over a real D1 registry store: what `larder apply --remote` calls.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CachedRegistry } from '../../src/stores/registry/cached-registry.ts';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { KvOnlineStore } from '../../src/stores/kv/kv-online-store.ts';
import { createApp, type Env } from '../../src/worker/index.ts';
import { fixtureObjects as objects } from '../serving/fixture-registry.ts';
import { testKernel } from '../support/kernel.ts';

const e = env as unknown as Env;

const OBJECT_COUNT = Object.values(objects).reduce((n, list) => n + list.length, 0);

function appFor(project: string, withStore = true) {
  const store = new D1RegistryStore(e.DB);
  // A long cache: the test sees the new registry only if the apply invalidates it.
  const registry = new CachedRegistry(store, project, { ttlMs: 3_600_000 });
  return createApp({ project, kernel: testKernel, registry, ...(withStore && { registryStore: store }), online: new KvOnlineStore(e.ONLINE_KV) });
}
const apply = (app: ReturnType<typeof createApp>, body: unknown) =>
  app.request('/apply', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
type Answer = { project: string; version: number; written: boolean; plan: { baseVersion: number; nextVersion: number; changes: { action: string; name: string }[] }; error?: { code: string; message: string } };

describe('POST /apply', () => {
  it('writes the registry, is idempotent, records changes, and the app serves the new version at once', async () => {
    const app = appFor('apply_a');
    expect((await app.request('/registry')).status).toBe(404);
    const first = await apply(app, { objects });
    const a = (await first.json()) as Answer;
    expect(first.status).toBe(200);
    expect(a).toMatchObject({ project: 'apply_a', version: 1, written: true, plan: { baseVersion: 0, nextVersion: 1 } });
    expect(a.plan.changes.every((c) => c.action === 'add')).toBe(true);
    expect(((await (await app.request('/registry')).json()) as { version: number }).version).toBe(1);

    const again = (await (await apply(app, { objects })).json()) as Answer;
    expect(again).toMatchObject({ version: 1, written: false, plan: { changes: [] } });

    const fewer = { ...objects, featureServices: objects.featureServices.slice(1) };
    const third = (await (await apply(app, { objects: fewer, expect_version: 1 })).json()) as Answer;
    expect(third).toMatchObject({ version: 2, written: true });
    expect(third.plan.changes).toEqual([expect.objectContaining({ action: 'remove', name: objects.featureServices[0].name })]);
    const stored = await new D1RegistryStore(e.DB).read('apply_a');
    expect(stored.ok && stored.value?.featureServices.map((s) => s.name)).toEqual(fewer.featureServices.map((s) => s.name).sort());
    const listed = (await (await app.request('/registry/feature-services')).json()) as { 'feature-services': { name: string }[] };
    expect(listed['feature-services'].map((s) => s.name).sort()).toEqual(fewer.featureServices.map((s) => s.name).sort());
  });

  it('refuses a stale expect_version (409 conflict), dangling references (422), a bad body (400), and without a store (501); nothing is written', async () => {
    const app = appFor('apply_b');
    expect((await apply(app, { objects })).status).toBe(200);
    const stale = await apply(app, { objects: { ...objects, featureServices: [] }, expect_version: 0 });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as Answer).error?.code).toBe('conflict');
    const dangling = await apply(app, { objects: { ...objects, entities: [] } });
    expect(dangling.status).toBe(422);
    const d = (await dangling.json()) as Answer & { error: { details: { issues: { code: string }[] } } };
    expect(d.error.code).toBe('invalid_definitions');
    expect(d.error.details.issues.every((i) => i.code === 'unknown_reference')).toBe(true);
    const bad = await apply(app, { objects: { ...objects, featureViews: [{ name: 'x' }] } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Answer).error?.code).toBe('invalid_request');
    const notJson = await app.request('/apply', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
    const stored = await new D1RegistryStore(e.DB).read('apply_b');
    expect(stored.ok && stored.value?.version).toBe(1);
    const none = await apply(appFor('apply_c', false), { objects });
    expect(none.status).toBe(501);
  });

  it('dry_run answers the plan and writes nothing', async () => {
    const app = appFor('apply_e');
    const dry = (await (await apply(app, { objects, dry_run: true })).json()) as Answer;
    expect(dry).toMatchObject({ version: 0, written: false, plan: { baseVersion: 0, nextVersion: 1 } });
    expect(dry.plan.changes.length).toBe(OBJECT_COUNT);
    expect((await new D1RegistryStore(e.DB).read('apply_e')).ok && (await new D1RegistryStore(e.DB).read('apply_e'))).toEqual({ ok: true, value: null });
    expect((await apply(app, { objects })).status).toBe(200);
    const none = (await (await apply(app, { objects, dry_run: true })).json()) as Answer;
    expect(none).toMatchObject({ version: 1, written: false, plan: { baseVersion: 1, nextVersion: 1, changes: [] } });
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await appFor('apply_d').request('/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/apply');
  });
});
