import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { OnDemandFeatureView } from '../../src/core/schema/on-demand-feature-view.ts';
import { issue, type ValidationIssue } from '../../src/core/registry/validation-issue.ts';
import { firstLine } from './load-definitions.ts';
import { importRepoModule } from './native-import.ts';

/** Check that each on-demand view's transformation module exists and exports its function. */
export async function checkTransformations(
  repoDir: string,
  views: readonly OnDemandFeatureView[],
  fileOf: (name: string) => string,
): Promise<ValidationIssue[]> {
  const issues: ValidationIssue[] = [];
  for (const v of views) {
    const { module, function: fn } = v.transformation;
    if (module === '' || fn === '') continue; // already reported
    const at = { file: fileOf(v.name), kind: 'on_demand_feature_view' as const, object: v.name, field: 'transformation' };
    const path = join(repoDir, module);
    if (!(await access(path).then(() => true, () => false))) {
      issues.push(issue('unknown_transformation', at, `module ${module} does not exist`));
      continue;
    }
    try {
      const exports = await importRepoModule(path);
      if (typeof exports[fn] !== 'function') {
        issues.push(issue('unknown_transformation', at, `module ${module} does not export a function named ${fn}`));
      }
    } catch (e) {
      issues.push(issue('unknown_transformation', at, `cannot load module ${module}: ${firstLine(e)}`));
    }
  }
  return issues;
}
