import { z } from 'zod';
import type {
  DefinitionSpec,
  EntitySpec,
  ExpectationsSpec,
  FeatureServiceSpec,
  FeatureViewSpec,
  FileSourceSpec,
  OnDemandFeatureViewSpec,
  PushSourceSpec,
  RequestSourceSpec,
} from './definition-spec.ts';

/**
 * The YAML form of definitions. Keys mirror Feast's Python arguments in snake_case; each item
 * maps to the same spec the TypeScript builders produce.
 */
const meta = {
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  owner: z.string().optional(),
};
const metaOf = (x: { description?: string; tags?: Record<string, string>; owner?: string }) => ({
  ...(x.description !== undefined && { description: x.description }),
  ...(x.tags !== undefined && { tags: x.tags }),
  ...(x.owner !== undefined && { owner: x.owner }),
});

const YamlExpectations = z.strictObject({
  min: z.unknown().optional(),
  max: z.unknown().optional(),
  allowed_values: z.unknown().optional(),
  max_null_rate: z.unknown().optional(),
  required: z.unknown().optional(),
});
const expectationsOf = (e: z.output<typeof YamlExpectations>): ExpectationsSpec => ({
  ...(e.min !== undefined && { min: e.min as number }),
  ...(e.max !== undefined && { max: e.max as number }),
  ...(e.allowed_values !== undefined && { allowedValues: e.allowed_values as (string | number | boolean)[] }),
  ...(e.max_null_rate !== undefined && { maxNullRate: e.max_null_rate as number }),
  ...(e.required !== undefined && { required: e.required as boolean }),
});

const YamlField = z.strictObject({
  name: z.string(),
  dtype: z.unknown(),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  expectations: YamlExpectations.optional(),
});
const fieldOf = (f: z.output<typeof YamlField>) => ({
  name: f.name,
  dtype: f.dtype as string,
  ...(f.description !== undefined && { description: f.description }),
  ...(f.tags !== undefined && { tags: f.tags }),
  ...(f.expectations !== undefined && { expectations: expectationsOf(f.expectations) }),
});

export const YamlEntity = z
  .strictObject({
    name: z.string(),
    join_keys: z.array(z.union([z.string(), z.strictObject({ name: z.string(), value_type: z.unknown().optional() })])).optional(),
    value_type: z.unknown().optional(),
    ...meta,
  })
  .transform(
    (e): EntitySpec => ({
      kind: 'entity',
      name: e.name,
      ...(e.join_keys !== undefined && {
        joinKeys: e.join_keys.map((k) =>
          typeof k === 'string' ? k : { name: k.name, ...(k.value_type !== undefined && { valueType: k.value_type as string }) },
        ),
      }),
      ...(e.value_type !== undefined && { valueType: e.value_type as string }),
      ...metaOf(e),
    }),
  );

const YamlFileSource = z
  .strictObject({
    name: z.string(),
    type: z.literal('file'),
    path: z.string(),
    format: z.string().optional(),
    timestamp_field: z.string(),
    created_timestamp_column: z.string().nullable().optional(),
    field_mapping: z.record(z.string(), z.string()).optional(),
    date_partition_column: z.string().nullable().optional(),
    ...meta,
  })
  .transform(
    (s): FileSourceSpec => ({
      kind: 'file_source',
      name: s.name,
      path: s.path,
      ...(s.format !== undefined && { format: s.format }),
      timestampField: s.timestamp_field,
      ...(s.created_timestamp_column !== undefined && { createdTimestampColumn: s.created_timestamp_column }),
      ...(s.field_mapping !== undefined && { fieldMapping: s.field_mapping }),
      ...(s.date_partition_column !== undefined && { datePartitionColumn: s.date_partition_column }),
      ...metaOf(s),
    }),
  );

const YamlPushSource = z
  .strictObject({ name: z.string(), type: z.literal('push'), batch_source: z.string(), ...meta })
  .transform((s): PushSourceSpec => ({ kind: 'push_source', name: s.name, batchSource: s.batch_source, ...metaOf(s) }));

const YamlRequestSource = z
  .strictObject({ name: z.string(), type: z.literal('request'), schema: z.array(YamlField), ...meta })
  .transform(
    (s): RequestSourceSpec => ({ kind: 'request_source', name: s.name, schema: s.schema.map(fieldOf), ...metaOf(s) }),
  );

