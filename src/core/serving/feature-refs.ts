import { err, ok, type Result } from '../errors.ts';
import type { Field } from '../schema/field.ts';
import type { FeatureView } from '../schema/feature-view.ts';
import type { OnDemandFeatureView } from '../schema/on-demand-feature-view.ts';
import type { RegistryIndex } from '../registry/registry-index.ts';

/**
 * Resolving what a caller asked for (`view:feature` references or a feature
 * service) against the registry. Online serving and historical retrieval
 * share it, so both paths name, project and alias features the same way.
 */
export interface ResolvedFeature {
  /** The feature's name in the view. */
  readonly name: string;
  readonly dtype: Field['dtype'];
  /** Column name in the output: `feature`, or `view__feature` (alias for view) with full names. */
  readonly outputName: string;
}

export interface ResolvedView {
  readonly kind: 'feature_view';
  readonly view: FeatureView;
  /** The name used in output columns (projection alias or view name). */
  readonly displayName: string;
  readonly features: readonly ResolvedFeature[];
  /** view join key -> entity column (a service projection's join_key_map; identity otherwise). */
  readonly joinKeyMap: Readonly<Record<string, string>>;
}

export interface ResolvedOnDemandView {
  readonly kind: 'on_demand_feature_view';
  readonly view: OnDemandFeatureView;
  readonly displayName: string;
  readonly features: readonly ResolvedFeature[];
}

export interface ResolvedRequest {
  /** In request order, the first appearance of each view. */
  readonly views: readonly ResolvedView[];
  readonly onDemandViews: readonly ResolvedOnDemandView[];
  /** Output feature names in request order (join keys not included). */
  readonly outputNames: readonly string[];
}

interface Wanted {
  viewName: string;
  alias: string | null;
  features: string[];
  joinKeyMap: Record<string, string>;
}

/** Parse `view:feature` references, grouping by view in first-appearance order. */
function parseRefs(refs: readonly string[]): Result<Wanted[]> {
  const byView = new Map<string, Wanted>();
  for (const ref of refs) {
    const i = ref.indexOf(':');
    if (i <= 0 || i === ref.length - 1 || ref.indexOf(':', i + 1) !== -1)
      return err('invalid_feature_reference', `feature reference "${ref}" is not of the form view:feature`, { reference: ref });
    const viewName = ref.slice(0, i);
    let w = byView.get(viewName);
    if (!w) byView.set(viewName, (w = { viewName, alias: null, features: [], joinKeyMap: {} }));
    if (!w.features.includes(ref.slice(i + 1))) w.features.push(ref.slice(i + 1));
  }
  return ok([...byView.values()]);
}

export type FeatureSelection = { readonly features: readonly string[] } | { readonly featureService: string };

export function resolveFeatures(
  registry: RegistryIndex,
  selection: FeatureSelection,
  fullFeatureNames: boolean,
): Result<ResolvedRequest> {
  let wanted: Wanted[];
  if ('featureService' in selection) {
    const svc = registry.featureServices.get(selection.featureService);
    if (!svc)
      return err('unknown_feature_service', `unknown feature service "${selection.featureService}"`, {
        featureService: selection.featureService,
      });
    wanted = svc.projections.map((p) => ({ viewName: p.view, alias: p.alias, features: [...p.features], joinKeyMap: p.joinKeyMap }));
  } else {
    if (selection.features.length === 0) return err('invalid_request', 'no features requested');
    const parsed = parseRefs(selection.features);
    if (!parsed.ok) return parsed;
    wanted = parsed.value;
  }

  const views: ResolvedView[] = [];
  const onDemandViews: ResolvedOnDemandView[] = [];
  const outputNames: string[] = [];
  const seen = new Map<string, string>();
  for (const w of wanted) {
    const fv = registry.featureViews.get(w.viewName);
    const odfv = fv ? undefined : registry.onDemandFeatureViews.get(w.viewName);
    if (!fv && !odfv) return err('unknown_feature_view', `unknown feature view "${w.viewName}"`, { featureView: w.viewName });
    const fields: readonly Field[] = (fv ?? odfv)!.features;
    const displayName = w.alias ?? w.viewName;
    const features: ResolvedFeature[] = [];
    for (const name of w.features) {
      const field = fields.find((f) => f.name === name);
      if (!field)
        return err('unknown_feature', `feature view "${w.viewName}" has no feature "${name}"`, { featureView: w.viewName, feature: name });
      const outputName = fullFeatureNames ? `${displayName}__${name}` : name;
      const prior = seen.get(outputName);
      if (prior !== undefined)
        return err(
          'feature_name_collision',
          `feature "${outputName}" is requested from both "${prior}" and "${displayName}"; use full feature names`,
          { feature: outputName, views: [prior, displayName] },
        );
      seen.set(outputName, displayName);
      features.push({ name, dtype: field.dtype, outputName });
      outputNames.push(outputName);
    }
    if (fv) {
      const joinKeyMap = Object.fromEntries(fv.entityColumns.map((c) => [c.name, w.joinKeyMap[c.name] ?? c.name]));
      views.push({ kind: 'feature_view', view: fv, displayName, features, joinKeyMap });
    } else {
      onDemandViews.push({ kind: 'on_demand_feature_view', view: odfv!, displayName, features });
    }
  }
  return ok({ views, onDemandViews, outputNames });
}
