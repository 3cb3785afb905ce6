// The feature catalog: a web page at /ui (HTML, CSS and a plain-JS client, all served from the
// Worker bundle, nothing fetched from elsewhere) over the registry's JSON endpoints, plus the
// freshness endpoints it reads (materialization watermarks from the metadata store).
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { err, ok, type FsError, type Result } from '../../core/errors.ts';
import type { RegistryIndex } from '../../core/registry/registry-index.ts';
import type { MetadataRecord, MetadataStore } from '../../stores/metadata/metadata-store.ts';
import { errorResponse } from '../error-handler.ts';
import { CATALOG_HTML } from '../ui/catalog-page.ts';
import { CATALOG_JS } from '../ui/catalog-script.ts';
import { CATALOG_CSS } from '../ui/catalog-styles.ts';
import { CATALOG_ICON } from '../ui/catalog-icon.ts';

export interface CatalogDeps {
  readonly project: string;
  readonly registry: { get(): Promise<Result<RegistryIndex | null>> };
  readonly metadata?: MetadataStore;
}

/**
 * What /ui may load: its own script and stylesheet, data from this origin, inline SVG; no inline
 * script, no eval, no DOM sinks taking strings (Trusted Types with no policy), no framing.
 */
export const CATALOG_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** A materialization watermark as the metadata store keeps it (kind `watermark`, name = view). */
export const WatermarkBody = z.looseObject({
  /** RFC 3339: rows with event time <= this are in the online store. */
  watermark: z.string().min(1),
});

/** One view's freshness as `/registry/feature-views/{name}/freshness` and `/registry/freshness` give it. */
export interface ViewFreshness {
  readonly view: string;
  readonly materialized: boolean;
  /** RFC 3339, or null when the view was never materialized. */
  readonly watermark: string | null;
  /** When the watermark was last written (RFC 3339), or null. */
  readonly updated_at: string | null;
}

export const neverMaterialized = (view: string): ViewFreshness => ({ view, materialized: false, watermark: null, updated_at: null });

/** The freshness a watermark record says, or a corrupt_data error naming the view. */
export function freshnessOf(view: string, record: MetadataRecord | null): Result<ViewFreshness> {
  if (record === null) return ok(neverMaterialized(view));
  const body = WatermarkBody.safeParse(record.body);
  if (!body.success || Number.isNaN(Date.parse(body.data.watermark)))
    return err('corrupt_data', `the watermark record of view "${view}" has no RFC 3339 "watermark": materialize the view again`);
  const updated = (record.body as { updated_at?: unknown }).updated_at;
  return ok({ view, materialized: true, watermark: body.data.watermark, updated_at: typeof updated === 'string' ? updated : record.updatedAt });
}

const ASSET_HEADERS = {
  'content-security-policy': CATALOG_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-cache',
};

function asset(c: Context, body: string, type: string): Response {
  return c.body(body, 200, { ...ASSET_HEADERS, 'content-type': type });
}

/**
 * Add the catalog's routes: `GET /ui` (and its assets under /ui/), `GET /registry/freshness`
 * (every feature view) and `GET /registry/feature-views/{name}/freshness` (one view; 404
 * unknown_feature_view when the registry has no such view). Register them before the registry's
 * `/registry/:list` route, which would otherwise take `/registry/freshness`.
 */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app (OpenAPIHono included)
export function registerCatalog(app: Hono<any, any, any>, deps: CatalogDeps): void {
  const fail = (c: Context, e: FsError) => errorResponse(c, e);

  app.get('/ui', (c) => asset(c, CATALOG_HTML, 'text/html; charset=utf-8'));
  app.get('/ui/', (c) => asset(c, CATALOG_HTML, 'text/html; charset=utf-8'));
  app.get('/ui/catalog.js', (c) => asset(c, CATALOG_JS, 'text/javascript; charset=utf-8'));
  app.get('/ui/catalog.css', (c) => asset(c, CATALOG_CSS, 'text/css; charset=utf-8'));
  app.get('/ui/icon.svg', (c) => asset(c, CATALOG_ICON, 'image/svg+xml'));

  async function registry(): Promise<Result<RegistryIndex>> {
    const reg = await deps.registry.get();
    if (!reg.ok) return reg;
    if (reg.value === null) return err('not_found', `no registry has been applied for project "${deps.project}": run larder apply`, { project: deps.project });
    return ok(reg.value);
  }

  app.get('/registry/freshness', async (c) => {
    const reg = await registry();
    if (!reg.ok) return fail(c, reg.error);
    const records = new Map<string, MetadataRecord>();
    if (deps.metadata !== undefined) {
      const list = await deps.metadata.list(deps.project, 'watermark');
      if (!list.ok) return fail(c, list.error);
      for (const r of list.value) records.set(r.name, r);
    }
    const views: Record<string, ViewFreshness & { error?: string }> = {};
    for (const v of reg.value.doc.featureViews) {
      const f = freshnessOf(v.name, records.get(v.name) ?? null);
      views[v.name] = f.ok ? f.value : { ...neverMaterialized(v.name), error: f.error.message };
    }
    return c.json({ project: deps.project, views });
  });

  app.get('/registry/feature-views/:name/freshness', async (c) => {
    const name = c.req.param('name');
    const reg = await registry();
    if (!reg.ok) return fail(c, reg.error);
    if (!reg.value.featureViews.has(name)) return fail(c, { code: 'unknown_feature_view', message: `no feature view named "${name}"` });
    if (deps.metadata === undefined) return c.json(neverMaterialized(name));
    const rec = await deps.metadata.get(deps.project, 'watermark', name);
    if (!rec.ok) return fail(c, rec.error);
    const f = freshnessOf(name, rec.value);
    return f.ok ? c.json(f.value) : fail(c, f.error);
  });
}
