import { z } from 'zod';
import type { DtypeInput } from './dtype.ts';

/**
 * Definition specs: what a repo declares, before validation and normalization into registry
 * objects. Both the TypeScript builders and the YAML files produce these (references by name),
 * and one function (`buildRegistry`) turns them into the registry, so both forms give the same
 * registry. Shapes are checked here; meaning (names, dtypes, ttl, references) is checked by
 * `buildRegistry`, which reports precise codes.
 */
const meta = {
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  owner: z.string().optional(),
};

/** Checked by buildRegistry (code `invalid_dtype`), typed for TypeScript autocompletion. */
const DtypeSpec = z.custom<DtypeInput>(() => true);
/** Checked by buildRegistry (code `invalid_ttl`). */
const TtlSpec = z.custom<number | string>(() => true);

/** Values are checked by buildRegistry (code `invalid_expectation`), typed for TypeScript autocompletion. */
const loose = <T>() => z.custom<T>(() => true);

/** Expectations on a feature view field; see FieldExpectations in field.ts. */
export const ExpectationsSpec = z.strictObject({
  /** Smallest allowed value, inclusive (numeric fields). */
  min: loose<number>().optional(),
  /** Largest allowed value, inclusive (numeric fields). */
  max: loose<number>().optional(),
  /** The only values a non-null value may take. */
  allowedValues: loose<readonly (string | number | boolean)[]>().optional(),
  /** Largest allowed share of nulls over a dataset, in [0, 1]. */
  maxNullRate: loose<number>().optional(),
  /** Never null. */
  required: loose<boolean>().optional(),
});
export type ExpectationsSpec = z.output<typeof ExpectationsSpec>;

export const FieldSpec = z.strictObject({
  name: z.string(),
  dtype: DtypeSpec,
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  expectations: ExpectationsSpec.optional(),
});
export type FieldSpec = z.output<typeof FieldSpec>;

export const JoinKeySpec = z.union([z.string(), z.strictObject({ name: z.string(), valueType: DtypeSpec.optional() })]);
export type JoinKeySpec = z.output<typeof JoinKeySpec>;

export const EntitySpec = z.strictObject({
  kind: z.literal('entity'),
  name: z.string(),
  /** Defaults to one join key named like the entity. */
  joinKeys: z.array(JoinKeySpec).optional(),
  /** Value type of every join key that does not give its own. */
  valueType: DtypeSpec.optional(),
  ...meta,
});
export type EntitySpec = z.output<typeof EntitySpec>;

export const FileSourceSpec = z.strictObject({
  kind: z.literal('file_source'),
  name: z.string(),
  path: z.string(),
  /** parquet, csv or arrow; inferred from the path's extension when absent. */
  format: z.string().optional(),
  timestampField: z.string(),
  createdTimestampColumn: z.string().nullable().optional(),
  fieldMapping: z.record(z.string(), z.string()).optional(),
  datePartitionColumn: z.string().nullable().optional(),
  ...meta,
});
export type FileSourceSpec = z.output<typeof FileSourceSpec>;

export const PushSourceSpec = z.strictObject({
  kind: z.literal('push_source'),
  name: z.string(),
  batchSource: z.string(),
  ...meta,
});
export type PushSourceSpec = z.output<typeof PushSourceSpec>;

export const RequestSourceSpec = z.strictObject({
  kind: z.literal('request_source'),
  name: z.string(),
  schema: z.array(FieldSpec),
  ...meta,
});
export type RequestSourceSpec = z.output<typeof RequestSourceSpec>;

export const FeatureViewSpec = z.strictObject({
  kind: z.literal('feature_view'),
  name: z.string(),
  entities: z.array(z.string()).optional(),
  schema: z.array(FieldSpec),
  source: z.string(),
  ttl: TtlSpec.optional(),
  online: z.boolean().optional(),
  /** A dataset of the view must hold at least this many rows (checked by buildRegistry). */
  minRows: loose<number>().optional(),
  /** Ingestion of rows that break an expectation: reject the batch (default) or accept and count. */
  onViolation: loose<'reject' | 'accept'>().optional(),
  ...meta,
});
export type FeatureViewSpec = z.output<typeof FeatureViewSpec>;

/** A name (a feature view or a request source), a view projection, or an explicit request source. */
export const OnDemandSourceSpec = z.union([
  z.string(),
  z.strictObject({ view: z.string(), features: z.array(z.string()).optional() }),
  z.strictObject({ requestSource: z.string() }),
]);
export type OnDemandSourceSpec = z.output<typeof OnDemandSourceSpec>;

export const TransformationSpec = z.strictObject({ module: z.string(), function: z.string() });
export type TransformationSpec = z.output<typeof TransformationSpec>;

export const OnDemandFeatureViewSpec = z.strictObject({
  kind: z.literal('on_demand_feature_view'),
  name: z.string(),
  sources: z.array(OnDemandSourceSpec),
  schema: z.array(FieldSpec),
  transformation: TransformationSpec,
  writeToOnlineStore: z.boolean().optional(),
  ...meta,
});
export type OnDemandFeatureViewSpec = z.output<typeof OnDemandFeatureViewSpec>;

export const ProjectionSpec = z.union([
  z.string(),
  z.strictObject({
    view: z.string(),
    features: z.array(z.string()).optional(),
    alias: z.string().nullable().optional(),
    joinKeyMap: z.record(z.string(), z.string()).optional(),
  }),
]);
export type ProjectionSpec = z.output<typeof ProjectionSpec>;

export const FeatureServiceSpec = z.strictObject({
  kind: z.literal('feature_service'),
  name: z.string(),
  features: z.array(ProjectionSpec),
  precompute: z.boolean().optional(),
  ...meta,
});
export type FeatureServiceSpec = z.output<typeof FeatureServiceSpec>;

export const DefinitionSpec = z.discriminatedUnion('kind', [
  EntitySpec,
  FileSourceSpec,
  PushSourceSpec,
  RequestSourceSpec,
  FeatureViewSpec,
  OnDemandFeatureViewSpec,
  FeatureServiceSpec,
]);
export type DefinitionSpec = z.output<typeof DefinitionSpec>;
export type DefinitionKind = DefinitionSpec['kind'];

/** A spec and the file that declared it (relative to the repo), for error messages. */
export interface SourcedSpec {
  readonly file: string;
  readonly spec: DefinitionSpec;
}
