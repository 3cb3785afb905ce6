// The benchmark's registry: 5 views x 10 float32 features on one int64
// entity, and services over them (one precomputed).
import { indexRegistry } from '../../src/core/registry/registry-index.ts';
import { RegistryDocument } from '../../src/core/schema/registry-document.ts';

const at = '2025-01-01T00:00:00.000Z';
const meta = { description: '', tags: {}, owner: '', createdAt: at, updatedAt: at };
export const VIEWS = 5;
export const FEATURES_PER_VIEW = 10;
export const viewName = (v: number) => `stats_${v}`;
export const featureName = (v: number, f: number) => `f${v}_${f}`;

export function benchDoc(project: string) {
  return RegistryDocument.parse({
    formatVersion: 1,
    project,
    version: 1,
    updatedAt: at,
    entities: [{ name: 'driver', joinKeys: [{ name: 'driver_id', valueType: 'int64' }], ...meta }],
    sources: [{ type: 'file', name: 'src', path: 'x.parquet', format: 'parquet', timestampField: 'event_timestamp', createdTimestampColumn: null, fieldMapping: {}, datePartitionColumn: null, ...meta }],
    featureViews: Array.from({ length: VIEWS }, (_, v) => ({
      name: viewName(v),
      entities: ['driver'],
      entityColumns: [{ name: 'driver_id', dtype: 'int64' }],
      features: Array.from({ length: FEATURES_PER_VIEW }, (_, f) => ({ name: featureName(v, f), dtype: 'float32' })),
      source: 'src',
      ttlSeconds: 0,
      online: true,
      ...meta,
    })),
    onDemandFeatureViews: [],
    featureServices: [false, true].map((precompute) => ({
      name: precompute ? 'all_precomputed' : 'all',
      precompute,
      projections: Array.from({ length: VIEWS }, (_, v) => ({ view: viewName(v), alias: null, features: Array.from({ length: FEATURES_PER_VIEW }, (_, f) => featureName(v, f)), joinKeyMap: {} })),
      ...meta,
    })),
  });
}

export const benchRegistry = (project: string) => indexRegistry(benchDoc(project));

/** The registry objects, as `POST /apply` takes them (how run.ts and floor.ts give the Worker its registry). */
export function benchObjects() {
  const { entities, sources, featureViews, onDemandFeatureViews, featureServices } = benchDoc('bench');
  return { entities, sources, featureViews, onDemandFeatureViews, featureServices };
}

/** A write-to-online-store body for one view and `n` drivers from 1. */
export function viewFrame(v: number, n: number, ts: string) {
  const df: Record<string, unknown[]> = { driver_id: Array.from({ length: n }, (_, i) => i + 1), event_timestamp: Array(n).fill(ts) };
  for (let f = 0; f < FEATURES_PER_VIEW; f++) df[featureName(v, f)] = Array.from({ length: n }, (_, i) => ((i * 31 + f * 7 + v) % 1000) / 1000);
  return { feature_view_name: viewName(v), df };
}

export function features(views: number, perView: number): string[] {
  const out: string[] = [];
  for (let v = 0; v < views; v++) for (let f = 0; f < perView; f++) out.push(`${viewName(v)}:${featureName(v, f)}`);
  return out;
}
