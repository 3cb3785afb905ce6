import { resolve } from 'node:path';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import { transformKey, type OnDemandFn } from '../../src/serving/context.ts';
import { importRepoModule } from '../repo/native-import.ts';

/**
 * The on-demand transformations of a repo, loaded by dynamic import as the
 * registry names them (module relative to the repo + export name), into one
 * map keyed `${module}#${function}` that grows when a new registry names new
 * ones. A module that fails to load is reported once and left out: requests
 * for its view then fail with transformation_unavailable.
 */
export class RepoTransforms {
  readonly map = new Map<string, OnDemandFn>();
  readonly #repoDir: string;
  readonly #tried = new Set<string>();
  readonly #warn: (message: string) => void;

  constructor(repoDir: string, warn: (message: string) => void = () => undefined) {
    this.#repoDir = repoDir;
    this.#warn = warn;
  }

  /** Import every transformation the registry names that is not loaded yet. */
  async load(registry: RegistryIndex): Promise<void> {
    for (const odfv of registry.onDemandFeatureViews.values()) {
      const ref = odfv.transformation;
      const key = transformKey(ref);
      if (this.#tried.has(key)) continue;
      this.#tried.add(key);
      try {
        const mod = await importRepoModule(resolve(this.#repoDir, ref.module));
        const fn = mod[ref.function];
        if (typeof fn === 'function') this.map.set(key, fn as OnDemandFn);
        else this.#warn(`on-demand view ${odfv.name}: ${ref.module} does not export a function ${ref.function}`);
      } catch (e) {
        this.#warn(`on-demand view ${odfv.name}: cannot load ${ref.module}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  }
}
