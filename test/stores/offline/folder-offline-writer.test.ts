import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderOfflineWriter } from '../../../offline/ingest/folder-offline-store.ts';
import { FolderOfflineWriter } from '../../../src/stores/offline/folder-offline-writer.ts';
import type { FsLike } from '../../../src/stores/offline/fs-like.ts';

describe('FolderOfflineWriter', () => {
  it('puts, lists and gets objects under repo-relative keys; a put replaces the object whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'larder-offline-'));
    const w = folderOfflineWriter(dir);
    expect(await w.list('data/_pushed/')).toEqual({ ok: true, value: [] });
    expect((await w.put('data/_pushed/d/2025-01-01/a.parquet', new Uint8Array([1, 2, 3]))).ok).toBe(true);
    expect((await w.put('data/_pushed/d/2025-01-02/b.parquet', new Uint8Array([4]))).ok).toBe(true);
    expect((await w.put('data/_pushed/d/2025-01-01/a.parquet', new Uint8Array([9, 9]))).ok).toBe(true);
    expect(await w.list('data/_pushed/')).toEqual({ ok: true, value: ['data/_pushed/d/2025-01-01/a.parquet', 'data/_pushed/d/2025-01-02/b.parquet'] });
    expect(await w.get('data/_pushed/d/2025-01-01/a.parquet')).toEqual({ ok: true, value: new Uint8Array([9, 9]) });
    expect(await w.get('data/_pushed/d/nope.parquet')).toEqual({ ok: true, value: null });
    expect(new Uint8Array(await readFile(join(dir, 'data/_pushed/d/2025-01-01/a.parquet')))).toEqual(new Uint8Array([9, 9]));
    // No temporary files left behind.
    expect(await readdir(join(dir, 'data/_pushed/d/2025-01-01'))).toEqual(['a.parquet']);
  });

  it('refuses unsafe keys', async () => {
    const w = folderOfflineWriter(await mkdtemp(join(tmpdir(), 'larder-offline-')));
    for (const k of ['../x.parquet', '/abs.parquet', 'a//b.parquet', 'a/./b.parquet', 'a\\b.parquet'])
      expect(await w.put(k, new Uint8Array(1))).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
  });

  it('a failed write leaves no object and no temporary file, and reports io_error', async () => {
    const files = new Map<string, Uint8Array>();
    const fs: FsLike = {
      mkdir: async () => undefined,
      writeFile: async (p, d) => void files.set(p, d),
      rename: async () => {
        throw new Error('disk full');
      },
      rm: async (p) => void files.delete(p),
      readFile: async () => new Uint8Array(),
      readdir: async () => [],
    };
    const w = new FolderOfflineWriter(fs, '/repo');
    expect(await w.put('data/_pushed/x.parquet', new Uint8Array([1]))).toMatchObject({ ok: false, error: { code: 'io_error' } });
    expect([...files.keys()]).toEqual([]);
  });
});
