// `larder serve`: the Worker's Hono app (createApp) on Node through
// @hono/node-server, over the repo's registry store and the online store
// larder.yaml names.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import { loadConfig } from '../repo/load-config.ts';
import { CachedRegistry } from '../../src/stores/registry/cached-registry.ts';
import { createApp } from '../../src/worker/app.ts';
import type { Limits } from '../../src/worker/limits.ts';
import { nodeKernel } from '../parquet/kernel.ts';
import { openRepoStores } from '../stores/open-online-store.ts';
import { RepoTransforms } from './repo-transforms.ts';
import { openRepoOffline } from '../ingest/open-offline.ts';

export interface ServeOptions {
  readonly repoDir: string;
  /** Default 6566 (Feast's feature server port); 0 picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Seconds an applied registry is reused before it is read again (default: larder.yaml's, else 10). */
  readonly registryCacheSeconds?: number;
  readonly limits?: Partial<Limits>;
  readonly warn?: (message: string) => void;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:6566 */
  readonly url: string;
  readonly port: number;
  /** Where features come from and where the registry is read, for the startup banner. */
  readonly onlineWhere: string;
  readonly registryWhere: string;
  readonly project: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 6566;

/** Start serving a repo; resolves once the port is listening. */
export async function startServer(options: ServeOptions): Promise<Result<RunningServer>> {
  const loaded = await loadConfig(options.repoDir);
  if ('issues' in loaded) return err('invalid_argument', loaded.issues.map((i) => i.message).join('; '), { issues: loaded.issues });
  const { config } = loaded;
  const stores = await openRepoStores(options.repoDir, config);
  if (!stores.ok) return stores;
  const { registry: registryStore, metadata, online, close: closeStores } = stores.value;
  // Where pushes with to: offline | online_and_offline go (larder.yaml offline_store).
  const offlineStore = await openRepoOffline(options.repoDir, config);
  if (!offlineStore.ok) {
    await closeStores();
    return offlineStore;
  }

  const cacheSeconds = options.registryCacheSeconds ?? (config.registry.type === 'file' ? 10 : config.registry.cacheTtlSeconds);
  const cached = new CachedRegistry(registryStore, config.project, { ttlMs: cacheSeconds * 1000 });
  const transforms = new RepoTransforms(options.repoDir, options.warn);
  // Each registry version's transformations are imported before the app sees it.
  const registry = {
    async get(): Promise<Result<RegistryIndex | null>> {
      const r = await cached.get();
      if (r.ok && r.value !== null) await transforms.load(r.value);
      return r;
    },
    invalidate: () => cached.invalidate(),
  };
  const app = createApp({ project: config.project, kernel: nodeKernel, registry, registryStore, online, metadata, transforms: transforms.map, limits: options.limits, auth: config.auth, offline: offlineStore.value.writer });

  const host = options.host ?? '127.0.0.1';
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolvePromise, reject) => {
      const s = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_PORT, hostname: host }, () => resolvePromise(s));
      s.once('error', reject);
    });
  } catch (e) {
    await offlineStore.value.close();
    await closeStores();
    return err('invalid_argument', `cannot listen on ${host}:${options.port ?? DEFAULT_PORT}: ${(e as Error).message}`);
  }
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return ok({
    url: `http://${shownHost}:${port}`,
    port,
    project: config.project,
    onlineWhere: stores.value.onlineWhere,
    registryWhere: stores.value.registryWhere,
    close: async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await offlineStore.value.close();
      await closeStores();
    },
  });
}
