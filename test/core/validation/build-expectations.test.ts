import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { featureView, entity, fileSource } from '../../../src/core/definitions/builders.ts';
import { collectDefinitions } from '../../../src/core/definitions/collect.ts';
import { field } from '../../../src/core/definitions/field-types.ts';
import { specsFromYaml } from '../../../src/core/definitions/yaml-specs.ts';
import { buildRegistry } from '../../../src/core/registry/build-registry.ts';
import { registryJsonSchema } from '../../../src/core/registry/json-schema.ts';
import { nextRegistry } from '../../../src/core/registry/plan.ts';
import { parseRegistry, serializeRegistry } from '../../../src/core/registry/serialize.ts';
import { formatIssue } from '../../../src/core/registry/validation-issue.ts';
import type { DefinitionSpec, SourcedSpec } from '../../../src/core/schema/definition-spec.ts';

const NOW = '2025-01-01T00:00:00.000Z';

function specs(schema: unknown[], view: Record<string, unknown> = {}): SourcedSpec[] {
  const list: DefinitionSpec[] = [
    { kind: 'entity', name: 'driver', joinKeys: ['driver_id'], valueType: 'int64' },
    { kind: 'file_source', name: 'stats', path: 'data/stats.parquet', timestampField: 'ts' },
    { kind: 'request_source', name: 'req', schema: [{ name: 'val', dtype: 'int64', expectations: { min: 0 } }] },
    { kind: 'feature_view', name: 'fv', entities: ['driver'], schema: schema as never, source: 'stats', ...view },
  ];
  return list.map((spec) => ({ file: 'defs.ts', spec }));
}
const withoutReq = (s: SourcedSpec[]) => s.filter((x) => x.spec.name !== 'req');

describe('expectations in definitions', () => {
  it('are normalized into the registry, with view-level min rows and policy', () => {
    const r = buildRegistry(
      withoutReq(
        specs(
          [
            { name: 'conv_rate', dtype: 'float32', expectations: { min: 0, max: 1, maxNullRate: 0.1 } },
            { name: 'city', dtype: 'string', expectations: { allowedValues: ['a', 'b'], required: true } },
            { name: 'trips', dtype: 'int64', expectations: { required: false } },
            { name: 'plain', dtype: 'float64' },
          ],
          { minRows: 100, onViolation: 'accept' },
        ),
      ),
      { now: NOW },
    );
    expect(r.issues).toEqual([]);
    const fv = r.objects.featureViews[0]!;
    expect(fv.features).toEqual([
      { name: 'conv_rate', dtype: 'float32', expectations: { min: 0, max: 1, maxNullRate: 0.1 } },
      { name: 'city', dtype: 'string', expectations: { allowedValues: ['a', 'b'], required: true } },
      { name: 'trips', dtype: 'int64' },
      { name: 'plain', dtype: 'float64' },
    ]);
    expect(fv.minRows).toBe(100);
    expect(fv.onViolation).toBe('accept');
  });

  it('leave the view unchanged when absent (and onViolation reject is the default, not stored)', () => {
    const r = buildRegistry(withoutReq(specs([{ name: 'x', dtype: 'float64' }], { onViolation: 'reject' })), { now: NOW });
    expect(r.issues).toEqual([]);
    const fv = r.objects.featureViews[0]!;
    expect('minRows' in fv || 'onViolation' in fv || 'expectations' in fv.features[0]!).toBe(false);
  });

  it('round-trip through the canonical registry and validate against the exported JSON Schema', () => {
    const r = buildRegistry(
      withoutReq(specs([{ name: 'x', dtype: 'int32', expectations: { min: -1, allowedValues: [1, 2], required: true, maxNullRate: 0 } }], { minRows: 5, onViolation: 'accept' })),
      { now: NOW },
    );
    expect(r.issues).toEqual([]);
    const text = serializeRegistry(nextRegistry(null, 'p', r.objects, NOW).next!);
    const parsed = parseRegistry(text);
    expect(parsed.ok && serializeRegistry(parsed.value)).toBe(text);
    const schema = registryJsonSchema();
    const validate = new Ajv2020({ strict: false, logger: false }).compile(schema);
    const doc = JSON.parse(text);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...doc, featureViews: [{ ...doc.featureViews[0], onViolation: 'drop' }] })).toBe(false);
    const bad = structuredClone(doc);
    bad.featureViews[0].features[0].expectations.maxNullRate = 2;
    expect(validate(bad)).toBe(false);
    const s = JSON.stringify(schema);
    for (const key of ['expectations', 'allowedValues', 'maxNullRate', 'required', 'minRows', 'onViolation']) expect(s).toContain(`"${key}"`);
  });

  const cases: [string, unknown[], Record<string, unknown>, string, string][] = [
    ['a range on a string field', [{ name: 's', dtype: 'string', expectations: { min: 0 } }], {}, 'schema[0].expectations.min', 'numeric fields'],
    ['a non-numeric max', [{ name: 'x', dtype: 'float64', expectations: { max: '1' } }], {}, 'schema[0].expectations.max', 'finite number'],
    ['min greater than max', [{ name: 'x', dtype: 'float64', expectations: { min: 2, max: 1 } }], {}, 'schema[0].expectations.min', 'greater than max'],
    ['string allowed values on an int field', [{ name: 'x', dtype: 'int64', expectations: { allowedValues: [1, 'two'] } }], {}, 'schema[0].expectations.allowedValues[1]', 'must be integers'],
    ['number allowed values on a string field', [{ name: 's', dtype: 'string', expectations: { allowedValues: ['a', 3] } }], {}, 'schema[0].expectations.allowedValues[1]', 'must be strings'],
    ['fractional allowed values on an int field', [{ name: 'x', dtype: 'int32', expectations: { allowedValues: [1.5] } }], {}, 'schema[0].expectations.allowedValues[0]', 'integers'],
    ['empty allowed values', [{ name: 's', dtype: 'string', expectations: { allowedValues: [] } }], {}, 'schema[0].expectations.allowedValues', 'non-empty'],
    ['allowed values on a list field', [{ name: 'l', dtype: 'list<int64>', expectations: { allowedValues: [1] } }], {}, 'schema[0].expectations.allowedValues', 'list<int64>'],
    ['a max null rate above 1', [{ name: 'x', dtype: 'float64', expectations: { maxNullRate: 1.5 } }], {}, 'schema[0].expectations.maxNullRate', '[0, 1]'],
    ['a negative max null rate', [{ name: 'x', dtype: 'float64', expectations: { maxNullRate: -0.1 } }], {}, 'schema[0].expectations.maxNullRate', '[0, 1]'],
    ['a non-boolean required', [{ name: 'x', dtype: 'float64', expectations: { required: 'yes' } }], {}, 'schema[0].expectations.required', 'true or false'],
    ['expectations on a join key', [{ name: 'driver_id', dtype: 'int64', expectations: { min: 0 } }], {}, 'schema[0].expectations', 'join key'],
    ['a zero min rows', [{ name: 'x', dtype: 'float64' }], { minRows: 0 }, 'minRows', 'positive integer'],
    ['an unknown policy', [{ name: 'x', dtype: 'float64' }], { onViolation: 'drop' }, 'onViolation', '"reject" or "accept"'],
  ];
  for (const [what, schema, view, field, words] of cases) {
    it(`refuses ${what} with invalid_expectation at ${field}`, () => {
      const r = buildRegistry(withoutReq(specs(schema, view)), { now: NOW });
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]).toMatchObject({ code: 'invalid_expectation', severity: 'error', object: 'fv', field });
      expect(r.issues[0]!.message).toContain(words);
    });
  }

  it('refuses expectations outside feature views (request source fields)', () => {
    const r = buildRegistry(specs([{ name: 'x', dtype: 'float64' }]), { now: NOW });
    expect(r.issues.map((i) => [i.code, i.object, i.field])).toEqual([['invalid_expectation', 'req', 'schema[0].expectations']]);
  });
});

