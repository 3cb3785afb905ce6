// Open the stores larder.yaml names, for Node commands (materialize, serve,
// dev): the online store (SQLite through node:sqlite, memory, or the local KV
// / D1 state of `larder dev` through wrangler's platform proxy) and the
// registry store. One platform proxy serves both when both are KV/D1.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { OnlineStore } from '../../src/core/online-store.ts';
import type { ProjectConfig } from '../../src/core/schema/project-config.ts';
import { D1OnlineStore } from '../../src/stores/d1/d1-online-store.ts';
import type { D1Like } from '../../src/stores/d1/d1-like.ts';
import type { KvLike } from '../../src/stores/kv/kv-like.ts';
import { MemoryOnlineStore } from '../../src/stores/memory/memory-online-store.ts';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { KvRegistryStore } from '../../src/stores/registry/kv-registry-store.ts';
import type { RegistryStore } from '../../src/stores/registry/registry-store.ts';
import { SqliteOnlineStore } from '../../src/stores/sqlite/sqlite-online-store.ts';
import { localWorkerPaths, resolveLocalBindings, WORKER_D1, WORKER_KV } from '../dev/local-worker.ts';
import { readRepoBindings } from '../dev/repo-wrangler-bindings.ts';
import { FileRegistryStore } from './file-registry-store.ts';
import { FileMetadataStore } from './file-metadata-store.ts';
import type { MetadataStore } from '../../src/stores/metadata/metadata-store.ts';
import { MemoryMetadataStore } from '../../src/stores/metadata/memory-metadata-store.ts';
import { D1MetadataStore, type D1MetaLike } from '../../src/stores/metadata/d1-metadata-store.ts';
import { KvMetadataStore, type KvMetaLike } from '../../src/stores/metadata/kv-metadata-store.ts';
import { PipelinedKvOnlineStore } from './pipelined-kv.ts';

export interface RepoStores {
  readonly registry: RegistryStore;
  /** e.g. `data/registry.json`, `D1 (local state)` */
  readonly registryWhere: string;
  /**
   * Statistics, watermarks and API keys, kept where the registry is: `<registry dir>/metadata/`
   * beside a file registry, else the D1 table `metadata` or KV keys `meta:*` of the local state.
   */
  readonly metadata: MetadataStore;
  readonly online: OnlineStore;
  /** Names the online store, e.g. `sqlite data/online.db`, `kv (local state)`; also keys materialization watermarks. */
  readonly onlineWhere: string;
  /** The local D1 database (binding DB) when a platform proxy was opened, else null. */
  readonly localD1: D1Like | null;
  close(): Promise<void>;
}

type DatabaseSync = import('node:sqlite').DatabaseSync;

/** node:sqlite, without its one-time "experimental" warning on the terminal. */
async function sqliteModule(): Promise<typeof import('node:sqlite')> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes('SQLite')) return;
    (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import('node:sqlite');
  } finally {
    process.emitWarning = emit;
  }
}

interface Proxy {
  readonly env: Record<string, unknown>;
  dispose(): Promise<void>;
}

/** A platform proxy over the repo's local state, with the Worker's binding names (DB, ONLINE_KV). */
async function openProxy(repoDir: string, config: ProjectConfig): Promise<Result<Proxy>> {
  const bindings = resolveLocalBindings(config, await readRepoBindings(repoDir));
  if (!bindings.ok) return bindings;
  const paths = localWorkerPaths(repoDir);
  // Bindings only (no `main`): the proxy never bundles anything.
  const configPath = resolve(paths.dir, 'proxy.wrangler.json');
  await mkdir(paths.dir, { recursive: true });
  await writeFile(resolve(paths.dir, '.gitignore'), '*\n');
  await writeFile(
    configPath,
    `${JSON.stringify(
      {
        name: 'larder-local-state',
        compatibility_date: '2026-11-01',
        kv_namespaces: [{ binding: WORKER_KV, id: bindings.value.kv.localId }],
        d1_databases: [{ binding: WORKER_D1, database_name: bindings.value.d1.databaseName, database_id: bindings.value.d1.localId }],
      },
      null,
      2,
    )}\n`,
  );
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
  process.env.WRANGLER_SEND_METRICS ??= 'false';
  const { getPlatformProxy } = await import('wrangler');
  const proxy = await getPlatformProxy<Record<string, unknown>>({ configPath, persist: { path: paths.persistPath } });
  return ok({ env: proxy.env, dispose: () => proxy.dispose() });
}

