import kernelModule from '../../build/kernel.wasm';
import { inProcessClient } from '../client/in-process-client.ts';
import type { FeatureClient } from '../client/feature-client.ts';
import { loadKernel } from '../kernel/instance.ts';
import type { OnDemandFn } from '../serving/context.ts';
import { D1OnlineStore } from '../stores/d1/d1-online-store.ts';
import { KvOnlineStore } from '../stores/kv/kv-online-store.ts';
import { CachedRegistry } from '../stores/registry/cached-registry.ts';
import { D1RegistryStore } from '../stores/registry/d1-registry-store.ts';
import { KvRegistryStore } from '../stores/registry/kv-registry-store.ts';
import { d1Session } from './d1-session.ts';

export interface LocalClientOptions {
  readonly project: string;
  /** The binding holding features: a KV namespace or a D1 database (as the larder Worker is configured). */
  readonly online: { readonly kv: KVNamespace } | { readonly d1: D1Database };
  /** Where the registry lives: D1 (default) or KV. */
  readonly registry: { readonly d1: D1Database } | { readonly kv: KVNamespace };
  readonly transforms?: Readonly<Record<string, OnDemandFn>>;
  /** Registry cache per isolate (default 10 s). */
  readonly registryCacheSeconds?: number;
}

/**
 * For a model's own Worker: read features in-process from the same KV/D1
 * bindings the larder Worker serves, with no network hop. Build it once per
 * isolate (module scope or first request) and reuse it.
 *
 *   const features = larderClient({ project: 'driver_stats', online: { kv: env.ONLINE_KV }, registry: { d1: env.DB } });
 *   const r = await features.getOnlineFeatures({ features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] } });
 */
export function larderClient(options: LocalClientOptions): FeatureClient {
  const online = 'kv' in options.online ? new KvOnlineStore(options.online.kv) : new D1OnlineStore(d1Session(options.online.d1));
  const store = 'd1' in options.registry ? new D1RegistryStore(options.registry.d1) : new KvRegistryStore(options.registry.kv);
  const registry = new CachedRegistry(store, options.project, { ttlMs: (options.registryCacheSeconds ?? 10) * 1000 });
  return inProcessClient({
    project: options.project,
    kernel: () => loadKernel(kernelModule),
    registry,
    online,
    transforms: new Map(Object.entries(options.transforms ?? {})),
  });
}
