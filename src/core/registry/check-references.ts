import type { RegistryObjects } from '../schema/registry-document.ts';
import type { ValidationIssue } from './validation-issue.ts';

/**
 * Names are unique in their namespace (entities, sources, views of both kinds, services), and
 * names every object refers to must exist, with the features named: what a registry built by
 * `buildRegistry` always satisfies, checked again where a registry arrives already built (the
 * Worker's POST /apply), so a hand-made or stale document cannot break serving later.
 */
export function checkReferences(o: RegistryObjects): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const names = <T extends { name: string }>(xs: readonly T[]) => new Map(xs.map((x) => [x.name, x]));
  const entities = names(o.entities);
  const sources = names(o.sources);
  const views = names(o.featureViews);
  const onDemand = names(o.onDemandFeatureViews);
  const issue = (kind: ValidationIssue['kind'], object: string, message: string, code: ValidationIssue['code'] = 'unknown_reference') =>
    issues.push({ code, severity: 'error', file: '', kind, object, message });

  const namespaces: [string, readonly { name: string }[]][] = [
    ['entities', o.entities],
    ['sources', o.sources],
    ['views', [...o.featureViews, ...o.onDemandFeatureViews]],
    ['feature services', o.featureServices],
  ];
  for (const [label, objects] of namespaces) {
    const seen = new Set<string>();
    for (const { name } of objects) {
      if (seen.has(name)) issue(undefined, name, `${name} is defined twice among the ${label}`, 'duplicate_name');
      seen.add(name);
    }
  }

  for (const s of o.sources) if (s.type === 'push' && !sources.has(s.batchSource)) issue('source', s.name, `push source ${s.name} names batch source ${s.batchSource}, which is not defined`);
  for (const v of o.featureViews) {
    for (const e of v.entities) if (!entities.has(e)) issue('feature_view', v.name, `feature view ${v.name} names entity ${e}, which is not defined`);
    if (!sources.has(v.source)) issue('feature_view', v.name, `feature view ${v.name} reads source ${v.source}, which is not defined`);
  }
  for (const d of o.onDemandFeatureViews)
    for (const input of d.sources) {
      if (input.type !== 'feature_view') continue;
      const view = views.get(input.name);
      if (view === undefined) issue('on_demand_feature_view', d.name, `on-demand view ${d.name} reads feature view ${input.name}, which is not defined`);
      else for (const f of input.features) if (!view.features.some((x) => x.name === f)) issue('on_demand_feature_view', d.name, `on-demand view ${d.name} reads ${input.name}:${f}, which is not a feature of that view`);
    }
  for (const s of o.featureServices)
    for (const p of s.projections) {
      const fields = views.get(p.view)?.features ?? onDemand.get(p.view)?.features;
      if (fields === undefined) issue('feature_service', s.name, `feature service ${s.name} projects view ${p.view}, which is not defined`);
      else for (const f of p.features) if (!fields.some((x) => x.name === f)) issue('feature_service', s.name, `feature service ${s.name} projects ${p.view}:${f}, which is not a feature of that view`);
    }
  return issues;
}