export interface OpenStoresOptions {
  /** Open the online store (default true). */
  readonly online?: boolean;
  /** Open the registry store (default true). */
  readonly registry?: boolean;
}

/** Open the registry and online stores of a repo, as larder.yaml configures them. */
export async function openRepoStores(repoDir: string, config: ProjectConfig, options: OpenStoresOptions = {}): Promise<Result<RepoStores>> {
  const wantOnline = options.online ?? true;
  const wantRegistry = options.registry ?? true;
  const closers: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const needsProxy = (wantRegistry && config.registry.type !== 'file') || (wantOnline && (config.onlineStore.type === 'kv' || config.onlineStore.type === 'd1'));
    let proxy: Proxy | null = null;
    if (needsProxy) {
      const p = await openProxy(repoDir, config);
      if (!p.ok) return p;
      proxy = p.value;
      closers.push(() => proxy!.dispose());
    }

    let registry: RegistryStore = { read: async () => err('unsupported', 'registry store not opened'), write: async () => err('unsupported', 'registry store not opened') };
    let registryWhere = '';
    let metadata: MetadataStore = new MemoryMetadataStore();
    if (wantRegistry) {
      const r = config.registry;
      if (r.type === 'file') {
        registry = new FileRegistryStore(resolve(repoDir, r.path));
        registryWhere = r.path;
        metadata = new FileMetadataStore(resolve(repoDir, dirname(r.path), 'metadata'));
      } else if (r.type === 'd1') {
        registry = new D1RegistryStore(proxy!.env[WORKER_D1] as D1Like & ConstructorParameters<typeof D1RegistryStore>[0]);
        registryWhere = 'D1 (local state)';
        metadata = new D1MetadataStore(proxy!.env[WORKER_D1] as D1MetaLike);
      } else {
        registry = new KvRegistryStore(proxy!.env[WORKER_KV] as ConstructorParameters<typeof KvRegistryStore>[0], { keyPrefix: r.keyPrefix });
        registryWhere = 'KV (local state)';
        metadata = new KvMetadataStore(proxy!.env[WORKER_KV] as KvMetaLike);
      }
    }

    let online: OnlineStore = new MemoryOnlineStore();
    let onlineWhere = 'memory';
    if (wantOnline) {
      const o = config.onlineStore;
      if (o.type === 'sqlite') {
        const path = resolve(repoDir, o.path);
        await mkdir(dirname(path), { recursive: true });
        const { DatabaseSync } = await sqliteModule();
        const db: DatabaseSync = new DatabaseSync(path);
        closers.push(() => db.close());
        online = new SqliteOnlineStore(db);
        onlineWhere = `sqlite ${relative(resolve(repoDir), path).replace(/\\/g, '/')}`;
      } else if (o.type === 'kv') {
        // Puts pipelined: each one is a round trip through the proxy.
        online = new PipelinedKvOnlineStore(proxy!.env[WORKER_KV] as KvLike);
        onlineWhere = 'kv (local state)';
      } else if (o.type === 'd1') {
        online = new D1OnlineStore(proxy!.env[WORKER_D1] as D1Like);
        onlineWhere = 'd1 (local state)';
      }
    }
    return ok({ registry, registryWhere, metadata, online, onlineWhere, localD1: proxy === null ? null : (proxy.env[WORKER_D1] as D1Like), close });
  } catch (e) {
    await close().catch(() => undefined);
    return err('store_unavailable', `cannot open the stores of ${repoDir}: ${(e as Error).message}`);
  }
}
