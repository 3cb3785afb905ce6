import type { OnDemandFeatureViewSpec } from '../schema/definition-spec.ts';
import type { FeatureView } from '../schema/feature-view.ts';
import type { OnDemandFeatureView, OnDemandInput } from '../schema/on-demand-feature-view.ts';
import { type BuildContext, buildFields, type Declared, metaOf, reporter } from './build-context.ts';

const FUNCTION_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const MODULE_EXT = /\.(ts|mts|js|mjs)$/;

/** A module path relative to the repo (`./transforms.ts` -> `transforms.ts`), or null if it escapes it. */
export function normalizeModulePath(path: string): string | null {
  const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (p === '' || p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.split('/').includes('..')) return null;
  return p;
}

export function buildOnDemandFeatureView(
  ctx: BuildContext,
  d: Declared<OnDemandFeatureViewSpec>,
  featureViews: ReadonlyMap<string, FeatureView>,
): OnDemandFeatureView {
  const report = reporter(ctx, d);
  const spec = d.spec;
  const sources: OnDemandInput[] = [];
  const joinKeys = new Set<string>();
  if (spec.sources.length === 0) report('invalid_definition', 'sources', 'an on-demand feature view needs at least one source');

  const useView = (name: string, features: readonly string[] | undefined, at: string): void => {
    const declared = ctx.views.get(name);
    const view = featureViews.get(name);
    if (declared === undefined && !ctx.sources.has(name)) {
      report('unknown_reference', at, `${name} is neither a feature view nor a request source`);
      return;
    }
    if (declared?.spec.kind === 'on_demand_feature_view') {
      report('invalid_reference', at, `${name} is an on-demand feature view; inputs are feature views and request sources`);
      return;
    }
    if (view === undefined) return; // reported where the view is declared
    for (const k of view.entityColumns) joinKeys.add(k.name);
    const all = view.features.map((f) => f.name);
    if (features === undefined) {
      sources.push({ type: 'feature_view', name, features: all });
      return;
    }
    features.forEach((f, j) => {
      if (!all.includes(f)) report('unknown_reference', `${at}.features[${j}]`, `feature view ${name} has no feature ${f}`);
    });
    sources.push({ type: 'feature_view', name, features: features.filter((f) => all.includes(f)) });
  };
  const useRequest = (name: string, at: string): void => {
    const source = ctx.sources.get(name);
    if (source === undefined) report('unknown_reference', at, `request source ${name} is not defined`);
    else if (source.spec.kind !== 'request_source') report('invalid_reference', at, `source ${name} is not a request source`);
    else sources.push({ type: 'request_source', name });
  };

  spec.sources.forEach((s, i) => {
    const at = `sources[${i}]`;
    if (typeof s === 'string') {
      if (ctx.views.has(s) || !ctx.sources.has(s)) useView(s, undefined, at);
      else useRequest(s, at);
    } else if ('view' in s) {
      useView(s.view, s.features, at);
    } else {
      useRequest(s.requestSource, `${at}.requestSource`);
    }
  });

  const features = buildFields(spec.schema, report, 'schema');
  if (spec.schema.length === 0) report('invalid_definition', 'schema', 'an on-demand feature view must declare its output schema');
  features.forEach((f) => {
    if (joinKeys.has(f.name)) {
      const i = spec.schema.findIndex((s) => s.name === f.name);
      report('feature_join_key_collision', `schema[${i}].name`, `output feature ${f.name} has the name of a join key of an input view`);
    }
  });

  // An empty reference was already reported by the loader (a function it could not locate).
  const unresolved = spec.transformation.module === '' && spec.transformation.function === '';
  const module = normalizeModulePath(spec.transformation.module);
  if (unresolved) {
    // nothing more to say
  } else if (module === null || !MODULE_EXT.test(module)) {
    report(
      'invalid_definition',
      'transformation.module',
      `transformation module ${JSON.stringify(spec.transformation.module)} must be a .ts or .js file inside the repo`,
    );
  }
  if (!unresolved && !FUNCTION_NAME.test(spec.transformation.function)) {
    report('invalid_definition', 'transformation.function', `${JSON.stringify(spec.transformation.function)} is not an export name`);
  }

  return {
    name: spec.name,
    sources,
    features,
    transformation: { module: module ?? spec.transformation.module, function: spec.transformation.function },
    writeToOnlineStore: spec.writeToOnlineStore ?? false,
    ...metaOf(spec, ctx.now),
  };
}
