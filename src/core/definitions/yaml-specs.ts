import type { SourcedSpec } from '../schema/definition-spec.ts';
import { YAML_LISTS, type YamlList } from '../schema/yaml-definitions.ts';
import type { ObjectKind } from '../schema/registry-document.ts';
import { issue, pathToField, type ValidationIssue } from '../registry/validation-issue.ts';

const KIND_OF_YAML_LIST: Readonly<Record<YamlList, ObjectKind>> = {
  entities: 'entity',
  sources: 'source',
  feature_views: 'feature_view',
  on_demand_feature_views: 'on_demand_feature_view',
  feature_services: 'feature_service',
};

/**
 * Specs from one parsed YAML definitions file (`entities`, `sources`, `feature_views`,
 * `on_demand_feature_views`, `feature_services`). Each item is checked on its own, so one bad
 * item does not hide problems in the others.
 */
export function specsFromYaml(file: string, doc: unknown): { specs: SourcedSpec[]; issues: ValidationIssue[] } {
  const specs: SourcedSpec[] = [];
  const issues: ValidationIssue[] = [];
  if (doc === null || doc === undefined) return { specs, issues };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    issues.push(issue('invalid_definition', { file }, `expected a mapping with ${Object.keys(YAML_LISTS).join(', ')}`));
    return { specs, issues };
  }
  for (const [key, items] of Object.entries(doc)) {
    if (!(key in YAML_LISTS)) {
      issues.push(issue('invalid_definition', { file, field: key }, `unknown key ${key} (expected ${Object.keys(YAML_LISTS).join(', ')})`));
      continue;
    }
    const list = key as YamlList;
    if (items === null) continue;
    if (!Array.isArray(items)) {
      issues.push(issue('invalid_definition', { file, field: key }, `${key} must be a list`));
      continue;
    }
    items.forEach((item: unknown, i) => {
      const r = YAML_LISTS[list].safeParse(item);
      if (r.success) {
        specs.push({ file, spec: r.data });
        return;
      }
      const name = (item as { name?: unknown } | null)?.name;
      const object = typeof name === 'string' ? name : `${key}[${i}]`;
      for (const zi of r.error.issues) {
        issues.push(issue('invalid_definition', { file, kind: KIND_OF_YAML_LIST[list], object, field: pathToField(zi.path) }, zi.message));
      }
    });
  }
  return { specs, issues };
}
