import { z } from 'zod';
import { AuthConfig } from '../auth/auth-config.ts';

/**
 * larder.yaml, the project config. Keys mirror Feast's feature_store.yaml; every key but
 * `project` has a default. Unknown keys are refused (typos surface), and each section is a
 * union on `type`, so new store types and new optional keys can be added without breaking
 * existing files. Paths are relative to the repo.
 */
export const ProjectName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must start with a letter and contain only letters, digits and underscores');

const BindingName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a Worker binding name');
const RelPath = z.string().min(1);
const CacheTtl = z.number().int().nonnegative().default(10);

export const DEFAULT_REGISTRY_PATH = 'data/registry.json';
export const DEFAULT_ONLINE_DB_PATH = 'data/online.db';
export const DEFAULT_OFFLINE_PATH = 'data/offline';

const FileRegistryConfig = z
  .strictObject({ type: z.literal('file'), path: RelPath.default(DEFAULT_REGISTRY_PATH) })
  .transform((c) => ({ type: c.type, path: c.path }));
const D1RegistryConfig = z
  .strictObject({ type: z.literal('d1'), binding: BindingName.default('DB'), cache_ttl_seconds: CacheTtl })
  .transform((c) => ({ type: c.type, binding: c.binding, cacheTtlSeconds: c.cache_ttl_seconds }));
const KvRegistryConfig = z
  .strictObject({
    type: z.literal('kv'),
    binding: BindingName.default('ONLINE_KV'),
    key_prefix: z.string().default('registry:'),
    cache_ttl_seconds: CacheTtl,
  })
  .transform((c) => ({ type: c.type, binding: c.binding, keyPrefix: c.key_prefix, cacheTtlSeconds: c.cache_ttl_seconds }));

export const RegistryConfig = z.union([
  RelPath.transform((path) => ({ type: 'file' as const, path })),
  z.discriminatedUnion('type', [FileRegistryConfig, D1RegistryConfig, KvRegistryConfig]),
]);
export type RegistryConfig = z.output<typeof RegistryConfig>;

export const OnlineStoreConfig = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sqlite'), path: RelPath.default(DEFAULT_ONLINE_DB_PATH) }),
  z.strictObject({ type: z.literal('kv'), binding: BindingName.default('ONLINE_KV') }),
  z.strictObject({ type: z.literal('d1'), binding: BindingName.default('DB') }),
  z.strictObject({ type: z.literal('memory') }),
]);
export type OnlineStoreConfig = z.output<typeof OnlineStoreConfig>;

/** Pushed rows (push `to: offline`) are kept beside each batch source: in the repo folder (`file`), or in the R2 bucket behind a Worker binding (`r2`; Node reads its local state). */
export const OfflineStoreConfig = z.union([
  z
    .strictObject({ type: z.literal('r2'), binding: BindingName.default('OFFLINE'), bucket_name: z.string().min(1).default('larder-offline') })
    .transform((c) => ({ type: c.type, binding: c.binding, bucketName: c.bucket_name })),
  z
    .strictObject({ type: z.literal('file').default('file'), path: RelPath.default(DEFAULT_OFFLINE_PATH) })
    .transform((c) => ({ type: c.type, path: c.path })),
]);
export type OfflineStoreConfig = z.output<typeof OfflineStoreConfig>;

export const ProjectConfig = z
  .strictObject({
    project: ProjectName,
    registry: RegistryConfig.prefault(DEFAULT_REGISTRY_PATH),
    online_store: OnlineStoreConfig.default({ type: 'sqlite', path: DEFAULT_ONLINE_DB_PATH }),
    offline_store: OfflineStoreConfig.default({ type: 'file', path: DEFAULT_OFFLINE_PATH }),
    auth: AuthConfig.optional(),
  })
  .transform((c) => ({
    project: c.project,
    registry: c.registry,
    onlineStore: c.online_store,
    offlineStore: c.offline_store,
    ...(c.auth !== undefined && { auth: c.auth }),
  }));
export type ProjectConfig = z.output<typeof ProjectConfig>;
export type ProjectConfigInput = z.input<typeof ProjectConfig>;
