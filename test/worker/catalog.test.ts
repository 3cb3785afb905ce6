// The catalog inside workerd: the Worker (createWorker) serves the page and its assets from its
// own bundle, and freshness from watermark records in the local D1 metadata table.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D1MetadataStore } from '../../src/stores/metadata/d1-metadata-store.ts';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { createWorker, type Env } from '../../src/worker/index.ts';
import { CATALOG_CSP } from '../../src/worker/routes/catalog.ts';
import { fixtureDoc } from '../serving/fixture-registry.ts';

const P = 'catalog_test';
const baseEnv = env as unknown as Env;
const worker = createWorker();
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const call = (path: string) => worker.fetch!(new Request(`http://larder.test${path}`) as never, { ...baseEnv, LARDER_PROJECT: P, LARDER_REGISTRY_STORE: 'd1' }, ctx) as Promise<Response>;

beforeAll(async () => {
  const r = await new D1RegistryStore(baseEnv.DB).write({ ...fixtureDoc, project: P }, 0);
  if (!r.ok && r.error.code !== 'conflict') throw new Error(r.error.message);
  const m = await new D1MetadataStore(baseEnv.DB).put(P, 'watermark', 'store_stats', { watermark: '2025-03-04T05:06:07.000Z', updated_at: '2025-03-04T05:10:00.000Z' });
  if (!m.ok) throw new Error(m.error.message);
});

describe('catalog in workerd', () => {
  it('serves /ui and its assets with the Content-Security-Policy', async () => {
    const page = await call('/ui');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CATALOG_CSP);
    expect(await page.text()).toContain('<script src="/ui/catalog.js" defer></script>');
    const js = await call('/ui/catalog.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await js.text();
    expect(code).toContain("getJson('/registry/freshness')");
    expect(code.length).toBeGreaterThan(20_000);
    expect((await call('/ui/catalog.css')).status).toBe(200);
  });

  it('answers freshness from the D1 metadata table', async () => {
    expect(await (await call('/registry/feature-views/store_stats/freshness')).json()).toEqual({
      view: 'store_stats',
      materialized: true,
      watermark: '2025-03-04T05:06:07.000Z',
      updated_at: '2025-03-04T05:10:00.000Z',
    });
    const all = (await (await call('/registry/freshness')).json()) as { project: string; views: Record<string, { materialized: boolean }> };
    expect(all.project).toBe(P);
    expect(Object.fromEntries(Object.entries(all.views).map(([k, v]) => [k, v.materialized]))).toEqual({ driver_hourly_stats: false, driver_profile: false, store_stats: true });
  });
});
