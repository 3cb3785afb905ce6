import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ProjectConfig } from '../../src/core/schema/project-config.ts';
import { issue, pathToField, type ValidationIssue } from '../../src/core/registry/validation-issue.ts';

export const CONFIG_FILE = 'larder.yaml';

/** Read and check `larder.yaml` in a repo. */
export async function loadConfig(repoDir: string): Promise<{ config: ProjectConfig } | { issues: ValidationIssue[] }> {
  let text: string;
  try {
    text = await readFile(join(repoDir, CONFIG_FILE), 'utf8');
  } catch {
    return { issues: [issue('invalid_config', { file: CONFIG_FILE }, `no ${CONFIG_FILE} in ${repoDir}: is this a feature repo? (larder init DIR makes one)`)] };
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    return { issues: [issue('invalid_config', { file: CONFIG_FILE }, `not valid YAML: ${(e as Error).message.split('\n')[0]}`)] };
  }
  const r = ProjectConfig.safeParse(raw ?? {});
  if (r.success) return { config: r.data };
  return {
    issues: r.error.issues.map((zi) => {
      const field = pathToField(zi.path);
      return issue('invalid_config', { file: CONFIG_FILE, ...(field !== '' && { field }) }, zi.message);
    }),
  };
}
