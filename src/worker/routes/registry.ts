import type { RegistryIndex } from '../../core/registry/registry-index.ts';

/** Discovery: the registry's object lists by URL segment. */
export const REGISTRY_LISTS = {
  entities: 'entities',
  sources: 'sources',
  'feature-views': 'featureViews',
  'on-demand-feature-views': 'onDemandFeatureViews',
  'feature-services': 'featureServices',
} as const;
export type RegistryListPath = keyof typeof REGISTRY_LISTS;

export function registrySummary(reg: RegistryIndex) {
  const d = reg.doc;
  return {
    project: d.project,
    version: d.version,
    updated_at: d.updatedAt,
    counts: Object.fromEntries(Object.entries(REGISTRY_LISTS).map(([path, key]) => [path, d[key].length])),
  };
}
