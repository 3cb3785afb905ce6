import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { err, LarderError, ok, type FsError, type Result } from '../core/errors.ts';
import type { OnlineStore } from '../core/online-store.ts';
import type { RegistryIndex } from '../core/registry/registry-index.ts';
import type { KernelInstance } from '../kernel/instance.ts';
import type { MetadataStore } from '../stores/metadata/metadata-store.ts';
import type { OnDemandFn, ServingContext } from '../serving/context.ts';
import { getOnlineFeatures } from '../serving/online-features.ts';
import { writeViewFrame } from '../serving/write-rows.ts';
import { errorResponse } from './error-handler.ts';
import { authGuard, type AuthSetting } from './auth/auth-guard.ts';
import { guardMetadata, guardOnlineStore, guardRegistry, guardRegistryStore } from './store-guard.ts';
import { checkReferences } from '../core/registry/check-references.ts';
import { planRegistry, type RegistryPlan } from '../core/registry/plan.ts';
import { applyRegistry } from '../stores/registry/apply-registry.ts';
import type { RegistryStore } from '../stores/registry/registry-store.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { feastResponseJson } from '../serving/feast-response.ts';
import { pushFrame } from '../serving/push-rows.ts';
import type { OfflineWriter } from '../stores/offline/offline-writer.ts';
import { arrowPush, pushResponse } from './routes/push.ts';
import { registerCatalog } from './routes/catalog.ts';
import { REGISTRY_LISTS, registryListKey, registrySummary } from './routes/registry.ts';
import { statisticsHandler } from './routes/statistics.ts';
import { wireSchemas } from './wire-schemas.ts';

/** What the app needs; each runtime's composition root builds it. */
export interface AppDeps {
  readonly project: string;
  readonly kernel: () => Promise<KernelInstance>;
  readonly registry: { get(): Promise<Result<RegistryIndex | null>>; invalidate?(): void };
  /** Where `POST /apply` writes definitions (the store `registry` reads); absent: apply is 501 `unsupported`. */
  readonly registryStore?: RegistryStore;
  readonly online: OnlineStore;
  /** Statistics, watermarks and API keys (src/stores/metadata); absent: none are served. */
  readonly metadata?: MetadataStore;
  readonly transforms?: ReadonlyMap<string, OnDemandFn>;
  /** The historical store pushes with `to: offline | online_and_offline` append to; absent: those pushes are 501 `unsupported`. */
  readonly offline?: OfflineWriter;
  readonly limits?: Partial<Limits>;
  /** Access control (larder.yaml `auth`, the Worker's LARDER_AUTH); absent: the API is open. */
  readonly auth?: AuthSetting;
  /** epoch µs */
  readonly now?: () => number;
}

const fail = (c: Context, e: FsError) => errorResponse(c, e);

/** A join-key string in a written frame longer than `max` (entity key strings are bounded like in reads). */
function longKeyString(views: readonly { entityColumns: readonly { name: string }[] }[], df: Readonly<Record<string, readonly unknown[]>>, max: number): FsError | null {
  for (const v of views)
    for (const { name } of v.entityColumns) {
      const i = (df[name] ?? []).findIndex((x) => typeof x === 'string' && x.length > max);
      if (i >= 0) return { code: 'limit_exceeded', message: `entity column "${name}" row ${i}: key strings have at most ${max} characters`, details: { column: name, row: i } };
    }
  return null;
}

/** True when a zod issue (or one nested in a union, key or element issue) is a length/size bound. */
function exceedsLimit(issues: readonly unknown[]): boolean {
  return issues.some((i) => {
    const x = i as { code?: string; errors?: unknown[][]; issues?: unknown[] };
    return x.code === 'too_big' || (x.errors ?? []).some((e) => exceedsLimit(e)) || exceedsLimit(x.issues ?? []);
  });
}

/**
 * The larder HTTP API: Feast-compatible online serving and writes, registry
 * discovery, and an OpenAPI document generated from the same zod schemas
 * that validate requests. Pure routing over the serving core: no runtime
 * globals, so the Worker and `larder serve` on Node run the same app.
 */