export const YamlSource = z.discriminatedUnion('type', [YamlFileSource, YamlPushSource, YamlRequestSource]);

export const YamlFeatureView = z
  .strictObject({
    name: z.string(),
    entities: z.array(z.string()).optional(),
    schema: z.array(YamlField),
    source: z.string(),
    ttl: z.unknown().optional(),
    online: z.boolean().optional(),
    min_rows: z.unknown().optional(),
    on_violation: z.unknown().optional(),
    ...meta,
  })
  .transform(
    (v): FeatureViewSpec => ({
      kind: 'feature_view',
      name: v.name,
      ...(v.entities !== undefined && { entities: v.entities }),
      schema: v.schema.map(fieldOf),
      source: v.source,
      ...(v.ttl !== undefined && { ttl: v.ttl as string | number }),
      ...(v.online !== undefined && { online: v.online }),
      ...(v.min_rows !== undefined && { minRows: v.min_rows as number }),
      ...(v.on_violation !== undefined && { onViolation: v.on_violation as 'reject' | 'accept' }),
      ...metaOf(v),
    }),
  );

export const YamlOnDemandFeatureView = z
  .strictObject({
    name: z.string(),
    sources: z.array(
      z.union([
        z.string(),
        z.strictObject({ view: z.string(), features: z.array(z.string()).optional() }),
        z.strictObject({ request_source: z.string() }),
      ]),
    ),
    schema: z.array(YamlField),
    transformation: z.strictObject({ module: z.string(), function: z.string() }),
    write_to_online_store: z.boolean().optional(),
    ...meta,
  })
  .transform(
    (v): OnDemandFeatureViewSpec => ({
      kind: 'on_demand_feature_view',
      name: v.name,
      sources: v.sources.map((s) => (typeof s === 'string' || 'view' in s ? s : { requestSource: s.request_source })),
      schema: v.schema.map(fieldOf),
      transformation: v.transformation,
      ...(v.write_to_online_store !== undefined && { writeToOnlineStore: v.write_to_online_store }),
      ...metaOf(v),
    }),
  );

export const YamlFeatureService = z
  .strictObject({
    name: z.string(),
    features: z.array(
      z.union([
        z.string(),
        z.strictObject({
          view: z.string(),
          features: z.array(z.string()).optional(),
          alias: z.string().nullable().optional(),
          join_key_map: z.record(z.string(), z.string()).optional(),
        }),
      ]),
    ),
    precompute: z.boolean().optional(),
    ...meta,
  })
  .transform(
    (s): FeatureServiceSpec => ({
      kind: 'feature_service',
      name: s.name,
      features: s.features.map((p) =>
        typeof p === 'string'
          ? p
          : {
              view: p.view,
              ...(p.features !== undefined && { features: p.features }),
              ...(p.alias !== undefined && { alias: p.alias }),
              ...(p.join_key_map !== undefined && { joinKeyMap: p.join_key_map }),
            },
      ),
      ...(s.precompute !== undefined && { precompute: s.precompute }),
      ...metaOf(s),
    }),
  );

/** Top-level lists of a YAML definitions file, and the schema of each list's items. */
export const YAML_LISTS = {
  entities: YamlEntity,
  sources: YamlSource,
  feature_views: YamlFeatureView,
  on_demand_feature_views: YamlOnDemandFeatureView,
  feature_services: YamlFeatureService,
} as const satisfies Record<string, z.ZodType<DefinitionSpec, unknown>>;
export type YamlList = keyof typeof YAML_LISTS;

/** camelCase spec keys -> the YAML spelling, for error paths in YAML files. */
export const YAML_KEY_OF: Readonly<Record<string, string>> = {
  joinKeys: 'join_keys',
  valueType: 'value_type',
  timestampField: 'timestamp_field',
  createdTimestampColumn: 'created_timestamp_column',
  fieldMapping: 'field_mapping',
  datePartitionColumn: 'date_partition_column',
  batchSource: 'batch_source',
  requestSource: 'request_source',
  writeToOnlineStore: 'write_to_online_store',
  joinKeyMap: 'join_key_map',
  allowedValues: 'allowed_values',
  maxNullRate: 'max_null_rate',
  minRows: 'min_rows',
  onViolation: 'on_violation',
};
