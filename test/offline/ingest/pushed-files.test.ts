// Source file resolution includes pushed objects for every path shape
// (file, directory, glob), after the source's own files, once each.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSourceFiles } from '../../../offline/repo/source-schema/read-source-schema.ts';
import { folderOfflineWriter } from '../../../offline/ingest/folder-offline-store.ts';
import { pushedObjectKey } from '../../../src/stores/offline/pushed-location.ts';

const US = Date.UTC(2025, 0, 1) * 1000;

async function repoWith(files: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'larder-pushed-'));
  for (const f of files) {
    await mkdir(join(dir, f, '..'), { recursive: true });
    await writeFile(join(dir, f), 'x');
  }
  return dir;
}

async function pushTo(dir: string, path: string, id: string): Promise<string> {
  const key = pushedObjectKey(path, 'parquet', US, id);
  if (!key.ok) throw new Error(key.error.message);
  const w = await folderOfflineWriter(dir).put(key.value, new Uint8Array([1]));
  if (!w.ok) throw new Error(w.error.message);
  return key.value;
}

const rel = (dir: string, files: string[]) => files.map((f) => relative(dir, f).replace(/\\/g, '/'));

describe('resolveSourceFiles with pushed rows', () => {
  for (const [path, own] of [
    ['data/driver_stats.parquet', ['data/driver_stats.parquet']],
    ['data/stats', ['data/stats/a.parquet', 'data/stats/z.parquet']],
    ['data/parts/*.parquet', ['data/parts/p1.parquet', 'data/parts/p2.parquet']],
    ['data/**/*.parquet', ['data/x/p1.parquet']],
  ] as const) {
    it(`${path}: own files first, then pushed ones`, async () => {
      const dir = await repoWith([...own, 'data/other.csv']);
      expect(rel(dir, await resolveSourceFiles(dir, path, 'parquet'))).toEqual(own);
      const k2 = await pushTo(dir, path, 'b');
      const k1 = await pushTo(dir, path, 'a');
      expect(rel(dir, await resolveSourceFiles(dir, path, 'parquet'))).toEqual([...own, k1, k2]);
    });
  }

  it('a sibling source in the same folder does not see them', async () => {
    const dir = await repoWith(['data/a.parquet', 'data/b.parquet']);
    await pushTo(dir, 'data/a.parquet', 'x');
    expect(rel(dir, await resolveSourceFiles(dir, 'data/b.parquet', 'parquet'))).toEqual(['data/b.parquet']);
  });
});
