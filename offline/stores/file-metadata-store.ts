import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import { byName, checkMetadataName, type MetadataKind, type MetadataRecord, type MetadataStore } from '../../src/stores/metadata/metadata-store.ts';

/**
 * Metadata as JSON files under a folder (beside a file registry: `data/metadata/`):
 * `<dir>/<project>/<kind>/<encoded name>.json`, each written to a temporary file and renamed,
 * so a reader sees the old or the new record, never a torn one.
 */
export class FileMetadataStore implements MetadataStore {
  readonly #dir: string;
  readonly #now: () => Date;

  constructor(dir: string, options: { now?: () => Date } = {}) {
    this.#dir = dir;
    this.#now = options.now ?? (() => new Date());
  }

  #folder(project: string, kind: MetadataKind): string {
    return join(this.#dir, encodeURIComponent(project), kind);
  }

  async get(project: string, kind: MetadataKind, name: string): Promise<Result<MetadataRecord | null>> {
    return this.#read(join(this.#folder(project, kind), `${encodeURIComponent(name)}.json`), name);
  }

  async put(project: string, kind: MetadataKind, name: string, body: unknown): Promise<Result<void>> {
    const bad = checkMetadataName(name);
    if (bad !== null) return err('invalid_argument', bad);
    const text = JSON.stringify({ updatedAt: this.#now().toISOString(), body });
    if (JSON.stringify(body) === undefined) return err('invalid_argument', 'a metadata record body must be JSON');
    const folder = this.#folder(project, kind);
    const path = join(folder, `${encodeURIComponent(name)}.json`);
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(folder, { recursive: true });
      await writeFile(tmp, text);
      await rename(tmp, path);
      return ok(undefined);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      return err('store_unavailable', `cannot write ${path}: ${(e as Error).message}`);
    }
  }

  async list(project: string, kind: MetadataKind): Promise<Result<MetadataRecord[]>> {
    const folder = this.#folder(project, kind);
    let files: string[];
    try {
      files = (await readdir(folder)).filter((f) => f.endsWith('.json'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok([]);
      return err('store_unavailable', `cannot list ${folder}: ${(e as Error).message}`);
    }
    const out: MetadataRecord[] = [];
    for (const f of files) {
      const r = await this.#read(join(folder, f), decodeURIComponent(f.slice(0, -'.json'.length)));
      if (!r.ok) return r;
      if (r.value !== null) out.push(r.value);
    }
    return ok(out.sort(byName));
  }

  async delete(project: string, kind: MetadataKind, name: string): Promise<Result<boolean>> {
    const had = await this.get(project, kind, name);
    if (!had.ok) return had;
    try {
      await rm(join(this.#folder(project, kind), `${encodeURIComponent(name)}.json`), { force: true });
      return ok(had.value !== null);
    } catch (e) {
      return err('store_unavailable', `cannot delete metadata: ${(e as Error).message}`);
    }
  }

  async #read(path: string, name: string): Promise<Result<MetadataRecord | null>> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(null);
      return err('store_unavailable', `cannot read ${path}: ${(e as Error).message}`);
    }
    try {
      const { updatedAt, body } = JSON.parse(text) as { updatedAt: string; body: unknown };
      return ok({ name, body, updatedAt });
    } catch {
      return err('corrupt_data', `${path} is not a metadata record (invalid JSON)`);
    }
  }
}
