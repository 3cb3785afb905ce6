import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeRegistry } from '../../../src/core/registry/serialize.ts';
import { FileRegistryStore } from '../../../offline/stores/file-registry-store.ts';
import { sampleDoc } from '../../stores/registry/registry-docs.ts';
import { describeRegistryStore } from '../../stores/registry/registry-store-contract.ts';

const tempPath = async () => join(await mkdtemp(join(tmpdir(), 'larder-reg-')), 'data', 'registry.json');

describeRegistryStore('file', async () => {
  // One file holds one project: give each call its own file.
  const stores = new Map<string, FileRegistryStore>();
  const dir = await mkdtemp(join(tmpdir(), 'larder-reg-'));
  const byProject = (p: string) => {
    let s = stores.get(p);
    if (s === undefined) stores.set(p, (s = new FileRegistryStore(join(dir, `${p}.json`))));
    return s;
  };
  return { read: (p) => byProject(p).read(p), write: (d, v) => byProject(d.project).write(d, v) };
});

describe('file registry store', () => {
  it('writes canonical JSON atomically and leaves no temporary or lock file', async () => {
    const path = await tempPath();
    const store = new FileRegistryStore(path);
    const v1 = sampleDoc(null, 1);
    expect((await store.write(v1, 0)).ok).toBe(true);
    expect(await readFile(path, 'utf8')).toBe(serializeRegistry(v1));
    expect(await readdir(join(path, '..'))).toEqual(['registry.json']);
  });

  it('lets exactly one of many concurrent applies based on the same version win', async () => {
    const path = await tempPath();
    const v1 = sampleDoc(null, 1);
    await new FileRegistryStore(path).write(v1, 0);
    const results = await Promise.all([2, 3, 4, 5, 6].map((n) => new FileRegistryStore(path).write(sampleDoc(v1, n), 1)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.error.code)).toEqual(['conflict', 'conflict', 'conflict', 'conflict']);
    const stored = await new FileRegistryStore(path).read('p');
    expect(stored.ok && stored.value?.version).toBe(2);
  });

  it('waits for a lock, then gives up with conflict; takes over a stale lock', async () => {
    const path = await tempPath();
    const v1 = sampleDoc(null, 1);
    await new FileRegistryStore(path).write(v1, 0);
    await writeFile(`${path}.lock`, '123\n');
    const blocked = await new FileRegistryStore(path, { lockTimeoutMs: 50 }).write(sampleDoc(v1, 2), 1);
    expect(!blocked.ok && blocked.error.code).toBe('conflict');
    const takeover = await new FileRegistryStore(path, { staleLockMs: 0 }).write(sampleDoc(v1, 2), 1);
    expect(takeover.ok).toBe(true);
  });

  it('refuses a file that holds another project or is corrupt', async () => {
    const path = await tempPath();
    await new FileRegistryStore(path).write(sampleDoc(null, 1, 'other'), 0);
    const r = await new FileRegistryStore(path).read('p');
    expect(!r.ok && r.error.code).toBe('invalid_argument');
    await writeFile(path, '{"formatVersion": 1');
    const c = await new FileRegistryStore(path).read('p');
    expect(!c.ok && c.error.code).toBe('corrupt_data');
  });
});
