// The Node side of the historical store's folder adapter: node:fs injected
// into FolderOfflineWriter, rooted at the feature repo (pushed objects are
// repo-relative paths beside the batch sources).
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FsLike } from '../../src/stores/offline/fs-like.ts';
import { FolderOfflineWriter } from '../../src/stores/offline/folder-offline-writer.ts';

const nodeFs: FsLike = {
  mkdir: (p, o) => mkdir(p, o),
  writeFile: (p, d) => writeFile(p, d),
  rename: (a, b) => rename(a, b),
  rm: (p, o) => rm(p, o),
  readFile: async (p) => new Uint8Array(await readFile(p)),
  readdir: (p, o) => readdir(p, o) as Promise<string[]>,
};

/** The offline writer for a feature repo on local disk. */
export function folderOfflineWriter(repoDir: string): FolderOfflineWriter {
  return new FolderOfflineWriter(nodeFs, resolve(repoDir).replace(/\\/g, '/'));
}
