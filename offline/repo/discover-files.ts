import { readdir } from 'node:fs/promises';
import { CONFIG_FILE } from './load-config.ts';

const MODULE = /\.(ts|mts|js|mjs)$/;
const YAML = /\.ya?ml$/;
const SKIP = /(\.d\.ts|\.test\.[cm]?[jt]s|\.spec\.[cm]?[jt]s|\.config\.[cm]?[jt]s)$/;

/**
 * Definition files of a repo: the `*.ts` (and `*.js`) modules and the `*.yaml` files beside
 * larder.yaml (not in subfolders), minus type declarations, tests and tool configs.
 */
export async function discoverDefinitionFiles(repoDir: string): Promise<{ modules: string[]; yaml: string[] }> {
  const entries = await readdir(repoDir, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
  return {
    modules: files.filter((f) => MODULE.test(f) && !SKIP.test(f)),
    yaml: files.filter((f) => YAML.test(f) && f !== CONFIG_FILE && f !== 'larder.yml'),
  };
}
