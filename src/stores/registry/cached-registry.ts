import { ok, type Result } from '../../core/errors.ts';
import { indexRegistry, type RegistryIndex } from '../../core/registry/registry-index.ts';
import type { RegistryStore } from './registry-store.ts';

/**
 * The Worker's view of the registry: read from the store, indexed, and reused for `ttlMs`
 * (default 10 s), so a request costs no store read while an apply shows up within seconds.
 * Concurrent misses share one read. Failed reads are not cached.
 */
export class CachedRegistry {
  readonly #store: RegistryStore;
  readonly #project: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #entry: { at: number; value: RegistryIndex | null } | undefined;
  #pending: Promise<Result<RegistryIndex | null>> | undefined;

  constructor(store: RegistryStore, project: string, options: { ttlMs?: number; now?: () => number } = {}) {
    this.#store = store;
    this.#project = project;
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The registry (null when none was applied), at most `ttlMs` old. */
  get(): Promise<Result<RegistryIndex | null>> {
    const e = this.#entry;
    if (e !== undefined && this.#now() - e.at < this.#ttlMs) return Promise.resolve(ok(e.value));
    this.#pending ??= this.#load().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forget the cached copy (after an apply made by this isolate, say). */
  invalidate(): void {
    this.#entry = undefined;
  }

  async #load(): Promise<Result<RegistryIndex | null>> {
    const r = await this.#store.read(this.#project);
    if (!r.ok) return r;
    const value = r.value === null ? null : indexRegistry(r.value);
    this.#entry = { at: this.#now(), value };
    return ok(value);
  }
}
