import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { collectDefinitions, type LoadedModule } from '../../src/core/definitions/collect.ts';
import { specsFromYaml } from '../../src/core/definitions/yaml-specs.ts';
import type { SourcedSpec } from '../../src/core/schema/definition-spec.ts';
import { issue, type ValidationIssue } from '../../src/core/registry/validation-issue.ts';
import { YAML_LISTS } from '../../src/core/schema/yaml-definitions.ts';
import { importRepoModule } from './native-import.ts';

/** The first line of an error, without a stack: user errors print one line. */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}

export async function loadYamlDefinitions(repoDir: string, files: readonly string[]): Promise<{ specs: SourcedSpec[]; issues: ValidationIssue[] }> {
  const specs: SourcedSpec[] = [];
  const issues: ValidationIssue[] = [];
  for (const file of files) {
    const text = await readFile(join(repoDir, file), 'utf8');
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = lines.linePos(e.pos[0]);
        issues.push(issue('invalid_definition', { file: `${file}:${pos.line}` }, `not valid YAML: ${firstLine(e)}`));
      }
      continue;
    }
    const value = doc.toJS() as unknown;
    const keys = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
    if (value !== null && value !== undefined && !keys.some((k) => k in YAML_LISTS)) {
      issues.push(issue('invalid_definition', { file }, `ignored: no ${Object.keys(YAML_LISTS).join(', ')} in this file`, 'warning'));
      continue;
    }
    const r = specsFromYaml(file, value);
    specs.push(...r.specs);
    issues.push(...r.issues);
  }
  return { specs, issues };
}

export async function loadModuleDefinitions(
  repoDir: string,
  files: readonly string[],
): Promise<{ specs: SourcedSpec[]; issues: ValidationIssue[] }> {
  const modules: LoadedModule[] = [];
  const issues: ValidationIssue[] = [];
  for (const file of files) {
    try {
      modules.push({ file, exports: await importRepoModule(join(repoDir, file)) });
    } catch (e) {
      issues.push(issue('invalid_definition', { file }, `cannot load module: ${firstLine(e)}`));
    }
  }
  const r = collectDefinitions(modules);
  return { specs: r.specs, issues: [...issues, ...r.issues] };
}
