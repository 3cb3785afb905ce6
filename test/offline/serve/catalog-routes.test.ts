// The catalog's routes through createApp (what the Worker and `larder serve` both run): the page
// and its assets with their security headers, and the freshness endpoints over a memory
// metadata store.
import { describe, expect, it } from 'vitest';
import { ok } from '../../../src/core/errors.ts';
import type { RegistryIndex } from '../../../src/core/registry/registry-index.ts';
import type { KernelInstance } from '../../../src/kernel/instance.ts';
import { MemoryMetadataStore } from '../../../src/stores/metadata/memory-metadata-store.ts';
import { MemoryOnlineStore } from '../../../src/stores/memory/memory-online-store.ts';
import { createApp } from '../../../src/worker/app.ts';
import { CATALOG_CSP } from '../../../src/worker/routes/catalog.ts';
import { fixtureRegistry } from '../../serving/fixture-registry.ts';

const P = 'serving_test';

function app(opts: { registry?: RegistryIndex | null; metadata?: MemoryMetadataStore | null } = {}) {
  const registry = opts.registry === undefined ? fixtureRegistry() : opts.registry;
  return createApp({
    project: P,
    // Registry discovery builds a serving context but never calls into the kernel.
    kernel: async () => ({}) as KernelInstance,
    registry: { get: async () => ok(registry) },
    online: new MemoryOnlineStore(),
    metadata: opts.metadata === null ? undefined : (opts.metadata ?? new MemoryMetadataStore()),
  });
}

describe('GET /ui', () => {
  it('serves the page with a Content-Security-Policy that allows only its own script and styles', async () => {
    for (const path of ['/ui', '/ui/']) {
      const r = await app().request(path);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = r.headers.get('content-security-policy');
      expect(csp).toBe(CATALOG_CSP);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      const html = await r.text();
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('<script src="/ui/catalog.js" defer></script>');
      expect(html).toContain('<link rel="stylesheet" href="/ui/catalog.css">');
      expect(html).toContain('<input id="q" type="search"');
      // No inline script or style the CSP would block, no inline event handlers.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('serves the script, stylesheet and icon from the Worker, with the same headers', async () => {
    const js = await app().request('/ui/catalog.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('content-security-policy')).toBe(CATALOG_CSP);
    const code = await js.text();
    expect(() => new Function(code)).not.toThrow();
    // Built with DOM nodes only: no HTML-string sinks, no eval, nothing fetched from elsewhere.
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'import(', 'setAttribute(\'style\'']) expect(code, sink).not.toContain(sink);
    expect(code.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:\/\//);
    for (const endpoint of ["'/registry'", "'/registry/freshness'", "'/statistics'"]) expect(code).toContain(endpoint);

    const css = await app().request('/ui/catalog.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toContain('@media (max-width: 820px)');
    const icon = await app().request('/ui/icon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

    const missing = await app().request('/ui/nope.js');
    expect(missing.status).toBe(404);
  });
});

describe('freshness', () => {
  const WM = '2025-01-02T03:00:00.000Z';

  it('answers one view from its watermark record, and never-materialized views with nulls', async () => {
    const metadata = new MemoryMetadataStore({ now: () => new Date('2025-01-02T03:04:05.000Z') });
    await metadata.put(P, 'watermark', 'driver_hourly_stats', { watermark: WM, table: 't', store: 'kv (local state)' });
    const a = app({ metadata });
    const r = await a.request('/registry/feature-views/driver_hourly_stats/freshness');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ view: 'driver_hourly_stats', materialized: true, watermark: WM, updated_at: '2025-01-02T03:04:05.000Z' });

    // The body's own updated_at (what materialization records) wins over the record's time.
    await metadata.put(P, 'watermark', 'store_stats', { watermark: WM, updated_at: '2025-01-02T03:00:07.000Z' });
    expect(await (await a.request('/registry/feature-views/store_stats/freshness')).json()).toMatchObject({ materialized: true, updated_at: '2025-01-02T03:00:07.000Z' });

    const never = await a.request('/registry/feature-views/driver_profile/freshness');
    expect(never.status).toBe(200);
    expect(await never.json()).toEqual({ view: 'driver_profile', materialized: false, watermark: null, updated_at: null });

    const unknown = await a.request('/registry/feature-views/nope/freshness');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_feature_view');
  });

  it('answers every view at once, and skips records of other projects or views no longer defined', async () => {
    const metadata = new MemoryMetadataStore({ now: () => new Date('2025-01-02T03:04:05.000Z') });
    await metadata.put(P, 'watermark', 'driver_hourly_stats', { watermark: WM });
    await metadata.put(P, 'watermark', 'removed_view', { watermark: WM });
    await metadata.put('other_project', 'watermark', 'driver_profile', { watermark: WM });
    const r = await app({ metadata }).request('/registry/freshness');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      project: P,
      views: {
        driver_hourly_stats: { view: 'driver_hourly_stats', materialized: true, watermark: WM, updated_at: '2025-01-02T03:04:05.000Z' },
        driver_profile: { view: 'driver_profile', materialized: false, watermark: null, updated_at: null },
        store_stats: { view: 'store_stats', materialized: false, watermark: null, updated_at: null },
      },
    });
  });

  it('reports a corrupt watermark record instead of guessing', async () => {
    const metadata = new MemoryMetadataStore();
    await metadata.put(P, 'watermark', 'driver_hourly_stats', { watermark: 'yesterday' });
    await metadata.put(P, 'watermark', 'store_stats', ['not', 'an', 'object']);
    const a = app({ metadata });
    const one = await a.request('/registry/feature-views/driver_hourly_stats/freshness');
    expect(one.status).toBe(500);
    expect(((await one.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'corrupt_data', message: expect.stringContaining('driver_hourly_stats') });
    const all = (await (await a.request('/registry/freshness')).json()) as { views: Record<string, { materialized: boolean; error?: string }> };
    expect(all.views.driver_hourly_stats).toMatchObject({ materialized: false, error: expect.stringContaining('RFC 3339') });
    expect(all.views.store_stats).toMatchObject({ materialized: false, error: expect.stringContaining('store_stats') });
    expect(all.views.driver_profile).toEqual({ view: 'driver_profile', materialized: false, watermark: null, updated_at: null });
  });

  it('without a metadata store every view is never materialized; without a registry it is not_found', async () => {
    const bare = app({ metadata: null });
    expect(await (await bare.request('/registry/feature-views/driver_profile/freshness')).json()).toMatchObject({ materialized: false, watermark: null });
    const all = (await (await bare.request('/registry/freshness')).json()) as { views: Record<string, unknown> };
    expect(Object.keys(all.views)).toEqual(['driver_hourly_stats', 'driver_profile', 'store_stats']);

    const none = await app({ registry: null }).request('/registry/freshness');
    expect(none.status).toBe(404);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('leaves the registry routes as they were', async () => {
    const a = app();
    const one = await a.request('/registry/feature-views/driver_profile');
    expect(one.status).toBe(200);
    expect(((await one.json()) as { name: string }).name).toBe('driver_profile');
    const list = (await (await a.request('/registry/feature-views')).json()) as Record<string, { name: string }[]>;
    expect(list['feature-views'].map((v) => v.name)).toEqual(['driver_hourly_stats', 'driver_profile', 'store_stats']);
    expect((await a.request('/registry/nope')).status).toBe(404);
  });
});
