import { z } from 'zod';
import { DataSource } from './data-source.ts';
import { Entity } from './entity.ts';
import { FeatureService } from './feature-service.ts';
import { FeatureView } from './feature-view.ts';
import { Timestamp } from './meta.ts';
import { OnDemandFeatureView } from './on-demand-feature-view.ts';
import { ProjectName } from './project-config.ts';

/** Version of the serialized registry layout. Readers refuse other versions. */
export const REGISTRY_FORMAT_VERSION = 1;

/**
 * The registry: every object of a project, as stored (canonical JSON: keys in this order,
 * object lists sorted by name, record keys sorted).
 */
export const RegistryDocument = z.strictObject({
  formatVersion: z.literal(REGISTRY_FORMAT_VERSION),
  project: ProjectName,
  /** Incremented by every apply that changes something. */
  version: z.number().int().positive(),
  updatedAt: Timestamp,
  entities: z.array(Entity),
  sources: z.array(DataSource),
  featureViews: z.array(FeatureView),
  onDemandFeatureViews: z.array(OnDemandFeatureView),
  featureServices: z.array(FeatureService),
});
export type RegistryDocument = z.output<typeof RegistryDocument>;

/** The object lists of a registry, without the document header (what `POST /apply` takes). */
export const RegistryObjects = RegistryDocument.pick({ entities: true, sources: true, featureViews: true, onDemandFeatureViews: true, featureServices: true });
export type RegistryObjects = z.output<typeof RegistryObjects>;

export const OBJECT_LISTS = ['entities', 'sources', 'featureViews', 'onDemandFeatureViews', 'featureServices'] as const;
export type ObjectList = (typeof OBJECT_LISTS)[number];

/** The kind of each list's objects, as users name them. */
export const KIND_OF_LIST: Readonly<Record<ObjectList, ObjectKind>> = {
  entities: 'entity',
  sources: 'source',
  featureViews: 'feature_view',
  onDemandFeatureViews: 'on_demand_feature_view',
  featureServices: 'feature_service',
};
export type ObjectKind = 'entity' | 'source' | 'feature_view' | 'on_demand_feature_view' | 'feature_service';
