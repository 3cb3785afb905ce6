import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../../../src/core/registry/build-registry.ts';
import type { ColumnType, SourceSchemaResult } from '../../../src/core/registry/source-schema.ts';
import { formatIssue, type ValidationCode } from '../../../src/core/registry/validation-issue.ts';
import type { DefinitionSpec, SourcedSpec } from '../../../src/core/schema/definition-spec.ts';

const NOW = '2025-01-01T00:00:00.000Z';

function base(): DefinitionSpec[] {
  return [
    { kind: 'entity', name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' },
    { kind: 'file_source', name: 'stats', path: 'data/stats.parquet', timestampField: 'ts', createdTimestampColumn: 'created' },
    { kind: 'push_source', name: 'stats_push', batchSource: 'stats' },
    { kind: 'request_source', name: 'req', schema: [{ name: 'val', dtype: 'int64' }] },
    {
      kind: 'feature_view',
      name: 'fv',
      entities: ['driver'],
      schema: [
        { name: 'conv_rate', dtype: 'float32' },
        { name: 'trips', dtype: 'int64' },
      ],
      source: 'stats',
      ttl: '1d',
    },
    {
      kind: 'on_demand_feature_view',
      name: 'odfv',
      sources: ['fv', 'req'],
      schema: [{ name: 'out', dtype: 'float64' }],
      transformation: { module: './t.ts', function: 'f' },
    },
    { kind: 'feature_service', name: 'svc', features: [{ view: 'fv', features: ['conv_rate'] }, 'odfv'] },
  ];
}

const sourced = (specs: DefinitionSpec[]): SourcedSpec[] => specs.map((spec) => ({ file: 'defs.ts', spec }));

/** Replace the spec named `name` with a modified copy. */
function edit(name: string, change: (s: any) => object): DefinitionSpec[] {
  return base().map((s) => (s.name === name ? ({ ...s, ...change(s) } as DefinitionSpec) : s));
}

const COLUMNS: Record<string, ColumnType> = {
  driver_id: { kind: 'int', bits: 64 },
  ts: { kind: 'timestamp' },
  created: { kind: 'timestamp' },
  conv_rate: { kind: 'float', bits: 32 },
  trips: { kind: 'int', bits: 64 },
};
function schemas(columns: Record<string, ColumnType> = COLUMNS): Map<string, SourceSchemaResult> {
  return new Map([['stats', { status: 'ok', schema: { file: 'data/stats.parquet', columns: new Map(Object.entries(columns)) } }]]);
}
const without = (k: string) => Object.fromEntries(Object.entries(COLUMNS).filter(([c]) => c !== k));

describe('buildRegistry', () => {
  it('builds a valid repo without issues', () => {
    const r = buildRegistry(sourced(base()), { now: NOW, sourceSchemas: schemas() });
    expect(r.issues).toEqual([]);
    expect(r.objects.featureViews[0]).toMatchObject({
      name: 'fv',
      entityColumns: [{ name: 'driver_id', dtype: 'int64' }],
      features: [
        { name: 'conv_rate', dtype: 'float32' },
        { name: 'trips', dtype: 'int64' },
      ],
      ttlSeconds: 86_400,
      online: true,
    });
    expect(r.objects.onDemandFeatureViews[0]?.transformation).toEqual({ module: 't.ts', function: 'f' });
    expect(r.objects.sources.map((s) => s.name)).toEqual(['req', 'stats', 'stats_push']);
  });

  it('infers a join key type from a view schema, then from the source columns', () => {
    const fromView = base().map((s) =>
      s.kind === 'entity' ? { kind: 'entity' as const, name: 'driver', joinKeys: ['driver_id'] } : s,
    );
    (fromView[4] as any).schema = [{ name: 'driver_id', dtype: 'Int32' }, ...(fromView[4] as any).schema];
    const a = buildRegistry(sourced(fromView), { now: NOW });
    expect(a.issues).toEqual([]);
    expect(a.objects.entities[0]?.joinKeys).toEqual([{ name: 'driver_id', valueType: 'int32' }]);

    const fromSource = base().map((s) => (s.kind === 'entity' ? { kind: 'entity' as const, name: 'driver', joinKeys: ['driver_id'] } : s));
    const b = buildRegistry(sourced(fromSource), { now: NOW, sourceSchemas: schemas() });
    expect(b.issues).toEqual([]);
    expect(b.objects.entities[0]?.joinKeys).toEqual([{ name: 'driver_id', valueType: 'int64' }]);
  });

  it('allows composite keys and defaults the join key to the entity name', () => {
    const specs = base();
    specs.push({ kind: 'entity', name: 'trip', joinKeys: [{ name: 'city', valueType: 'String' }, { name: 'day', valueType: 'int32' }] });
    specs.push({ kind: 'entity', name: 'rider', valueType: 'string' });
    const r = buildRegistry(sourced(specs), { now: NOW });
    expect(r.issues).toEqual([]);
    expect(r.objects.entities.find((e) => e.name === 'trip')?.joinKeys).toEqual([
      { name: 'city', valueType: 'string' },
      { name: 'day', valueType: 'int32' },
    ]);
    expect(r.objects.entities.find((e) => e.name === 'rider')?.joinKeys).toEqual([{ name: 'rider', valueType: 'string' }]);
  });

  it('keys a view on every join key of its entities, in entity order', () => {
    const specs = edit('fv', () => ({ entities: ['trip', 'driver'] }));
    specs.push({ kind: 'entity', name: 'trip', joinKeys: [{ name: 'city', valueType: 'string' }, { name: 'day', valueType: 'int32' }] });
    const r = buildRegistry(sourced(specs), { now: NOW });
    expect(r.issues).toEqual([]);
    expect(r.objects.featureViews[0]?.entityColumns).toEqual([
      { name: 'city', dtype: 'string' },
      { name: 'day', dtype: 'int32' },
      { name: 'driver_id', dtype: 'int64' },
    ]);
  });

  const cases: [string, DefinitionSpec[], ValidationCode, string, string | undefined, Map<string, SourceSchemaResult>?][] = [
    ['a bad dtype', edit('fv', (s) => ({ schema: [{ name: 'conv_rate', dtype: 'Float33' }] })), 'invalid_dtype', 'fv', 'schema[0].dtype'],
    ['a bad list dtype', edit('req', () => ({ schema: [{ name: 'v', dtype: 'list<float16>' }] })), 'invalid_dtype', 'req', 'schema[0].dtype'],
    ['a join-key value type that is not a key type', edit('driver', () => ({ valueType: 'float32' })), 'invalid_dtype', 'driver', 'valueType'],
    ['a bad ttl string', edit('fv', () => ({ ttl: '2x' })), 'invalid_ttl', 'fv', 'ttl'],
    ['a negative ttl', edit('fv', () => ({ ttl: -5 })), 'invalid_ttl', 'fv', 'ttl'],
    ['an unknown entity', edit('fv', () => ({ entities: ['rider'] })), 'unknown_reference', 'fv', 'entities[0]'],
    ['an unknown source', edit('fv', () => ({ source: 'nope' })), 'unknown_reference', 'fv', 'source'],
    ['an unknown batch source', edit('stats_push', () => ({ batchSource: 'nope' })), 'unknown_reference', 'stats_push', 'batchSource'],
    ['an unknown on-demand input', edit('odfv', () => ({ sources: ['fv', 'nope'] })), 'unknown_reference', 'odfv', 'sources[1]'],
    ['an unknown service view', edit('svc', () => ({ features: ['nope'] })), 'unknown_reference', 'svc', 'features[0]'],
    [
      'an unknown projected feature',
      edit('svc', () => ({ features: [{ view: 'fv', features: ['conv_rate', 'nope'] }] })),
      'unknown_reference',
      'svc',
      'features[0].features[1]',
    ],
    [
      'a join-key map from a column that is no join key',
      edit('svc', () => ({ features: [{ view: 'fv', joinKeyMap: { rider_id: 'x' } }] })),
      'unknown_reference',
      'svc',
      'features[0].joinKeyMap.rider_id',
    ],
    ['a view reading a request source', edit('fv', () => ({ source: 'req' })), 'invalid_reference', 'fv', 'source'],
    ['a push source over a push source', edit('stats_push', () => ({ batchSource: 'stats_push' })), 'invalid_reference', 'stats_push', 'batchSource'],
    [
      'two views with one name',
      [...base(), { kind: 'on_demand_feature_view', name: 'fv', sources: ['req'], schema: [{ name: 'x', dtype: 'int64' }], transformation: { module: 't.ts', function: 'g' } }],
      'duplicate_name',
      'fv',
      'name',
    ],
    [
      'a field declared twice',
      edit('fv', () => ({ schema: [{ name: 'trips', dtype: 'int64' }, { name: 'trips', dtype: 'int64' }] })),
      'duplicate_name',
      'fv',
      'schema[1].name',
    ],
    [
      'a feature named like a join key with another type',
      edit('fv', (s) => ({ schema: [...s.schema, { name: 'driver_id', dtype: 'string' }] })),
      'feature_join_key_collision',
      'fv',
      'schema[2]',
    ],
    [
      'an on-demand output named like a join key',
      edit('odfv', () => ({ schema: [{ name: 'driver_id', dtype: 'int64' }] })),
      'feature_join_key_collision',
      'odfv',
      'schema[0].name',
    ],
    [
      'a service feature named like a mapped join key',
      edit('svc', () => ({ features: [{ view: 'fv', joinKeyMap: { driver_id: 'trips' } }] })),
      'feature_join_key_collision',
      'svc',
      'features[0].features[1]',
    ],
    ['an invalid object name', edit('svc', () => ({ name: 'bad-name' })), 'invalid_name', 'bad-name', 'name'],
    [
      'a join key whose type nobody gives',
      [...base(), { kind: 'entity', name: 'rider', joinKeys: ['rider_id'] }],
      'missing_value_type',
      'rider',
      'joinKeys[0]',
    ],
    ['a file source of unknown format', edit('stats', () => ({ path: 'data/stats.txt' })), 'invalid_definition', 'stats', 'format'],
    ['a feature with no column', base(), 'missing_source_column', 'fv', 'schema.trips', schemas(without('trips'))],
    ['a join key with no column', base(), 'missing_source_column', 'fv', 'schema.driver_id', schemas(without('driver_id'))],
    ['a missing timestamp column', base(), 'missing_source_column', 'stats', 'timestampField', schemas(without('ts'))],
    ['a missing created column', base(), 'missing_source_column', 'stats', 'createdTimestampColumn', schemas(without('created'))],
    [
      'a feature whose column has another type',
      base(),
      'source_type_mismatch',
      'fv',
      'schema.conv_rate',
      schemas({ ...COLUMNS, conv_rate: { kind: 'string' } }),
    ],
    [
      'an int32 feature read from an int64 column',
      edit('fv', () => ({ schema: [{ name: 'trips', dtype: 'int32' }] })),
      'source_type_mismatch',
      'fv',
      'schema.trips',
      schemas(),
    ],
    ['a timestamp column that is no timestamp', base(), 'source_type_mismatch', 'stats', 'timestampField', schemas({ ...COLUMNS, ts: { kind: 'string' } })],
    [
      'an unreadable source',
      base(),
      'unreadable_source',
      'stats',
      'path',
      new Map([['stats', { status: 'unreadable', message: 'bad magic' }]]),
    ],
  ];

  for (const [what, specs, code, object, field, sourceSchemas] of cases) {
    it(`reports ${code} for ${what}`, () => {
      const r = buildRegistry(sourced(specs), { now: NOW, ...(sourceSchemas && { sourceSchemas }) });
      const errors = r.issues.filter((i) => i.severity === 'error');
      expect(errors.map((i) => ({ code: i.code, object: i.object, field: i.field }))).toContainEqual({ code, object, field });
      const line = formatIssue(errors.find((i) => i.code === code)!);
      expect(line).toMatch(new RegExp(`^error\\[${code}\\]: defs\\.ts: ${object.replace(/[[\]]/g, '\\$&')}\\.`));
    });
  }

  it('only warns when a source file does not exist yet', () => {
    const r = buildRegistry(sourced(base()), { now: NOW, sourceSchemas: new Map([['stats', { status: 'not_found' }]]) });
    expect(r.issues.map((i) => [i.severity, i.code, i.object])).toEqual([['warning', 'source_not_found', 'stats']]);
  });

  it('checks views fed by a push source against its batch source, through field_mapping', () => {
    const specs = edit('fv', () => ({ source: 'stats_push' })).map((s) =>
      s.name === 'stats' ? ({ ...s, fieldMapping: { trip_count: 'trips' } } as DefinitionSpec) : s,
    );
    const ok = buildRegistry(sourced(specs), { now: NOW, sourceSchemas: schemas({ ...without('trips'), trip_count: { kind: 'int', bits: 64 } }) });
    expect(ok.issues).toEqual([]);
    const missing = buildRegistry(sourced(specs), { now: NOW, sourceSchemas: schemas() });
    expect(missing.issues.map((i) => [i.code, i.object, i.field])).toContainEqual(['missing_source_column', 'stats', 'fieldMapping.trip_count']);
  });
});
