import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { constants, Script } from 'node:vm';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** This package's public entry (the builders), for repos that import `larder`. */
const PACKAGE_ENTRY = pathToFileURL(fileURLToPath(new URL('../../src/index.ts', import.meta.url))).href;

let hooked = false;

/**
 * Let a repo's modules import `larder` even when the repo does not depend on it (a folder made
 * by `larder init` anywhere): the specifier falls back to the package running this CLI.
 */
function hookLarderSpecifier(): void {
  if (hooked) return;
  hooked = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (e) {
        if (specifier === 'larder' && (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
          return { url: PACKAGE_ENTRY, shortCircuit: true };
        }
        throw e;
      }
    },
  });
}

// Repo modules must load exactly as `node` loads them (type stripping, the hook above). Under
// vitest a plain import() is rewritten to vitest's own module runner, which cannot resolve
// `larder` from a repo outside this package; there, Node's loader is reached through vm
// (USE_MAIN_CONTEXT_DEFAULT_LOADER, experimental: it warns, so it is not used otherwise).
const nodeImport: (url: string) => Promise<Record<string, unknown>> = process.env.VITEST
  ? (new Script('(url) => import(url)', { importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }).runInThisContext() as (
      url: string,
    ) => Promise<Record<string, unknown>>)
  : (url) => import(url);

/** A short hash of a file's bytes, or null when it cannot be read. */
export function moduleVersion(absPath: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(absPath)).digest('hex').slice(0, 16);
  } catch {
    return null;
  }
}

/**
 * Import a module of the repo by absolute path. With a `version` (moduleVersion: a hash of the
 * file's bytes) in the URL, a long-running process (`larder serve`, a script calling the SDK)
 * imports an edited transformations file again instead of reusing the first version it saw
 * (modules it imports in turn are Node's usual, cached ones). Definition modules are imported
 * plainly: the loader matches transformation functions by identity with the modules they import.
 */
export function importRepoModule(absPath: string, version: string | null = null): Promise<Record<string, unknown>> {
  hookLarderSpecifier();
  return nodeImport(`${pathToFileURL(absPath).href}${version === null ? '' : `?v=${version}`}`);
}
