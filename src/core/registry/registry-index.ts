import type { DataSource } from '../schema/data-source.ts';
import type { Entity } from '../schema/entity.ts';
import type { FeatureService } from '../schema/feature-service.ts';
import type { FeatureView } from '../schema/feature-view.ts';
import type { OnDemandFeatureView } from '../schema/on-demand-feature-view.ts';
import { KIND_OF_LIST, OBJECT_LISTS, type ObjectKind, type RegistryDocument } from '../schema/registry-document.ts';

export type RegistryObject =
  | { readonly kind: 'entity'; readonly object: Entity }
  | { readonly kind: 'source'; readonly object: DataSource }
  | { readonly kind: 'feature_view'; readonly object: FeatureView }
  | { readonly kind: 'on_demand_feature_view'; readonly object: OnDemandFeatureView }
  | { readonly kind: 'feature_service'; readonly object: FeatureService };

/** Lookups by name over a parsed registry. Build once per registry version and reuse. */
export interface RegistryIndex {
  readonly doc: RegistryDocument;
  readonly entities: ReadonlyMap<string, Entity>;
  readonly sources: ReadonlyMap<string, DataSource>;
  readonly featureViews: ReadonlyMap<string, FeatureView>;
  readonly onDemandFeatureViews: ReadonlyMap<string, OnDemandFeatureView>;
  readonly featureServices: ReadonlyMap<string, FeatureService>;
  /** Every object with this name, whatever its kind. */
  find(name: string): RegistryObject[];
}

export function indexRegistry(doc: RegistryDocument): RegistryIndex {
  const map = <T extends { name: string }>(xs: readonly T[]) => new Map(xs.map((x) => [x.name, x]));
  return {
    doc,
    entities: map(doc.entities),
    sources: map(doc.sources),
    featureViews: map(doc.featureViews),
    onDemandFeatureViews: map(doc.onDemandFeatureViews),
    featureServices: map(doc.featureServices),
    find(name) {
      const out: RegistryObject[] = [];
      for (const list of OBJECT_LISTS) {
        const kind: ObjectKind = KIND_OF_LIST[list];
        for (const o of doc[list]) if (o.name === name) out.push({ kind, object: o } as RegistryObject);
      }
      return out;
    },
  };
}
