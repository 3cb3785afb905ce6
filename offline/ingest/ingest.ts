// The Node SDK for notebooks and batch jobs: push rows and write rows to the
// stores a feature repo's larder.yaml names, through the same serving core
// the Worker runs (same validation, same encoding, newer-wins writes, same
// offline objects).
//
//   import { push, writeToOnlineStore } from 'larder/offline';
//   await push('driver_repo', 'driver_stats_push_source', rows, { to: 'online_and_offline' });
//   await writeToOnlineStore('driver_repo', 'driver_hourly_stats', table);
import { resolve } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { WriteSummary } from '../../src/core/online-store.ts';
import type { ServingContext } from '../../src/serving/context.ts';
import { pushFrame, type PushSummary, type PushTarget } from '../../src/serving/push-rows.ts';
import { writeViewFrame } from '../../src/serving/write-rows.ts';
import type { OfflineWriter } from '../../src/stores/offline/offline-writer.ts';
import { CachedRegistry } from '../../src/stores/registry/cached-registry.ts';
import { nodeKernel } from '../parquet/kernel.ts';
import { loadConfig } from '../repo/load-config.ts';
import { openRepoStores } from '../stores/open-online-store.ts';
import { openRepoOffline } from './open-offline.ts';
import { rowsToFrame, type IngestRows } from './rows-frame.ts';

export interface IngestOptions {
  /** The historical store (default: larder.yaml's offline_store: the repo folder, or the local R2 state). */
  readonly offline?: OfflineWriter;
}

/** An open connection to a repo's stores; close it when done. */
export interface IngestSession {
  readonly project: string;
  /** e.g. `sqlite data/online.db`. */
  readonly onlineWhere: string;
  readonly offlineWhere: string;
  push(pushSourceName: string, rows: IngestRows, options?: { to?: PushTarget }): Promise<Result<PushSummary>>;
  writeToOnlineStore(viewName: string, rows: IngestRows): Promise<Result<WriteSummary & { rows: number }>>;
  close(): Promise<void>;
}

/** Open a feature repo's registry, online store and historical store. */
export async function openIngest(repoDir: string, options: IngestOptions = {}): Promise<Result<IngestSession>> {
  const dir = resolve(repoDir);
  const loaded = await loadConfig(dir);
  if ('issues' in loaded) return err('invalid_argument', loaded.issues.map((i) => i.message).join('; '), { issues: loaded.issues });
  const { config } = loaded;
  const stores = await openRepoStores(dir, config);
  if (!stores.ok) return stores;
  const registry = new CachedRegistry(stores.value.registry, config.project, { ttlMs: 0 });
  let closeOffline = async () => undefined as void;
  let offline = options.offline;
  if (offline === undefined) {
    const o = await openRepoOffline(dir, config);
    if (!o.ok) {
      await stores.value.close();
      return o;
    }
    offline = o.value.writer;
    closeOffline = () => o.value.close();
  }
  const writer: OfflineWriter = offline;
  const context = async (): Promise<Result<ServingContext>> => {
    const reg = await registry.get();
    if (!reg.ok) return reg;
    if (reg.value === null) return err('not_found', `no registry has been applied for project "${config.project}": run larder apply --repo ${repoDir}`);
    return ok({ project: config.project, kernel: await nodeKernel(), registry: reg.value, online: stores.value.online, transforms: new Map(), now: () => Date.now() * 1000 });
  };
  return ok({
    project: config.project,
    onlineWhere: stores.value.onlineWhere,
    offlineWhere: writer.where,
    async push(pushSourceName, rows, o = {}) {
      const frame = rowsToFrame(rows);
      if (!frame.ok) return frame;
      const ctx = await context();
      if (!ctx.ok) return ctx;
      return pushFrame(ctx.value, pushSourceName, frame.value, { to: o.to ?? 'online', offline: writer });
    },
    async writeToOnlineStore(viewName, rows) {
      const frame = rowsToFrame(rows);
      if (!frame.ok) return frame;
      const ctx = await context();
      if (!ctx.ok) return ctx;
      return writeViewFrame(ctx.value, viewName, frame.value);
    },
    close: async () => {
      await closeOffline();
      await stores.value.close();
    },
  });
}

type Target = string | IngestSession;

async function withSession<T>(target: Target, options: IngestOptions, run: (s: IngestSession) => Promise<Result<T>>): Promise<Result<T>> {
  if (typeof target !== 'string') return run(target);
  const s = await openIngest(target, options);
  if (!s.ok) return s;
  try {
    return await run(s.value);
  } finally {
    await s.value.close();
  }
}

/**
 * Push rows (row objects, columns or an Arrow Table) to every view fed by a
 * push source; `to` online (default), offline or online_and_offline. The
 * target is a repo directory (opened and closed per call) or an open session.
 */
export function push(target: Target, pushSourceName: string, rows: IngestRows, options: { to?: PushTarget } & IngestOptions = {}): Promise<Result<PushSummary>> {
  return withSession(target, options, (s) => s.push(pushSourceName, rows, options));
}

/** Write rows of one feature view to the online store (newer values win). */
export function writeToOnlineStore(target: Target, viewName: string, rows: IngestRows, options: IngestOptions = {}): Promise<Result<WriteSummary & { rows: number }>> {
  return withSession(target, options, (s) => s.writeToOnlineStore(viewName, rows));
}
