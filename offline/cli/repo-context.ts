import type { RegistryDocument } from '../../src/core/schema/registry-document.ts';
import type { ProjectConfig } from '../../src/core/schema/project-config.ts';
import { loadConfig } from '../repo/load-config.ts';
import { type CliIo, EXIT_USER, printError, printIssues, resolveRepo } from './cli-io.ts';
import { openRegistryStore } from './open-store.ts';
import { openRepoStores, type OpenStoresOptions, type RepoStores } from '../stores/open-online-store.ts';

/** Read the applied registry of the repo at `--repo`; prints the problem and returns an exit code on failure. */
export async function readAppliedRegistry(
  io: CliIo,
  repo: string | undefined,
): Promise<{ config: ProjectConfig; registry: RegistryDocument } | number> {
  const dir = resolveRepo(io, repo);
  const loaded = await loadConfig(dir);
  if ('issues' in loaded) {
    printIssues(io, loaded.issues);
    return EXIT_USER;
  }
  const opened = await openRegistryStore(dir, loaded.config.registry, loaded.config);
  try {
    const r = await opened.store.read(loaded.config.project);
    if (!r.ok) return printError(io, r.error);
    if (r.value === null) {
      return printError(io, { code: 'not_found', message: `nothing applied yet for ${loaded.config.project} (${opened.where}): run larder apply` });
    }
    return { config: loaded.config, registry: r.value };
  } finally {
    await opened.close();
  }
}

/**
 * Load the repo at `--repo` and open its stores, run `body` with them and close them; prints
 * a config problem or a store error and returns the exit code instead.
 */
export async function withRepoStores(
  io: CliIo,
  repo: string | undefined,
  options: OpenStoresOptions,
  body: (ctx: { dir: string; config: ProjectConfig; stores: RepoStores }) => Promise<number>,
): Promise<number> {
  const dir = resolveRepo(io, repo);
  const loaded = await loadConfig(dir);
  if ('issues' in loaded) {
    printIssues(io, loaded.issues);
    return EXIT_USER;
  }
  const stores = await openRepoStores(dir, loaded.config, options);
  if (!stores.ok) return printError(io, stores.error);
  try {
    return await body({ dir, config: loaded.config, stores: stores.value });
  } finally {
    await stores.value.close();
  }
}
