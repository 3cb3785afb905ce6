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

/** The registry document key a list path names, or undefined (own keys only: not `__proto__` and co.). */
export function registryListKey(path: string): (typeof REGISTRY_LISTS)[RegistryListPath] | undefined {
  return Object.hasOwn(REGISTRY_LISTS, path) ? REGISTRY_LISTS[path as RegistryListPath] : undefined;
}

export function registrySummary(reg: RegistryIndex) {
  const d = reg.doc;
  return {
    project: d.project,
    version: d.version,
    updated_at: d.updatedAt,
    counts: Object.fromEntries(Object.entries(REGISTRY_LISTS).map(([path, key]) => [path, d[key].length])),
  };
}
