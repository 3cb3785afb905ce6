// Cloudflare composition root: the only place that knows about Env bindings
// and imports the compiled kernel module (Workers refuse runtime compilation).
import kernelModule from '../../build/kernel.wasm';
import { loadKernel } from '../kernel/instance.ts';
import type { OnDemandFn } from '../serving/context.ts';
import { D1OnlineStore } from '../stores/d1/d1-online-store.ts';
import { KvOnlineStore } from '../stores/kv/kv-online-store.ts';
import { CachedRegistry } from '../stores/registry/cached-registry.ts';
import { D1RegistryStore } from '../stores/registry/d1-registry-store.ts';
import { KvRegistryStore } from '../stores/registry/kv-registry-store.ts';
import { D1MetadataStore } from '../stores/metadata/d1-metadata-store.ts';
import { KvMetadataStore } from '../stores/metadata/kv-metadata-store.ts';
import { R2OfflineWriter } from '../stores/offline/r2-offline-writer.ts';
import { createApp, type AppDeps } from './app.ts';
import { d1Session } from './d1-session.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { consumePushBatch, queueContext } from './queue.ts';
import type { Limits } from './limits.ts';
import { authFromEnv } from './auth/auth-env.ts';

export interface Env {
  ONLINE_KV: KVNamespace;
  DB: D1Database;
  /** The project whose registry and features this Worker serves (larder.yaml `project`). */
  LARDER_PROJECT?: string;
  /** `kv` (default) or `d1`. */
  LARDER_ONLINE_STORE?: string;
  /** `d1` (default) or `kv`. */
  LARDER_REGISTRY_STORE?: string;
  /** Seconds the registry is cached per isolate (default 10). */
  LARDER_REGISTRY_CACHE_SECONDS?: string;
  /** Access control: larder.yaml's `auth` section as JSON (src/worker/auth/auth-env.ts); unset: the API is open. Holds no secrets. */
  LARDER_AUTH?: string;
  /** The historical store for pushes with `to: offline | online_and_offline` (R2); absent: those pushes are 501. */
  OFFLINE?: R2Bucket;
  /** Dead-letter queue for invalid push messages (the queue consumer). */
  PUSH_DLQ?: Queue;
}

export interface WorkerOptions {
  /** On-demand transformations by `${module}#${function}`, as the registry names them. */
  readonly transforms?: Readonly<Record<string, OnDemandFn>>;
  readonly limits?: Partial<Limits>;
}

/**
 * Build the larder Worker. A feature repo's own Worker entry passes its
 * on-demand transformations, so the edge runs the same functions as
 * historical retrieval:
 *
 *   import { createWorker } from 'larder/worker';
 *   import { convRatePlusValues } from '../transforms.ts';
 *   export default createWorker({ transforms: { 'transforms.ts#convRatePlusValues': convRatePlusValues } });
 */
export function createWorker(options: WorkerOptions = {}): ExportedHandler<Env> {
  const transforms = new Map(Object.entries(options.transforms ?? {}));
  let cached: { env: Env; app: ReturnType<typeof createApp>; deps: AppDeps } | undefined;
  const appFor = (env: Env) => {
    if (cached?.env === env) return cached.app;
    const project = env.LARDER_PROJECT ?? 'default';
    const registryStore = env.LARDER_REGISTRY_STORE === 'kv' ? new KvRegistryStore(env.ONLINE_KV) : new D1RegistryStore(env.DB);
    const registry = new CachedRegistry(registryStore, project, { ttlMs: Number(env.LARDER_REGISTRY_CACHE_SECONDS ?? 10) * 1000 });
    const online = env.LARDER_ONLINE_STORE === 'd1' ? new D1OnlineStore(d1Session(env.DB)) : new KvOnlineStore(env.ONLINE_KV);
    // Metadata (statistics, watermarks, API keys) lives beside the registry.
    const metadata = env.LARDER_REGISTRY_STORE === 'kv' ? new KvMetadataStore(env.ONLINE_KV) : new D1MetadataStore(env.DB);
    const offline = env.OFFLINE ? new R2OfflineWriter(env.OFFLINE) : undefined;
    const deps: AppDeps = { project, kernel: () => loadKernel(kernelModule), registry, registryStore, online, metadata, transforms, offline, limits: options.limits, auth: authFromEnv(env.LARDER_AUTH) };
    const app = createApp(deps);
    cached = { env, app, deps };
    return app;
  };
  return {
    fetch: (req, env, ctx) => appFor(env).fetch(req, env, ctx),
    // Push messages from Cloudflare Queues (src/worker/queue.ts).
    queue: async (batch, env) => {
      appFor(env);
      const deps = cached!.deps;
      await consumePushBatch(batch as never, {
        context: queueContext(deps),
        offline: deps.offline,
        dlq: env.PUSH_DLQ,
        limits: { ...DEFAULT_LIMITS, ...options.limits },
        log: (m) => console.error(m),
      });
    },
  };
}

export { createApp } from './app.ts';
export default createWorker();
export { larderClient, type LocalClientOptions } from './client.ts';
export { httpClient, type HttpClientOptions } from '../client/http-client.ts';
export { responseRows, type FeatureClient, type FeastOnlineResponse, type OnlineFeaturesQuery } from '../client/feature-client.ts';