export function createApp(given: AppDeps) {
  // Every store the routes touch answers 503 store_unavailable when it throws, never a 500.
  const deps: AppDeps = {
    ...given,
    registry: guardRegistry(given.registry),
    registryStore: given.registryStore && guardRegistryStore(given.registryStore),
    metadata: given.metadata && guardMetadata(given.metadata),
  };
  const limits: Limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const S = wireSchemas(limits);
  const now = deps.now ?? (() => Date.now() * 1000);
  const transforms = deps.transforms ?? new Map();

  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success)
        return fail(c, exceedsLimit(result.error.issues)
          ? { code: 'limit_exceeded', message: 'request exceeds a configured limit', details: z.flattenError(result.error) }
          : { code: 'invalid_request', message: 'request body does not match the schema', details: z.flattenError(result.error) });
    },
  });

  app.onError((e, c) => {
    if (e instanceof HTTPException && e.status === 400) return fail(c, { code: 'invalid_json', message: 'request body is not valid JSON' });
    if (e instanceof HTTPException && e.status < 500) return fail(c, { code: 'invalid_request', message: e.message });
    if (e instanceof LarderError) return fail(c, e.toJSON());
    console.error('larder: unhandled error', e);
    return fail(c, { code: 'kernel_failed', message: 'internal error' });
  });
  app.notFound((c) => fail(c, { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` }));

  const jsonBody: MiddlewareHandler = async (c, next) => {
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(type))
      return fail(c, { code: 'unsupported_media_type', message: `expected Content-Type application/json, got "${type || 'none'}"` });
    await next();
  };
  const limitBody = bodyLimit({
    maxSize: limits.maxBodyBytes,
    onError: (c) => fail(c, { code: 'payload_too_large', message: `request body exceeds ${limits.maxBodyBytes} bytes` }),
  });
  // Default deny when auth is configured: runs before every other middleware and route.
  if (deps.auth) app.use('*', authGuard({ auth: deps.auth, project: deps.project, metadata: deps.metadata, maxBodyBytes: limits.maxBodyBytes }));
  app.use('/get-online-features', limitBody, jsonBody);
  app.use('/push', limitBody, arrowPush({ context: () => context(), offline: deps.offline, limits, fail }), jsonBody);
  app.use('/write-to-online-store', limitBody, jsonBody);
  app.use('/apply', limitBody, jsonBody);

  const online = guardOnlineStore(deps.online);

  async function context(): Promise<Result<ServingContext>> {
    const reg = await deps.registry.get();
    if (!reg.ok) return reg;
    if (reg.value === null)
      return err('not_found', `no registry has been applied for project "${deps.project}": run larder apply`, { project: deps.project });
    let kernel: KernelInstance;
    try {
      kernel = await deps.kernel();
    } catch (e) {
      return err('kernel_failed', `kernel failed to load: ${(e as Error).message}`);
    }
    return ok({ project: deps.project, kernel, registry: reg.value, online, transforms, now });
  }

  const errors = {
    400: { description: 'Invalid request', content: { 'application/json': { schema: S.ErrorResponse } } },
    404: { description: 'Unknown view, feature, service or source', content: { 'application/json': { schema: S.ErrorResponse } } },
    413: { description: 'Body or limits exceeded', content: { 'application/json': { schema: S.ErrorResponse } } },
    422: { description: 'Rows do not match the schema', content: { 'application/json': { schema: S.ErrorResponse } } },
    503: { description: 'Store unavailable', content: { 'application/json': { schema: S.ErrorResponse } } },
  };

  app.get('/health', (c) => c.json({ status: 'ok', project: deps.project }));
  registerCatalog(app, deps);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/get-online-features',
      summary: 'Read the latest feature values for entities (Feast-compatible)',
      request: { body: { content: { 'application/json': { schema: S.GetOnlineFeaturesRequest } }, required: true } },
      responses: { 200: { description: 'Column-oriented feature values', content: { 'application/json': { schema: S.GetOnlineFeaturesResponse } } }, ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const rows = Object.values(body.entities)[0]?.length ?? 0;
      if (rows > limits.maxEntityRows)
        return fail(c, { code: 'limit_exceeded', message: `at most ${limits.maxEntityRows} entity rows per request` }) as never;
      const ctx = await context();
      if (!ctx.ok) return fail(c, ctx.error) as never;
      const r = await getOnlineFeatures(ctx.value, {
        selection: body.feature_service !== undefined ? { featureService: body.feature_service } : { features: body.features! },
        entities: body.entities,
        requestContext: body.request_context,
        fullFeatureNames: body.full_feature_names,
        includeStale: body.include_stale,
      });
      if (!r.ok) return fail(c, r.error) as never;
      // The same text as c.json(toFeastResponse(...)), built without the intermediate objects.
      return c.body(feastResponseJson(r.value), 200, { 'content-type': 'application/json' }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/write-to-online-store',
      summary: "Write rows of one feature view to the online store (newer values win)",
      request: { body: { content: { 'application/json': { schema: S.WriteToOnlineStoreRequest } }, required: true } },
      responses: { 200: { description: 'Rows written', content: { 'application/json': { schema: S.WriteResponse } } }, ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const ctx = await context();
      if (!ctx.ok) return fail(c, ctx.error) as never;
      const view = ctx.value.registry.featureViews.get(body.feature_view_name);
      const long = longKeyString(view ? [view] : [], body.df, limits.maxKeyLength);
      if (long) return fail(c, long) as never;
      const r = await writeViewFrame(ctx.value, body.feature_view_name, body.df);
      if (!r.ok) return fail(c, r.error) as never;
      return c.json(r.value, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/push',
      summary: 'Push rows to every view fed by a push source',
      description:
        'Feast push body as JSON, or an Arrow IPC stream (Content-Type application/vnd.apache.arrow.stream) with push_source_name and to as query parameters. to: offline and online_and_offline append the rows to the historical store.',
      request: { body: { content: { 'application/json': { schema: S.PushRequest } }, required: true } },
      responses: { 200: { description: 'Rows pushed', content: { 'application/json': { schema: S.PushResponse } } }, ...errors },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const ctx = await context();
      if (!ctx.ok) return fail(c, ctx.error) as never;
      const fed = [...ctx.value.registry.featureViews.values()].filter((v) => v.source === body.push_source_name);
      const long = longKeyString(fed, body.df, limits.maxKeyLength);
      if (long) return fail(c, long) as never;
      const r = await pushFrame(ctx.value, body.push_source_name, body.df, { to: body.to, offline: deps.offline });
      if (!r.ok) return fail(c, r.error) as never;
      return c.json(pushResponse(r.value), 200);
    },
  );

  const applied = (version: number, written: boolean, plan: RegistryPlan) => ({ project: deps.project, version, written, plan: { ...plan, changes: [...plan.changes] as never[] } });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/apply',
      summary: "Apply definitions to this server's registry, as larder apply does locally (role admin)",
      description:
        'The registry objects `larder apply --remote URL` sends. Total (objects not sent are removed), idempotent (no change, no write), refused with 409 conflict when the registry moved past expect_version; references are checked (422 invalid_definitions).',
      request: { body: { content: { 'application/json': { schema: S.ApplyRequest } }, required: true } },
      responses: { 200: { description: 'Applied (or nothing to change)', content: { 'application/json': { schema: S.ApplyResponse } } }, ...errors, 409: { description: 'The registry moved past expect_version', content: { 'application/json': { schema: S.ErrorResponse } } } },
    }),
    async (c) => {
      const registryStore = deps.registryStore;
      if (!registryStore) return fail(c, { code: 'unsupported', message: 'this server has no writable registry store' }) as never;
      const body = c.req.valid('json');
      const issues = checkReferences(body.objects);
      if (issues.length > 0) return fail(c, { code: 'invalid_definitions', message: issues[0].message, details: { issues } }) as never;
      if (body.dry_run) {
        const current = await registryStore.read(deps.project);
        if (!current.ok) return fail(c, current.error) as never;
        const plan = planRegistry(current.value, deps.project, body.objects);
        return c.json(applied(plan.baseVersion, false, plan), 200);
      }
      const r = await applyRegistry(registryStore, deps.project, body.objects, {
        now: new Date(Math.floor(now() / 1000)).toISOString(),
        ...(body.expect_version !== undefined && { expectedVersion: body.expect_version }),
      });
      if (!r.ok) return fail(c, r.error) as never;
      // This isolate serves the new definitions at once; others within their registry cache time.
      given.registry.invalidate?.();
      return c.json(applied(r.value.plan.nextVersion, r.value.written, r.value.plan), 200);
    },
  );

  app.get('/registry', async (c) => {
    const ctx = await context();
    if (!ctx.ok) return fail(c, ctx.error);
    return c.json(registrySummary(ctx.value.registry));
  });
  app.get('/registry/:list', async (c) => {
    const key = registryListKey(c.req.param('list'));
    if (!key) return fail(c, { code: 'not_found', message: `no registry list "${c.req.param('list')}"; try ${Object.keys(REGISTRY_LISTS).join(', ')}` });
    const ctx = await context();
    if (!ctx.ok) return fail(c, ctx.error);
    return c.json({ [c.req.param('list')]: ctx.value.registry.doc[key] });
  });
  app.get('/registry/feature-views/:name/statistics', statisticsHandler(deps));
  app.get('/registry/:list/:name', async (c) => {
    const key = registryListKey(c.req.param('list'));
    if (!key) return fail(c, { code: 'not_found', message: `no registry list "${c.req.param('list')}"` });
    const ctx = await context();
    if (!ctx.ok) return fail(c, ctx.error);
    const obj = (ctx.value.registry.doc[key] as readonly { name: string }[]).find((o) => o.name === c.req.param('name'));
    if (!obj) return fail(c, { code: 'not_found', message: `no ${c.req.param('list')} entry named "${c.req.param('name')}"` });
    return c.json(obj);
  });

  app.doc('/openapi.json', {
    openapi: '3.0.0',
    info: { title: 'larder', version: '1', description: 'Feature serving at the edge (Feast-compatible HTTP API)' },
  });

  return app;
}