describe('expectations in both authoring forms', () => {
  const yaml = {
    entities: [{ name: 'driver', join_keys: [{ name: 'driver_id', value_type: 'int64' }] }],
    sources: [{ name: 'stats', type: 'file', path: 'data/stats.parquet', timestamp_field: 'ts' }],
    feature_views: [
      {
        name: 'fv',
        entities: ['driver'],
        source: 'stats',
        min_rows: 10,
        on_violation: 'accept',
        schema: [
          { name: 'conv_rate', dtype: 'float32', expectations: { min: 0, max: 1, max_null_rate: 0.05 } },
          { name: 'city', dtype: 'string', expectations: { allowed_values: ['a', 'b'], required: true } },
        ],
      },
    ],
  };

  function tsSpecs(): SourcedSpec[] {
    const driver = entity({ name: 'driver', joinKeys: [{ name: 'driver_id', valueType: 'int64' }] });
    const stats = fileSource({ name: 'stats', path: 'data/stats.parquet', timestampField: 'ts' });
    const fv = featureView({
      name: 'fv',
      entities: [driver],
      source: stats,
      minRows: 10,
      onViolation: 'accept',
      schema: [
        field('conv_rate', 'float32', { expectations: { min: 0, max: 1, maxNullRate: 0.05 } }),
        { name: 'city', dtype: 'string', expectations: { allowedValues: ['a', 'b'], required: true } },
      ],
    });
    const r = collectDefinitions([{ file: 'defs.ts', exports: { driver, stats, fv } }]);
    expect(r.issues).toEqual([]);
    return r.specs;
  }

  const registryText = (s: SourcedSpec[]) => {
    const r = buildRegistry(s, { now: NOW });
    expect(r.issues).toEqual([]);
    return serializeRegistry(nextRegistry(null, 'p', r.objects, NOW).next!);
  };

  it('give byte-identical registries', () => {
    const y = specsFromYaml('defs.yaml', yaml);
    expect(y.issues).toEqual([]);
    const text = registryText(y.specs);
    expect(text).toBe(registryText(tsSpecs()));
    expect(text).toContain('"maxNullRate": 0.05');
  });

  it('report YAML problems in YAML spelling, and unknown expectation keys as invalid definitions', () => {
    const bad = structuredClone(yaml);
    (bad.feature_views[0]!.schema[1]!.expectations as Record<string, unknown>).allowed_values = ['a', 1];
    const y = specsFromYaml('defs.yaml', bad);
    const r = buildRegistry(y.specs, { now: NOW });
    expect(r.issues.map(formatIssue)).toEqual([
      'error[invalid_expectation]: defs.yaml: fv.schema[1].expectations.allowed_values[1]: allowed values of city (string) must be strings, got 1',
    ]);
    const typo = structuredClone(yaml);
    (typo.feature_views[0]!.schema[0]!.expectations as Record<string, unknown>).maxNullRate = 0.1;
    const t = specsFromYaml('defs.yaml', typo);
    expect(t.issues[0]).toMatchObject({ code: 'invalid_definition', object: 'fv', field: 'schema[0].expectations' });
  });
});
