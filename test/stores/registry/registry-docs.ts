import { buildRegistry } from '../../../src/core/registry/build-registry.ts';
import { nextRegistry } from '../../../src/core/registry/plan.ts';
import type { RegistryDocument, RegistryObjects } from '../../../src/core/schema/registry-document.ts';

/** Small registry objects for store tests; `n` changes the view's ttl so versions differ. */
export function sampleObjects(n = 1): RegistryObjects {
  const r = buildRegistry(
    [
      { file: 'f.yaml', spec: { kind: 'entity', name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' } },
      { file: 'f.yaml', spec: { kind: 'file_source', name: 'stats', path: 'stats.parquet', timestampField: 'ts' } },
      {
        file: 'f.yaml',
        spec: { kind: 'feature_view', name: 'fv', entities: ['driver'], schema: [{ name: 'a', dtype: 'int64' }], source: 'stats', ttl: n },
      },
    ],
    { now: '2025-01-01T00:00:00.000Z' },
  );
  if (r.issues.length > 0) throw new Error(JSON.stringify(r.issues));
  return r.objects;
}

/** The registry an apply of sampleObjects(n) over `current` writes. */
export function sampleDoc(current: RegistryDocument | null, n: number, project = 'p'): RegistryDocument {
  const { next } = nextRegistry(current, project, sampleObjects(n), `2025-01-0${Math.min(n, 9)}T00:00:00.000Z`);
  if (next === null) throw new Error('no change');
  return next;
}
