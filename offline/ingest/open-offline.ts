// The historical store larder.yaml names, for Node (the SDK, `larder serve`):
// `file` (default) is the repo folder; `r2` is the local state of the bucket
// behind the Worker's binding (what `larder dev` writes), opened through
// wrangler's platform proxy.
import { ok, type Result } from '../../src/core/errors.ts';
import type { ProjectConfig } from '../../src/core/schema/project-config.ts';
import type { OfflineWriter } from '../../src/stores/offline/offline-writer.ts';
import { folderOfflineWriter } from './folder-offline-store.ts';
import { openLocalR2 } from './local-r2.ts';

export interface OpenOffline {
  readonly writer: OfflineWriter;
  close(): Promise<void>;
}

export async function openRepoOffline(repoDir: string, config: ProjectConfig): Promise<Result<OpenOffline>> {
  const c = config.offlineStore;
  if (c.type === 'r2') return openLocalR2(repoDir, { bucketName: c.bucketName });
  return ok({ writer: folderOfflineWriter(repoDir), close: async () => undefined });
}
