import { resolve } from 'node:path';
import { LarderError } from '../../src/core/errors.ts';
import type { ProjectConfig, RegistryConfig } from '../../src/core/schema/project-config.ts';
import { openRepoStores } from '../stores/open-online-store.ts';
import { D1RegistryStore, type D1Like } from '../../src/stores/registry/d1-registry-store.ts';
import { KvRegistryStore, type KvTextLike } from '../../src/stores/registry/kv-registry-store.ts';
import type { RegistryStore } from '../../src/stores/registry/registry-store.ts';
import { FileRegistryStore } from '../stores/file-registry-store.ts';

export interface OpenedStore {
  readonly store: RegistryStore;
  /** Human description, e.g. `data/registry.json` or `D1 binding DB`. */
  readonly where: string;
  close(): Promise<void>;
}

/**
 * Open the registry store named by larder.yaml. A file store is opened directly; D1 and KV are
 * reached through wrangler's local platform proxy for the repo's wrangler.toml (the state
 * `wrangler dev --local` uses).
 */
export async function openRegistryStore(repoDir: string, config: RegistryConfig, project?: ProjectConfig): Promise<OpenedStore> {
  if (config.type === 'file') {
    return { store: new FileRegistryStore(resolve(repoDir, config.path)), where: config.path, close: async () => undefined };
  }
  if (project) {
    // The same local state (and the same default bindings when the repo has no wrangler
    // config) that `larder dev`, materialize and serve use.
    const opened = await openRepoStores(repoDir, project, { online: false });
    if (!opened.ok) throw new LarderError(opened.error);
    return { store: opened.value.registry, where: `${config.type.toUpperCase()} binding ${config.binding}`, close: () => opened.value.close() };
  }
  const { getPlatformProxy } = await import('wrangler');
  const proxy = await getPlatformProxy<Record<string, unknown>>({
    configPath: resolve(repoDir, 'wrangler.toml'),
    // The state `wrangler dev --local` uses when run in the repo, wherever larder runs from.
    persist: { path: resolve(repoDir, '.wrangler/state/v3') },
  });
  const binding = proxy.env[config.binding];
  if (binding === undefined) {
    await proxy.dispose();
    throw new Error(`wrangler.toml has no binding ${config.binding} for the ${config.type} registry`);
  }
  const store =
    config.type === 'd1'
      ? new D1RegistryStore(binding as D1Like)
      : new KvRegistryStore(binding as KvTextLike, { keyPrefix: config.keyPrefix });
  return { store, where: `${config.type.toUpperCase()} binding ${config.binding}`, close: () => proxy.dispose() };
}
