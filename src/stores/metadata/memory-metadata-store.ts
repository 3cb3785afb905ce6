import { err, ok, type Result } from '../../core/errors.ts';
import { byName, checkMetadataName, type MetadataKind, type MetadataRecord, type MetadataStore } from './metadata-store.ts';

/** Metadata in memory (tests, `larder serve --online memory`). Bodies are stored as JSON text, as the real stores do. */
export class MemoryMetadataStore implements MetadataStore {
  readonly #rows = new Map<string, { name: string; text: string; updatedAt: string }>();
  readonly #now: () => Date;

  constructor(options: { now?: () => Date } = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  async get(project: string, kind: MetadataKind, name: string): Promise<Result<MetadataRecord | null>> {
    const row = this.#rows.get(key(project, kind, name));
    return ok(row === undefined ? null : { name: row.name, body: JSON.parse(row.text), updatedAt: row.updatedAt });
  }

  async put(project: string, kind: MetadataKind, name: string, body: unknown): Promise<Result<void>> {
    const bad = checkMetadataName(name);
    if (bad !== null) return err('invalid_argument', bad);
    const text = JSON.stringify(body);
    if (text === undefined) return err('invalid_argument', 'a metadata record body must be JSON');
    this.#rows.set(key(project, kind, name), { name, text, updatedAt: this.#now().toISOString() });
    return ok(undefined);
  }

  async list(project: string, kind: MetadataKind): Promise<Result<MetadataRecord[]>> {
    const prefix = key(project, kind, '');
    const out: MetadataRecord[] = [];
    for (const [k, row] of this.#rows) if (k.startsWith(prefix)) out.push({ name: row.name, body: JSON.parse(row.text), updatedAt: row.updatedAt });
    return ok(out.sort(byName));
  }

  async delete(project: string, kind: MetadataKind, name: string): Promise<Result<boolean>> {
    return ok(this.#rows.delete(key(project, kind, name)));
  }
}

const key = (project: string, kind: string, name: string) => `${project}\u0000${kind}\u0000${name}`;
