import { API_KEY_KIND, API_KEY_NAMESPACE, ApiKeyRecord, parseApiKey, secretMatches } from '../../core/auth/api-key.ts';
import { err, ok, type Result } from '../../core/errors.ts';
import type { MetadataStore } from '../../stores/metadata/metadata-store.ts';
import type { Principal } from './principal.ts';

const MAX_CACHED = 1000;

/**
 * Verifies `lk_<id>_<secret>` keys against their records in the metadata store. A record
 * (never a secret) is reused for `cacheMs` per isolate, so a revocation takes effect within
 * that time; the secret's hash is recomputed and compared on every request.
 */
export class ApiKeyVerifier {
  readonly #metadata: MetadataStore | undefined;
  readonly #cacheMs: number;
  readonly #clock: () => number;
  readonly #cache = new Map<string, { record: ApiKeyRecord | null; until: number }>();

  constructor(metadata: MetadataStore | undefined, options: { cacheMs: number; clock?: () => number }) {
    this.#metadata = metadata;
    this.#cacheMs = options.cacheMs;
    this.#clock = options.clock ?? Date.now;
  }

  async verify(token: string): Promise<Result<Principal>> {
    const parsed = parseApiKey(token);
    if (parsed === null) return err('unauthenticated', 'invalid API key: expected lk_<16 hex digits>_<43 base64url characters>');
    const found = await this.#record(parsed.id);
    if (!found.ok) return found;
    const record = found.value;
    // A missing record and a wrong secret answer alike (and both hash, so timing says nothing either).
    const matches = await secretMatches(record ?? DUMMY, parsed.secret);
    if (record === null || !matches) return err('unauthenticated', 'invalid API key');
    if (record.revokedAt !== null) return err('unauthenticated', `API key ${record.id} was revoked`);
    return ok({ kind: 'api_key', id: record.id, projects: [record.project], roles: record.roles });
  }

  async #record(id: string): Promise<Result<ApiKeyRecord | null>> {
    const now = this.#clock();
    const hit = this.#cache.get(id);
    if (hit !== undefined && hit.until > now) return ok(hit.record);
    if (this.#metadata === undefined) return err('auth_misconfigured', 'API keys are enabled but this server has no metadata store to read them from');
    const r = await this.#metadata.get(API_KEY_NAMESPACE, API_KEY_KIND, id);
    if (!r.ok) return err('store_unavailable', 'cannot read API keys: the metadata store is unavailable');
    const parsed = r.value === null ? null : ApiKeyRecord.safeParse(r.value.body);
    const record = parsed?.success ? parsed.data : null;
    // Only records that exist are cached: unknown ids cannot grow the cache.
    if (record !== null && this.#cacheMs > 0) {
      if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(id, { record, until: now + this.#cacheMs });
    }
    return ok(record);
  }
}

/** Hashed against when no record exists, so unknown ids cost the same work as wrong secrets. */
const DUMMY: ApiKeyRecord = {
  formatVersion: 1,
  id: '0000000000000000',
  name: '',
  project: 'none',
  roles: ['read_online'],
  hash: { algorithm: 'sha256-salted', salt: 'AAAAAAAAAAAAAAAAAAAAAA', digest: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
  createdAt: '1970-01-01T00:00:00.000Z',
  revokedAt: null,
};
