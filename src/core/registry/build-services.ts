import type { FeatureServiceSpec } from '../schema/definition-spec.ts';
import type { FeatureProjection, FeatureService } from '../schema/feature-service.ts';
import type { FeatureView } from '../schema/feature-view.ts';
import { isName } from '../schema/name.ts';
import type { OnDemandFeatureView } from '../schema/on-demand-feature-view.ts';
import { type BuildContext, type Declared, metaOf, reporter, sortedRecord } from './build-context.ts';

/** Join keys of a view: its entity columns, or, for an on-demand view, those of its input views. */
function joinKeysOf(
  view: FeatureView | OnDemandFeatureView,
  featureViews: ReadonlyMap<string, FeatureView>,
): string[] {
  if ('entityColumns' in view) return view.entityColumns.map((c) => c.name);
  const keys = new Set<string>();
  for (const s of view.sources) {
    if (s.type === 'feature_view') for (const c of featureViews.get(s.name)?.entityColumns ?? []) keys.add(c.name);
  }
  return [...keys];
}

export function buildFeatureService(
  ctx: BuildContext,
  d: Declared<FeatureServiceSpec>,
  featureViews: ReadonlyMap<string, FeatureView>,
  onDemand: ReadonlyMap<string, OnDemandFeatureView>,
): FeatureService {
  const report = reporter(ctx, d);
  const spec = d.spec;
  const projections: FeatureProjection[] = [];
  const ats: { at: string; named: boolean }[] = [];
  if (spec.features.length === 0) report('invalid_definition', 'features', 'a feature service needs at least one view');

  spec.features.forEach((p, i) => {
    const at = `features[${i}]`;
    const viewName = typeof p === 'string' ? p : p.view;
    const view = featureViews.get(viewName) ?? onDemand.get(viewName);
    if (view === undefined) {
      if (!ctx.views.has(viewName)) report('unknown_reference', typeof p === 'string' ? at : `${at}.view`, `view ${viewName} is not defined`);
      return;
    }
    const all = view.features.map((f) => f.name);
    if (typeof p === 'string') {
      projections.push({ view: viewName, alias: null, features: all, joinKeyMap: {} });
      ats.push({ at, named: true });
      return;
    }
    let features = all;
    if (p.features !== undefined) {
      if (p.features.length === 0) report('invalid_definition', `${at}.features`, 'a projection needs at least one feature');
      p.features.forEach((f, j) => {
        if (!all.includes(f)) report('unknown_reference', `${at}.features[${j}]`, `view ${viewName} has no feature ${f}`);
      });
      features = p.features.filter((f) => all.includes(f));
    }
    const alias = p.alias ?? null;
    if (alias !== null && !isName(alias)) report('invalid_name', `${at}.alias`, `alias ${JSON.stringify(alias)} must be an identifier`);
    const keys = joinKeysOf(view, featureViews);
    for (const [from, to] of Object.entries(p.joinKeyMap ?? {})) {
      if (!keys.includes(from)) report('unknown_reference', `${at}.joinKeyMap.${from}`, `${from} is not a join key of view ${viewName}`);
      if (!isName(to)) report('invalid_name', `${at}.joinKeyMap.${from}`, `column ${JSON.stringify(to)} must be an identifier`);
    }
    projections.push({ view: viewName, alias, features, joinKeyMap: sortedRecord(p.joinKeyMap) });
    ats.push({ at, named: false });
  });

  // Output names must be unique, and no feature may take the name of an entity-table column.
  const outputs = new Map<string, string>();
  const keyColumns = new Set<string>();
  projections.forEach((p) => {
    const view = featureViews.get(p.view) ?? onDemand.get(p.view);
    for (const k of view === undefined ? [] : joinKeysOf(view, featureViews)) keyColumns.add(p.joinKeyMap[k] ?? k);
  });
  projections.forEach((p, i) => {
    const { at, named } = ats[i] as { at: string; named: boolean };
    const out = p.alias ?? p.view;
    const first = outputs.get(out);
    if (first !== undefined) report('duplicate_name', at, `view ${out} is included twice (also at ${first}); give one an alias`);
    else outputs.set(out, at);
    p.features.forEach((f, j) => {
      if (keyColumns.has(f)) {
        const field = named ? at : `${at}.features[${j}]`;
        report('feature_join_key_collision', field, `feature ${f} of ${p.view} has the name of a join-key column of this service`);
      }
    });
  });

  return { name: spec.name, projections, precompute: spec.precompute ?? false, ...metaOf(spec, ctx.now) };
}
