// POST /push: Feast's JSON body (the OpenAPI route in app.ts) or an Arrow IPC
// stream body (`Content-Type: application/vnd.apache.arrow.stream`, push
// source and target as query parameters). Both go through pushFrame, so the
// validation and the writes are the same.
import type { Context, MiddlewareHandler } from 'hono';
import type { FsError, Result } from '../../core/errors.ts';
import { ARROW_STREAM_TYPE, arrowStreamToFrame } from '../../serving/arrow-frame.ts';
import type { ServingContext } from '../../serving/context.ts';
import { frameRows } from '../../serving/write-rows.ts';
import { PUSH_TARGETS, pushFrame, type PushSummary, type PushTarget } from '../../serving/push-rows.ts';
import type { OfflineWriter } from '../../stores/offline/offline-writer.ts';
import type { Limits } from '../limits.ts';
import { wireSchemas } from '../wire-schemas.ts';

export interface PushRouteDeps {
  readonly context: () => Promise<Result<ServingContext>>;
  readonly offline?: OfflineWriter;
  readonly limits: Limits;
  readonly fail: (c: Context, e: FsError) => Response;
}

/** A push summary on the wire (snake_case, like the rest of the API). */
export function pushResponse(s: PushSummary) {
  return { rows: s.rows, written: s.written, skipped: s.skipped, views: s.views, offline_key: s.offlineKey, ...(s.violations ? { violations: s.violations } : {}) };
}

export const isArrowStream = (contentType: string | undefined): boolean =>
  contentType !== undefined && contentType.split(';')[0].trim().toLowerCase() === ARROW_STREAM_TYPE;

/**
 * Middleware for `/push` that answers Arrow IPC stream bodies and passes
 * every other request on (to the JSON route). Query: `push_source_name`
 * (required), `to` (online | offline | online_and_offline, default online).
 */
export function arrowPush(deps: PushRouteDeps): MiddlewareHandler {
  const { PushRequest } = wireSchemas(deps.limits);
  return async (c, next) => {
    if (c.req.method !== 'POST' || !isArrowStream(c.req.header('content-type'))) return next();
    const name = c.req.query('push_source_name');
    if (!name) return deps.fail(c, { code: 'invalid_request', message: 'an Arrow push needs the query parameter push_source_name' });
    const to = (c.req.query('to') ?? 'online') as PushTarget;
    if (!PUSH_TARGETS.includes(to))
      return deps.fail(c, { code: 'invalid_request', message: `to must be one of ${PUSH_TARGETS.join(', ')}, got "${to}"` });
    const frame = arrowStreamToFrame(new Uint8Array(await c.req.arrayBuffer()), { maxRows: deps.limits.maxWriteRows });
    if (!frame.ok) return deps.fail(c, frame.error);
    const rows = frameRows(frame.value);
    if (!rows.ok) return deps.fail(c, rows.error);
    if (rows.value > deps.limits.maxWriteRows)
      return deps.fail(c, { code: 'limit_exceeded', message: `at most ${deps.limits.maxWriteRows} rows per push, got ${rows.value}` });
    // The JSON body's limits (columns, string and list lengths) hold for Arrow bodies too.
    const checked = PushRequest.safeParse({ push_source_name: name, df: frame.value, to });
    if (!checked.success) {
      const tooBig = JSON.stringify(checked.error.issues).includes('"too_big"');
      return deps.fail(c, {
        code: tooBig ? 'limit_exceeded' : 'invalid_request',
        message: tooBig ? 'the Arrow body exceeds a configured limit' : 'the Arrow body does not match the push schema',
        details: checked.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
      });
    }
    const ctx = await deps.context();
    if (!ctx.ok) return deps.fail(c, ctx.error);
    // Join-key strings are bounded as in JSON writes.
    for (const v of ctx.value.registry.featureViews.values()) {
      if (v.source !== name) continue;
      for (const { name: col } of v.entityColumns) {
        const i = (frame.value[col] ?? []).findIndex((x) => typeof x === 'string' && x.length > deps.limits.maxKeyLength);
        if (i >= 0)
          return deps.fail(c, { code: 'limit_exceeded', message: `entity column "${col}" row ${i}: key strings have at most ${deps.limits.maxKeyLength} characters`, details: { column: col, row: i } });
      }
    }
    const r = await pushFrame(ctx.value, name, frame.value, { to, offline: deps.offline });
    if (!r.ok) return deps.fail(c, r.error);
    return c.json(pushResponse(r.value), 200);
  };
}
