import {
  define,
  type EntityDefinition,
  type EntityInput,
  type FeatureServiceDefinition,
  type FeatureServiceInput,
  type FeatureViewDefinition,
  type FeatureViewInput,
  type FileSourceDefinition,
  type FileSourceInput,
  type OnDemandFeatureViewDefinition,
  type OnDemandFeatureViewInput,
  type PushSourceDefinition,
  type PushSourceInput,
  type RequestSourceDefinition,
  type RequestSourceInput,
} from './definition.ts';

/** An entity: what features are about. Several join keys make a composite key. */
export const entity = (input: EntityInput): EntityDefinition => define('entity', input);

/** Rows in Parquet, CSV or Arrow IPC files (a path or glob relative to the repo). */
export const fileSource = (input: FileSourceInput): FileSourceDefinition => define('file_source', input);

/** Rows pushed to the Worker; history is read from `batchSource`. */
export const pushSource = (input: PushSourceInput): PushSourceDefinition => define('push_source', input);

/** Values supplied with each request, for on-demand views. */
export const requestSource = (input: RequestSourceInput): RequestSourceDefinition => define('request_source', input);

/** Features of entities read from a source; schema fields named like join keys are keys. */
export const featureView = (input: FeatureViewInput): FeatureViewDefinition => define('feature_view', input);

/** Features computed from view features and request data by a TypeScript function. */
export const onDemandFeatureView = (input: OnDemandFeatureViewInput): OnDemandFeatureViewDefinition =>
  define('on_demand_feature_view', input);

/** A named set of views or projections: what a model asks for. */
export const featureService = (input: FeatureServiceInput): FeatureServiceDefinition => define('feature_service', input);
