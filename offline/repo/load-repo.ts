import { resolve } from 'node:path';
import { buildRegistry, type BuildResult } from '../../src/core/registry/build-registry.ts';
import { fileFormatOf } from '../../src/core/registry/build-sources.ts';
import type { SourceSchemaResult } from '../../src/core/registry/source-schema.ts';
import { hasErrors, type ValidationIssue } from '../../src/core/registry/validation-issue.ts';
import type { ProjectConfig } from '../../src/core/schema/project-config.ts';
import { checkTransformations } from './check-transformations.ts';
import { discoverDefinitionFiles } from './discover-files.ts';
import { loadConfig } from './load-config.ts';
import { loadModuleDefinitions, loadYamlDefinitions } from './load-definitions.ts';
import { readSourceSchema } from './source-schema/read-source-schema.ts';

export interface LoadRepoOptions {
  /** RFC 3339 time stamped on new objects (default: now). */
  readonly now?: string;
  /** Read source files to check columns and types (default true). */
  readonly checkSources?: boolean;
}

export type LoadedRepo =
  | { readonly ok: true; readonly dir: string; readonly config: ProjectConfig; readonly build: BuildResult; readonly issues: readonly ValidationIssue[] }
  | { readonly ok: false; readonly dir: string; readonly config?: ProjectConfig; readonly issues: readonly ValidationIssue[] };

/**
 * Load a feature repo: larder.yaml, the YAML and TypeScript definitions beside it, the schemas
 * of its file sources, and its transformation modules. `ok` is false when any error was found;
 * warnings never block.
 */
export async function loadRepo(dir: string, options: LoadRepoOptions = {}): Promise<LoadedRepo> {
  const repoDir = resolve(dir);
  const loaded = await loadConfig(repoDir);
  if ('issues' in loaded) return { ok: false, dir: repoDir, issues: loaded.issues };
  const { config } = loaded;

  const files = await discoverDefinitionFiles(repoDir);
  const yaml = await loadYamlDefinitions(repoDir, files.yaml);
  const modules = await loadModuleDefinitions(repoDir, files.modules);
  // In file-name order, so "defined first" (duplicates) does not depend on the file type.
  const specs = [...yaml.specs, ...modules.specs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const issues: ValidationIssue[] = [...yaml.issues, ...modules.issues];

  let sourceSchemas: Map<string, SourceSchemaResult> | undefined;
  if (options.checkSources ?? true) {
    sourceSchemas = new Map();
    for (const { spec } of specs) {
      if (spec.kind !== 'file_source') continue;
      const format = fileFormatOf(spec);
      if (format === null) continue;
      sourceSchemas.set(spec.name, await readSourceSchema(repoDir, spec.path, format));
    }
  }

  const build = buildRegistry(specs, { now: options.now ?? new Date().toISOString(), ...(sourceSchemas && { sourceSchemas }) });
  issues.push(...build.issues);
  const fileOf = (name: string) => build.origins.get(`on_demand_feature_view:${name}`) ?? '';
  issues.push(...(await checkTransformations(repoDir, build.objects.onDemandFeatureViews, fileOf)));

  if (hasErrors(issues)) return { ok: false, dir: repoDir, config, issues };
  return { ok: true, dir: repoDir, config, build, issues };
}
