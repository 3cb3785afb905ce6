import { z } from '@hono/zod-openapi';
import type { Limits } from './limits.ts';

/**
 * Feast-compatible request bodies, validated at the edge. The same schemas
 * generate /openapi.json. Built per limit set, since limits are configurable.
 */
const Column = z.array(z.unknown());

export function wireSchemas(limits: Limits) {
  const entities = z
    .record(z.string().min(1).max(256), Column.max(limits.maxEntityRows))
    .refine((e) => Object.keys(e).length > 0, 'at least one entity column is required')
    .openapi({ example: { driver_id: [1001, 9999] }, description: 'Entity columns (column-oriented), and request data for on-demand views' });

  const GetOnlineFeaturesRequest = z
    .object({
      features: z.array(z.string().min(1).max(512)).max(limits.maxFeatures).optional(),
      feature_service: z.string().min(1).max(256).optional(),
      entities,
      request_context: z.record(z.string(), Column.max(limits.maxEntityRows)).optional(),
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

  const frame = z
    .record(z.string().min(1).max(256), Column.max(limits.maxWriteRows))
    .refine((e) => Object.keys(e).length > 0, 'at least one column is required');

  const PushRequest = z
    .object({
      push_source_name: z.string().min(1).max(256),
      df: frame,
      to: z.enum(['online', 'offline', 'online_and_offline']).default('online'),
    })
    .openapi('PushRequest');

  const WriteToOnlineStoreRequest = z
    .object({ feature_view_name: z.string().min(1).max(256), df: frame })
    .openapi('WriteToOnlineStoreRequest');

  const WriteResponse = z.object({ rows: z.number(), written: z.number(), skipped: z.number() }).openapi('WriteResponse');

  const ErrorResponse = z
    .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
    .openapi('ErrorResponse');

  return { GetOnlineFeaturesRequest, GetOnlineFeaturesResponse, PushRequest, WriteToOnlineStoreRequest, WriteResponse, ErrorResponse };
}

export type WireSchemas = ReturnType<typeof wireSchemas>;
