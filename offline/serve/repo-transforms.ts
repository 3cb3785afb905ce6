import { resolve } from 'node:path';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import { transformKey, type OnDemandFn } from '../../src/serving/context.ts';
import { importRepoModule, moduleVersion } from '../repo/native-import.ts';

/**
 * The on-demand transformations of a repo, loaded by dynamic import as the
 * registry names them (module relative to the repo + export name), into one
 * map keyed `${module}#${function}` that grows when a new registry names new
 * ones. A module whose file changed since it was loaded is imported again
 * (checked whenever the registry is read afresh), so a running server computes
 * what historical retrieval computes from the same file. A module that fails
 * to load is reported once per version and left out: requests for its view
 * then fail with transformation_unavailable.
 */
export class RepoTransforms {
  readonly map = new Map<string, OnDemandFn>();
  readonly #repoDir: string;
  /** `${key}@${file hash}` of every load tried. */
  readonly #tried = new Set<string>();
  #last: RegistryIndex | undefined;
  readonly #warn: (message: string) => void;

  constructor(repoDir: string, warn: (message: string) => void = () => undefined) {
    this.#repoDir = repoDir;
    this.#warn = warn;
  }

  /** Import every transformation the registry names that is not loaded yet. */
  async load(registry: RegistryIndex): Promise<void> {
    if (registry === this.#last) return;
    this.#last = registry;
    for (const odfv of registry.onDemandFeatureViews.values()) {
      const ref = odfv.transformation;
      const key = transformKey(ref);
      const path = resolve(this.#repoDir, ref.module);
      const version = moduleVersion(path);
      const tried = `${key}@${version}`;
      if (this.#tried.has(tried)) continue;
      this.#tried.add(tried);
      try {
        const mod = await importRepoModule(path, version);
        const fn = mod[ref.function];
        if (typeof fn === 'function') this.map.set(key, fn as OnDemandFn);
        else {
          this.map.delete(key); // never serve an older version's function instead
          this.#warn(`on-demand view ${odfv.name}: ${ref.module} does not export a function ${ref.function}`);
        }
      } catch (e) {
        this.map.delete(key);
        this.#warn(`on-demand view ${odfv.name}: cannot load ${ref.module}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
}
