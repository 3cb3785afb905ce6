import { z } from '@hono/zod-openapi';
import { RegistryObjects } from '../core/schema/registry-document.ts';
import type { Limits } from './limits.ts';

/**
 * Feast-compatible request bodies, validated at the edge. The same schemas
 * generate /openapi.json. Built per limit set, since limits are configurable.
 *
 * A cell of a column is a JSON scalar or a flat list of scalars (the value of
 * a `list<T>` feature): nothing nests deeper, so no later step walks
 * attacker-chosen depth. Strings, lists, names and column counts are bounded
 * by `limits`; a bound exceeded is a zod `too_big` issue, which the app
 * answers with 413 `limit_exceeded`.
 */
function columns(limits: Limits, maxRows: number, maxString: number) {
  return z.record(z.string(), z.array(z.unknown()).max(maxRows)).superRefine((rec, ctx) => {
    const names = Object.keys(rec);
    if (names.length > limits.maxColumns)
      ctx.addIssue({ code: 'too_big', origin: 'array', maximum: limits.maxColumns, inclusive: true, input: names.length, message: `at most ${limits.maxColumns} columns` });
    for (const col of names) {
      if (col.length === 0 || col.length > limits.maxNameLength)
        ctx.addIssue({ code: col.length === 0 ? 'too_small' : 'too_big', origin: 'string', ...(col.length === 0 ? { minimum: 1 } : { maximum: limits.maxNameLength }), inclusive: true, input: col, path: [col], message: `column names have 1 to ${limits.maxNameLength} characters` } as never);
      const cells = rec[col];
      for (let i = 0; i < cells.length; i++) {
        const bad = checkCell(cells[i], limits, maxString);
        if (bad === null) continue;
        ctx.addIssue(bad.tooBig
          ? { code: 'too_big', origin: bad.origin, maximum: bad.max, inclusive: true, input: undefined, path: [col, i], message: bad.message }
          : { code: 'invalid_type', expected: 'string', input: undefined, path: [col, i], message: bad.message } as never);
        return; // one issue per request is enough (keeps error bodies small)
      }
    }
  });
}

type CellIssue = { tooBig: true; origin: 'string' | 'array'; max: number; message: string } | { tooBig: false; message: string };

/** A JSON scalar (finite number), or a flat list of them; strings and lists bounded. */
function checkCell(v: unknown, limits: Limits, maxString: number): CellIssue | null {
  const scalar = (x: unknown): CellIssue | null => {
    if (x === null || typeof x === 'boolean') return null;
    if (typeof x === 'number') return Number.isFinite(x) ? null : { tooBig: false, message: 'numbers must be finite' };
    if (typeof x === 'string')
      return x.length <= maxString ? null : { tooBig: true, origin: 'string', max: maxString, message: `strings have at most ${maxString} characters here` };
    return { tooBig: false, message: 'expected a string, number, boolean or null' };
  };
  if (!Array.isArray(v)) return scalar(v);
  if (v.length > limits.maxListLength)
    return { tooBig: true, origin: 'array', max: limits.maxListLength, message: `lists have at most ${limits.maxListLength} elements` };
  for (const x of v) {
    if (Array.isArray(x)) return { tooBig: false, message: 'lists do not nest' };
    const bad = scalar(x);
    if (bad) return bad;
  }
  return null;
}

export function wireSchemas(limits: Limits) {
  const name = z.string().min(1).max(limits.maxNameLength);
  const entities = columns(limits, limits.maxEntityRows, limits.maxKeyLength)
    .refine((e) => Object.keys(e).length > 0, 'at least one entity column is required')
    .openapi({ example: { driver_id: [1001, 9999] }, description: 'Entity columns (column-oriented), and request data for on-demand views' });

  const GetOnlineFeaturesRequest = z
    .object({
      features: z.array(z.string().min(1).max(2 * limits.maxNameLength + 1)).max(limits.maxFeatures).optional(),
      feature_service: name.optional(),
      entities,
      request_context: columns(limits, limits.maxEntityRows, limits.maxKeyLength).optional(),
      full_feature_names: z.boolean().default(false),
      include_stale: z.boolean().default(false).openapi({ description: 'larder: return values past their ttl (status stays OUTSIDE_MAX_AGE)' }),
    })
    .refine((b) => (b.features === undefined) !== (b.feature_service === undefined), 'give exactly one of features or feature_service')
    .openapi('GetOnlineFeaturesRequest', {
      example: { features: ['driver_hourly_stats:conv_rate', 'driver_hourly_stats:acc_rate'], entities: { driver_id: [1001, 9999] }, full_feature_names: false },
    });

  const FeatureResult = z.object({
    values: z.array(z.unknown()),
    statuses: z.array(z.enum(['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE'])),
    event_timestamps: z.array(z.string()),
  });
  const GetOnlineFeaturesResponse = z
    .object({ metadata: z.object({ feature_names: z.array(z.string()) }), results: z.array(FeatureResult) })
    .openapi('GetOnlineFeaturesResponse');

  const frame = columns(limits, limits.maxWriteRows, limits.maxStringLength)
    .refine((e) => Object.keys(e).length > 0, 'at least one column is required');

  const PushRequest = z
    .object({
      push_source_name: name,
      df: frame,
      to: z.enum(['online', 'offline', 'online_and_offline']).default('online'),
    })
    .openapi('PushRequest');

  const WriteToOnlineStoreRequest = z
    .object({ feature_view_name: name, df: frame })
    .openapi('WriteToOnlineStoreRequest');

  const violations = z.number().optional().openapi({ description: 'rows kept although they break an expectation (the view says on_violation: accept); absent when none' });
  const WriteResponse = z.object({ rows: z.number(), written: z.number(), skipped: z.number(), violations }).openapi('WriteResponse');

  const PushResponse = z
    .object({
      rows: z.number(),
      written: z.number().openapi({ description: 'online rows stored (all views)' }),
      skipped: z.number().openapi({ description: 'online rows skipped: a newer value was stored' }),
      views: z.array(z.string()).openapi({ description: 'online views updated' }),
      offline_key: z.string().nullable().openapi({ description: 'the historical-store object written (to: offline | online_and_offline), else null' }),
      violations,
    })
    .openapi('PushResponse');

  const ErrorResponse = z
    .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
    .openapi('ErrorResponse');

  // The registry objects `larder apply --remote` sends: the core's own schemas (built and checked
  // by the CLI's buildRegistry; the Worker checks shape and references again).
  const ApplyRequest = z
    .strictObject({
      objects: RegistryObjects,
      expect_version: z.number().int().min(0).optional().openapi({ description: 'refuse (409 conflict) unless the registry is still at this version' }),
      dry_run: z.boolean().optional().openapi({ description: 'answer the plan without writing (larder plan --remote)' }),
    })
    .openapi('ApplyRequest');
  const ApplyResponse = z
    .object({
      project: z.string(),
      version: z.number().openapi({ description: 'the registry version now stored' }),
      written: z.boolean().openapi({ description: 'false when nothing differed (nothing written)' }),
      plan: z.object({ project: z.string(), baseVersion: z.number(), nextVersion: z.number(), changes: z.array(z.unknown()) }),
    })
    .openapi('ApplyResponse');

  return { GetOnlineFeaturesRequest, GetOnlineFeaturesResponse, PushRequest, WriteToOnlineStoreRequest, WriteResponse, PushResponse, ErrorResponse, ApplyRequest, ApplyResponse };
}

export type WireSchemas = ReturnType<typeof wireSchemas>;
