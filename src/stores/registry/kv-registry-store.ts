import { err, ok, type Result } from '../../core/errors.ts';
import type { RegistryDocument } from '../../core/schema/registry-document.ts';
import { parseRegistry, serializeRegistry } from '../../core/registry/serialize.ts';
import { conflictMessage, type RegistryStore } from './registry-store.ts';

/** The subset of KVNamespace this store uses (injected; no SDK types). */
export interface KvTextLike {
  get(key: string, type: 'text'): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}

/**
 * Registry in Workers KV under `${keyPrefix}${project}`. KV has no compare-and-swap and is
 * eventually consistent: the version check here catches stale applies that are seconds apart,
 * not two applies racing within KV's propagation window. Prefer D1 when several people apply.
 */
export class KvRegistryStore implements RegistryStore {
  readonly #kv: KvTextLike;
  readonly #prefix: string;

  constructor(kv: KvTextLike, options: { keyPrefix?: string } = {}) {
    this.#kv = kv;
    this.#prefix = options.keyPrefix ?? 'registry:';
  }

  async read(project: string): Promise<Result<RegistryDocument | null>> {
    try {
      const body = await this.#kv.get(this.#prefix + project, 'text');
      return body === null ? ok(null) : parseRegistry(body);
    } catch (e) {
      return err('store_unavailable', `cannot read the registry from KV: ${(e as Error).message}`);
    }
  }

  async write(doc: RegistryDocument, expectedVersion: number): Promise<Result<void>> {
    if (doc.version !== expectedVersion + 1) return err('invalid_argument', `version ${doc.version} does not follow ${expectedVersion}`);
    const current = await this.read(doc.project);
    if (!current.ok) return current;
    const actual = current.value?.version ?? 0;
    if (actual !== expectedVersion) return err('conflict', conflictMessage(doc.project, expectedVersion, actual), { expectedVersion, actualVersion: actual });
    try {
      await this.#kv.put(this.#prefix + doc.project, serializeRegistry(doc));
      return ok(undefined);
    } catch (e) {
      return err('store_unavailable', `cannot write the registry to KV: ${(e as Error).message}`);
    }
  }
}
