// larder's public API (platform-neutral): definition builders, the zod schemas that are the
// single source of every type, and the registry model. Node-only pieces live in `larder/offline`,
// the Worker in `larder/worker`.

// Definitions (TypeScript builders)
export { entity, featureService, featureView, fileSource, onDemandFeatureView, pushSource, requestSource } from './core/definitions/builders.ts';
export { field, types } from './core/definitions/field-types.ts';
export { isDefinition } from './core/definitions/definition.ts';
export type {
  Definition,
  EntityDefinition,
  EntityInput,
  FeatureServiceDefinition,
  FeatureServiceInput,
  FeatureValue,
  FeatureViewDefinition,
  FeatureViewInput,
  FieldInput,
  FileSourceDefinition,
  FileSourceInput,
  OnDemandFeatureViewDefinition,
  OnDemandFeatureViewInput,
  OnDemandRow,
  OnDemandTransform,
  ProjectionInput,
  PushSourceDefinition,
  PushSourceInput,
  RequestSourceDefinition,
  RequestSourceInput,
} from './core/definitions/definition.ts';

// Schemas (zod) and their types
export { Dtype, DTYPES, normalizeDtype, normalizeValueType, SCALAR_DTYPES, ValueType, VALUE_TYPES } from './core/schema/dtype.ts';
export type { DtypeInput, ListDtype, ScalarDtype } from './core/schema/dtype.ts';
export { formatTtl, parseTtl } from './core/schema/ttl.ts';
export { Field } from './core/schema/field.ts';
export { Entity, JoinKey } from './core/schema/entity.ts';
export { DataSource, FileFormat, FileSource, PushSource, RequestSource } from './core/schema/data-source.ts';
export { FeatureView } from './core/schema/feature-view.ts';
export { OnDemandFeatureView, OnDemandInput, TransformationRef } from './core/schema/on-demand-feature-view.ts';
export { FeatureProjection, FeatureService } from './core/schema/feature-service.ts';
export { REGISTRY_FORMAT_VERSION, RegistryDocument } from './core/schema/registry-document.ts';
export type { ObjectKind, RegistryObjects } from './core/schema/registry-document.ts';
export { OfflineStoreConfig, OnlineStoreConfig, ProjectConfig, RegistryConfig } from './core/schema/project-config.ts';
export type { ProjectConfigInput } from './core/schema/project-config.ts';
export { DefinitionSpec } from './core/schema/definition-spec.ts';
export type { SourcedSpec } from './core/schema/definition-spec.ts';

// Registry model
export { buildRegistry } from './core/registry/build-registry.ts';
export type { BuildOptions, BuildResult } from './core/registry/build-registry.ts';
export { nextRegistry, planRegistry } from './core/registry/plan.ts';
export type { FieldChange, ObjectChange, RegistryPlan } from './core/registry/plan.ts';
export { parseRegistry, serializeRegistry } from './core/registry/serialize.ts';
export { registryJsonSchema } from './core/registry/json-schema.ts';
export { indexRegistry } from './core/registry/registry-index.ts';
export type { RegistryIndex, RegistryObject } from './core/registry/registry-index.ts';
export { formatIssue } from './core/registry/validation-issue.ts';
export type { ValidationCode, ValidationIssue } from './core/registry/validation-issue.ts';
export { batchSourceOf } from './core/registry/check-source-columns.ts';
export type { ColumnType, SourceSchema, SourceSchemaResult } from './core/registry/source-schema.ts';

// Registry stores (platform-neutral adapters over injected clients)
export type { RegistryStore } from './stores/registry/registry-store.ts';
export { D1RegistryStore } from './stores/registry/d1-registry-store.ts';
export { KvRegistryStore } from './stores/registry/kv-registry-store.ts';
export { MemoryRegistryStore } from './stores/registry/memory-registry-store.ts';
export { CachedRegistry } from './stores/registry/cached-registry.ts';
export { applyRegistry } from './stores/registry/apply-registry.ts';
export type { ApplyResult } from './stores/registry/apply-registry.ts';

export { err, LarderError, ok, unwrap } from './core/errors.ts';
export type { FsError, FsErrorCode, Result } from './core/errors.ts';

// Statistics records (v1) and TFDV conversion; expectations checked on rows (also in the Worker).
export { toTfdvStatistics, type TfdvStatisticsList } from './core/statistics/tfdv.ts';
export { ViewStatisticsSchema, type ViewStatistics, type FeatureStatistics } from './core/schema/statistics.ts';
export { checkRowExpectations, type ParsedValueRows } from './core/validation/check-rows.ts';
export { ExpectationChecker, hasExpectations, violationPolicy, type CheckColumn, type CheckTarget } from './core/validation/expectation-checker.ts';
export { expectationError, formatReport, formatViolation, type ExpectationReport, type ExpectationViolation } from './core/validation/expectation-violation.ts';
export { METADATA_KINDS, type MetadataKind, type MetadataRecord, type MetadataStore } from './stores/metadata/metadata-store.ts';
