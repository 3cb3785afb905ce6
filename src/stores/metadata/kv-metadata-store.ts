import { err, ok, type Result } from '../../core/errors.ts';
import { byName, checkMetadataName, type MetadataKind, type MetadataRecord, type MetadataStore } from './metadata-store.ts';

/** The subset of KVNamespace this store uses (injected; no SDK types). */
export interface KvMetaLike {
  get(key: string, type: 'text'): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  list(options: { prefix: string; cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
}

/**
 * Metadata in Workers KV, one key per record: `${prefix}${project}:${kind}:${name}` holding
 * `{"updatedAt": ..., "body": ...}`. KV is eventually consistent: a record written elsewhere
 * may take up to a minute to be seen at another location.
 */
export class KvMetadataStore implements MetadataStore {
  readonly #kv: KvMetaLike;
  readonly #prefix: string;
  readonly #now: () => Date;

  constructor(kv: KvMetaLike, options: { keyPrefix?: string; now?: () => Date } = {}) {
    this.#kv = kv;
    this.#prefix = options.keyPrefix ?? 'meta:';
    this.#now = options.now ?? (() => new Date());
  }

  #key(project: string, kind: MetadataKind, name: string): string {
    return `${this.#prefix}${project}:${kind}:${name}`;
  }

  async get(project: string, kind: MetadataKind, name: string): Promise<Result<MetadataRecord | null>> {
    try {
      const text = await this.#kv.get(this.#key(project, kind, name), 'text');
      if (text === null) return ok(null);
      const { updatedAt, body } = JSON.parse(text) as { updatedAt: string; body: unknown };
      return ok({ name, body, updatedAt });
    } catch (e) {
      return err('store_unavailable', `cannot read metadata from KV: ${(e as Error).message}`);
    }
  }

  async put(project: string, kind: MetadataKind, name: string, body: unknown): Promise<Result<void>> {
    const bad = checkMetadataName(name);
    if (bad !== null) return err('invalid_argument', bad);
    if (JSON.stringify(body) === undefined) return err('invalid_argument', 'a metadata record body must be JSON');
    // KV keys are at most 512 bytes.
    if (new TextEncoder().encode(this.#key(project, kind, name)).length > 512) return err('invalid_argument', `metadata name too long for a KV key: ${name}`);
    try {
      await this.#kv.put(this.#key(project, kind, name), JSON.stringify({ updatedAt: this.#now().toISOString(), body }));
      return ok(undefined);
    } catch (e) {
      return err('store_unavailable', `cannot write metadata to KV: ${(e as Error).message}`);
    }
  }

  async list(project: string, kind: MetadataKind): Promise<Result<MetadataRecord[]>> {
    const prefix = this.#key(project, kind, '');
    const out: MetadataRecord[] = [];
    try {
      let cursor: string | undefined;
      do {
        const page = await this.#kv.list(cursor === undefined ? { prefix } : { prefix, cursor });
        for (const k of page.keys) {
          const r = await this.get(project, kind, k.name.slice(prefix.length));
          if (!r.ok) return r;
          if (r.value !== null) out.push(r.value);
        }
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor !== undefined);
    } catch (e) {
      return err('store_unavailable', `cannot list metadata in KV: ${(e as Error).message}`);
    }
    return ok(out.sort(byName));
  }

  async delete(project: string, kind: MetadataKind, name: string): Promise<Result<boolean>> {
    const had = await this.get(project, kind, name);
    if (!had.ok) return had;
    try {
      await this.#kv.delete(this.#key(project, kind, name));
      return ok(had.value !== null);
    } catch (e) {
      return err('store_unavailable', `cannot delete metadata in KV: ${(e as Error).message}`);
    }
  }
}
