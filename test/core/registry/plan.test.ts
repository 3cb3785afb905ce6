import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../../../src/core/registry/build-registry.ts';
import { nextRegistry, planRegistry } from '../../../src/core/registry/plan.ts';
import type { DefinitionSpec } from '../../../src/core/schema/definition-spec.ts';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-02T00:00:00.000Z';

function objects(extra: DefinitionSpec[] = [], ttl: string | number = '1d') {
  const specs: DefinitionSpec[] = [
    { kind: 'entity', name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' },
    { kind: 'file_source', name: 'stats', path: 'stats.parquet', timestampField: 'ts' },
    { kind: 'feature_view', name: 'fv', entities: ['driver'], schema: [{ name: 'a', dtype: 'int64' }], source: 'stats', ttl },
    ...extra,
  ];
  const r = buildRegistry(specs.map((spec) => ({ file: 'f.yaml', spec })), { now: T0 });
  expect(r.issues).toEqual([]);
  return r.objects;
}
const service: DefinitionSpec = { kind: 'feature_service', name: 'svc', features: ['fv'] };

describe('plan and apply', () => {
  it('plans everything as added on an empty registry, then nothing once applied (idempotent)', () => {
    const first = nextRegistry(null, 'p', objects([service]), T0);
    expect(first.plan.baseVersion).toBe(0);
    expect(first.plan.nextVersion).toBe(1);
    expect(first.plan.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual([
      'add entity driver',
      'add source stats',
      'add feature_view fv',
      'add feature_service svc',
    ]);
    const again = nextRegistry(first.next, 'p', objects([service]), T1);
    expect(again.plan.changes).toEqual([]);
    expect(again.plan.nextVersion).toBe(1);
    expect(again.next).toBeNull();
  });

  it('is total: an object no longer defined is planned as removed, then removed', () => {
    const v1 = nextRegistry(null, 'p', objects([service]), T0).next!;
    const { plan, next } = nextRegistry(v1, 'p', objects(), T1);
    expect(plan.changes.map((c) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['remove feature_service svc']);
    expect(next!.version).toBe(2);
    expect(next!.featureServices).toEqual([]);
  });

  it('shows changes field by field and keeps createdAt', () => {
    const v1 = nextRegistry(null, 'p', objects([service]), T0).next!;
    const { plan, next } = nextRegistry(v1, 'p', objects([service], '2d'), T1);
    expect(plan.changes).toEqual([
      { action: 'change', list: 'featureViews', kind: 'feature_view', name: 'fv', fields: [{ path: 'ttlSeconds', before: 86_400, after: 172_800 }] },
    ]);
    const fv = next!.featureViews[0]!;
    expect([fv.createdAt, fv.updatedAt]).toEqual([T0, T1]);
    expect(next!.entities[0]!.updatedAt).toBe(T0);
    expect(next!.updatedAt).toBe(T1);
  });

  it('reports nested paths for changed list elements and records', () => {
    const v1 = nextRegistry(null, 'p', objects(), T0).next!;
    const changed = objects();
    changed.featureViews[0] = { ...changed.featureViews[0]!, tags: { team: 'x' }, features: [{ name: 'a', dtype: 'int32' }] };
    const plan = planRegistry(v1, 'p', changed);
    expect(plan.changes[0]!.fields).toEqual([
      { path: 'features[0].dtype', before: 'int64', after: 'int32' },
      { path: 'tags.team', before: undefined, after: 'x' },
    ]);
  });
});
