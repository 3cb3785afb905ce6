import { err, ok, type Result } from '../../core/errors.ts';
import type { FsLike } from './fs-like.ts';
import { isSafeKey, type OfflineWriter } from './offline-writer.ts';

const isMissing = (e: unknown) => (e as { code?: string }).code === 'ENOENT';

/**
 * Pushed rows in a local folder (the feature repo, for `larder serve` and the
 * Node SDK): a key is a path relative to `root`. Each object is written to a
 * temporary file and renamed into place, so readers never see half a file and
 * an interrupted write leaves no partial object under the key.
 */
export class FolderOfflineWriter implements OfflineWriter {
  readonly #fs: FsLike;
  readonly #root: string;
  readonly where: string;
  #seq = 0;

  /** `root` is an absolute directory path with `/` separators. */
  constructor(fs: FsLike, root: string) {
    this.#fs = fs;
    this.#root = root.replace(/\/+$/, '');
    this.where = `folder ${this.#root}`;
  }

  #path(key: string): string {
    return `${this.#root}/${key}`;
  }

  async put(key: string, bytes: Uint8Array): Promise<Result<void>> {
    if (!isSafeKey(key)) return err('invalid_argument', `offline object key "${key}" is not a safe relative path`);
    const path = this.#path(key);
    const dir = path.slice(0, path.lastIndexOf('/'));
    // Hidden temporary name: source globs skip dot files, so no reader picks it up.
    const tmp = `${dir}/.${key.slice(key.lastIndexOf('/') + 1)}.tmp-${Date.now().toString(36)}-${this.#seq++}`;
    try {
      await this.#fs.mkdir(dir, { recursive: true });
      await this.#fs.writeFile(tmp, bytes);
      await this.#fs.rename(tmp, path);
      return ok(undefined);
    } catch (e) {
      await this.#fs.rm(tmp, { force: true }).catch(() => undefined);
      return err('io_error', `cannot write ${path}: ${(e as Error).message}`, { key });
    }
  }

  async list(prefix: string): Promise<Result<string[]>> {
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash < 0 ? '' : prefix.slice(0, slash);
    const dir = dirKey === '' ? this.#root : this.#path(dirKey);
    try {
      const names = await this.#fs.readdir(dir, { recursive: true });
      const keys = names
        .map((n) => (dirKey === '' ? n : `${dirKey}/${n}`).replace(/\\/g, '/'))
        .filter((k) => k.startsWith(prefix) && !k.split('/').some((s) => s.startsWith('.')));
      const files: string[] = [];
      for (const k of keys) if (/\.[A-Za-z0-9]+$/.test(k)) files.push(k);
      return ok(files.sort());
    } catch (e) {
      if (isMissing(e)) return ok([]);
      return err('io_error', `cannot list ${dir}: ${(e as Error).message}`, { prefix });
    }
  }

  async get(key: string): Promise<Result<Uint8Array | null>> {
    if (!isSafeKey(key)) return err('invalid_argument', `offline object key "${key}" is not a safe relative path`);
    try {
      return ok(await this.#fs.readFile(this.#path(key)));
    } catch (e) {
      if (isMissing(e)) return ok(null);
      return err('io_error', `cannot read ${this.#path(key)}: ${(e as Error).message}`, { key });
    }
  }
}
