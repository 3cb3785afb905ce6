// Pushed rows kept in R2 (the Worker's OFFLINE binding), read from Node:
// open the local R2 state that `larder dev` / wrangler keep in the repo's
// .wrangler/state through wrangler's platform proxy, and pull the pushed
// objects into the repo folder under the same keys, where historical
// retrieval and materialization read them.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { ProjectConfig } from '../../src/core/schema/project-config.ts';
import type { OfflineWriter } from '../../src/stores/offline/offline-writer.ts';
import { PUSHED_DIR } from '../../src/stores/offline/pushed-location.ts';
import type { R2Like } from '../../src/stores/offline/r2-like.ts';
import { R2OfflineWriter } from '../../src/stores/offline/r2-offline-writer.ts';
import { localWorkerPaths } from '../dev/local-worker.ts';
import { folderOfflineWriter } from './folder-offline-store.ts';

export const DEFAULT_OFFLINE_BUCKET = 'larder-offline';

export interface LocalR2Options {
  /** The bucket_name of the Worker's OFFLINE binding (default larder-offline, as in wrangler.toml). */
  readonly bucketName?: string;
  /** Miniflare's persist path (default: the repo's .wrangler/state/v3, where `larder dev` keeps state). */
  readonly persistPath?: string;
}

export interface LocalR2 {
  readonly writer: R2OfflineWriter;
  close(): Promise<void>;
}

/** The local (Miniflare) state of the R2 bucket behind the Worker's OFFLINE binding. */
export async function openLocalR2(repoDir: string, options: LocalR2Options = {}): Promise<Result<LocalR2>> {
  const paths = localWorkerPaths(repoDir);
  const configPath = resolve(paths.dir, 'r2-proxy.wrangler.json');
  try {
    await mkdir(paths.dir, { recursive: true });
    await writeFile(resolve(paths.dir, '.gitignore'), '*\n');
    await writeFile(
      configPath,
      `${JSON.stringify({ name: 'larder-local-r2', compatibility_date: '2026-11-01', r2_buckets: [{ binding: 'OFFLINE', bucket_name: options.bucketName ?? DEFAULT_OFFLINE_BUCKET }] }, null, 2)}\n`,
    );
    process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
    process.env.WRANGLER_SEND_METRICS ??= 'false';
    const { getPlatformProxy } = await import('wrangler');
    const proxy = await getPlatformProxy<{ OFFLINE: R2Like }>({ configPath, persist: { path: options.persistPath ?? paths.persistPath } });
    return ok({ writer: new R2OfflineWriter(proxy.env.OFFLINE), close: () => proxy.dispose() });
  } catch (e) {
    return err('store_unavailable', `cannot open the local R2 state of ${repoDir}: ${(e as Error).message}`);
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Copy every pushed object (keys with a `_pushed/` segment) from `from` (an
 * R2 bucket, say) into the repo folder; objects already there with the same
 * bytes are left alone. Keys are the same on both sides.
 */
export async function pullPushedObjects(from: OfflineWriter, repoDir: string, prefix = ''): Promise<Result<{ copied: number; unchanged: number }>> {
  const to = folderOfflineWriter(repoDir);
  const keys = await from.list(prefix);
  if (!keys.ok) return keys;
  let copied = 0;
  let unchanged = 0;
  for (const key of keys.value) {
    if (!key.split('/').includes(PUSHED_DIR)) continue;
    const bytes = await from.get(key);
    if (!bytes.ok) return bytes;
    if (bytes.value === null) continue; // deleted since the listing
    const have = await to.get(key);
    if (have.ok && have.value !== null && sameBytes(have.value, bytes.value)) {
      unchanged++;
      continue;
    }
    const w = await to.put(key, bytes.value);
    if (!w.ok) return w;
    copied++;
  }
  return ok({ copied, unchanged });
}

/**
 * With larder.yaml's `offline_store: {type: r2}`, rows pushed offline live in the local R2 state
 * of `larder dev`, while historical retrieval, materialization and statistics read the repo
 * folder: copy new pushed objects down before they read. Nothing to do (and no proxy started)
 * for a file offline store or before any local R2 state exists.
 */
export async function syncPushedFromR2(repoDir: string, config: ProjectConfig, options: Pick<LocalR2Options, 'persistPath'> = {}): Promise<Result<{ copied: number; unchanged: number } | null>> {
  const c = config.offlineStore;
  if (c.type !== 'r2') return ok(null);
  const persistPath = options.persistPath ?? localWorkerPaths(repoDir).persistPath;
  if (!existsSync(join(persistPath, 'r2'))) return ok(null);
  const r2 = await openLocalR2(repoDir, { bucketName: c.bucketName, persistPath });
  if (!r2.ok) return r2;
  try {
    return await pullPushedObjects(r2.value.writer, repoDir);
  } finally {
    await r2.value.close();
  }
}
