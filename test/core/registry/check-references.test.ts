import { describe, expect, it } from 'vitest';
import { checkReferences } from '../../../src/core/registry/check-references.ts';
import type { RegistryObjects } from '../../../src/core/schema/registry-document.ts';
import { fixtureObjects as objects } from '../../serving/fixture-registry.ts';

const messages = (o: RegistryObjects) => checkReferences(o).map((i) => `${i.code} ${i.kind} ${i.object}: ${i.message}`);

describe('checkReferences', () => {
  it('a built registry refers to nothing missing', () => {
    expect(messages(objects)).toEqual([]);
  });

  it('names duplicates within a namespace (a feature view and an on-demand view share one)', () => {
    const twice: RegistryObjects = { ...objects, entities: [...objects.entities, objects.entities[0]], onDemandFeatureViews: [...objects.onDemandFeatureViews, { ...objects.onDemandFeatureViews[0], name: objects.featureViews[0].name }] };
    expect(messages(twice)).toEqual([
      `duplicate_name undefined ${objects.entities[0].name}: ${objects.entities[0].name} is defined twice among the entities`,
      `duplicate_name undefined ${objects.featureViews[0].name}: ${objects.featureViews[0].name} is defined twice among the views`,
    ]);
  });

  it('names every dangling reference: entity, source, batch source, views and features of on-demand views and services', () => {
    const v = objects.featureViews[0];
    const broken: RegistryObjects = {
      ...objects,
      entities: objects.entities.filter((e) => !v.entities.includes(e.name)),
      featureViews: [{ ...v, source: 'gone_source' }, ...objects.featureViews.slice(1)],
      onDemandFeatureViews: objects.onDemandFeatureViews.map((d) => ({ ...d, sources: d.sources.map((s) => (s.type === 'feature_view' ? { ...s, features: [...s.features, 'no_such_feature'] } : s)) })),
      featureServices: [{ ...objects.featureServices[0], projections: [{ view: 'no_view', alias: null, features: ['x'], joinKeyMap: {} }] }],
      sources: objects.sources.map((s) => (s.type === 'push' ? { ...s, batchSource: 'no_batch' } : s)),
    };
    const m = messages(broken);
    expect(m).toContain(`unknown_reference feature_view ${v.name}: feature view ${v.name} names entity ${v.entities[0]}, which is not defined`);
    expect(m).toContain(`unknown_reference feature_view ${v.name}: feature view ${v.name} reads source gone_source, which is not defined`);
    expect(m.some((x) => /^unknown_reference source .*names batch source no_batch/.test(x))).toBe(true);
    expect(m.some((x) => /^unknown_reference on_demand_feature_view .*:no_such_feature, which is not a feature of that view/.test(x))).toBe(true);
    expect(m).toContain(`unknown_reference feature_service ${objects.featureServices[0].name}: feature service ${objects.featureServices[0].name} projects view no_view, which is not defined`);
  });
});
