import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import { parseRegistry, serializeRegistry } from '../../src/core/registry/serialize.ts';
import type { RegistryDocument } from '../../src/core/schema/registry-document.ts';
import { conflictMessage, type RegistryStore } from '../../src/stores/registry/registry-store.ts';

export interface FileRegistryStoreOptions {
  /** How long to wait for another writer's lock (default 10 s). */
  readonly lockTimeoutMs?: number;
  /** A lock older than this is taken over (its writer died; default 60 s). */
  readonly staleLockMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Registry in a local JSON file (one project per file). A write takes an exclusive lock file
 * (`<path>.lock`, created with O_EXCL), re-reads the stored version under the lock, then
 * writes a temporary file, fsyncs it and renames it over the registry: readers see the old
 * or the new registry, never a torn one, and a stale version is refused with `conflict`.
 */
export class FileRegistryStore implements RegistryStore {
  readonly #path: string;
  readonly #lockTimeoutMs: number;
  readonly #staleLockMs: number;

  constructor(path: string, options: FileRegistryStoreOptions = {}) {
    this.#path = path;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
    this.#staleLockMs = options.staleLockMs ?? 60_000;
  }

  get path(): string {
    return this.#path;
  }

  async read(project: string): Promise<Result<RegistryDocument | null>> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(null);
      return err('store_unavailable', `cannot read ${this.#path}: ${(e as Error).message}`);
    }
    const doc = parseRegistry(text);
    if (!doc.ok) return err(doc.error.code, `${this.#path}: ${doc.error.message}`, doc.error.details);
    if (doc.value.project !== project) {
      return err('invalid_argument', `${this.#path} holds the registry of project ${doc.value.project}, not ${project}`);
    }
    return doc;
  }

  async write(doc: RegistryDocument, expectedVersion: number): Promise<Result<void>> {
    if (doc.version !== expectedVersion + 1) return err('invalid_argument', `version ${doc.version} does not follow ${expectedVersion}`);
    const lock = await this.#lock();
    if (!lock.ok) return lock;
    try {
      const current = await this.read(doc.project);
      if (!current.ok) return current;
      const actual = current.value?.version ?? 0;
      if (actual !== expectedVersion) {
        return err('conflict', conflictMessage(doc.project, expectedVersion, actual), { expectedVersion, actualVersion: actual });
      }
      const tmp = `${this.#path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const handle = await open(tmp, 'wx');
      try {
        await handle.writeFile(serializeRegistry(doc), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.#path).catch(async (e: unknown) => {
        await rm(tmp, { force: true });
        throw e;
      });
      return ok(undefined);
    } catch (e) {
      return err('store_unavailable', `cannot write ${this.#path}: ${(e as Error).message}`);
    } finally {
      await rm(`${this.#path}.lock`, { force: true });
    }
  }

  async #lock(): Promise<Result<void>> {
    const lockPath = `${this.#path}.lock`;
    await mkdir(dirname(this.#path), { recursive: true });
    const deadline = Date.now() + this.#lockTimeoutMs;
    for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
      try {
        const h = await open(lockPath, 'wx');
        await h.writeFile(`${process.pid}\n`);
        await h.close();
        return ok(undefined);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          return err('store_unavailable', `cannot lock ${this.#path}: ${(e as Error).message}`);
        }
      }
      const s = await stat(lockPath).catch(() => null);
      if (s !== null && Date.now() - s.mtimeMs > this.#staleLockMs) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        return err('conflict', `${this.#path} is locked by another apply (remove ${lockPath} if no apply is running)`);
      }
      await sleep(wait);
    }
  }
}
