import { API_KEY_KIND, API_KEY_NAMESPACE, ApiKeyRecord, generateApiKey, KeyId } from '../../core/auth/api-key.ts';
import type { Role } from '../../core/auth/roles.ts';
import { err, ok, type Result } from '../../core/errors.ts';
import type { MetadataStore } from '../../stores/metadata/metadata-store.ts';

/** An API key as listed: everything but the hash (no secret is stored at all). */
export type ApiKeySummary = Omit<ApiKeyRecord, 'hash' | 'formatVersion'>;

const summary = (r: ApiKeyRecord): ApiKeySummary => ({ id: r.id, name: r.name, project: r.project, roles: r.roles, createdAt: r.createdAt, revokedAt: r.revokedAt });

/** Create a key: stores its record and returns the key, which exists nowhere else afterwards. */
export async function createApiKey(
  metadata: MetadataStore,
  input: { project: string; roles: readonly Role[]; name: string; now?: Date },
): Promise<Result<{ key: string; summary: ApiKeySummary }>> {
  const { key, record } = await generateApiKey({ ...input, now: input.now ?? new Date() });
  const put = await metadata.put(API_KEY_NAMESPACE, API_KEY_KIND, record.id, record);
  if (!put.ok) return put;
  return ok({ key, summary: summary(record) });
}

/** Every key (of `project`, or of every project when it is undefined), by creation time. */
export async function listApiKeys(metadata: MetadataStore, project?: string): Promise<Result<ApiKeySummary[]>> {
  const r = await metadata.list(API_KEY_NAMESPACE, API_KEY_KIND);
  if (!r.ok) return r;
  const out: ApiKeySummary[] = [];
  for (const rec of r.value) {
    const p = ApiKeyRecord.safeParse(rec.body);
    if (p.success && (project === undefined || p.data.project === project)) out.push(summary(p.data));
  }
  return ok(out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1)));
}

/** Revoke a key by id or by the key itself (the record stays, marked, so `list` shows it). `already` when it was revoked before. */
export async function revokeApiKey(metadata: MetadataStore, idOrKey: string, now: Date = new Date()): Promise<Result<{ summary: ApiKeySummary; already: boolean }>> {
  // A whole key (a leaked one, pasted) names its id; the argument is never echoed: it may be a secret.
  const id = /^lk_([0-9a-f]{16})_/.exec(idOrKey)?.[1] ?? idOrKey;
  if (!KeyId.safeParse(id).success) return err('invalid_argument', 'not an API key id: give the 16 hex digits larder keys list shows (or the whole key)');
  const r = await metadata.get(API_KEY_NAMESPACE, API_KEY_KIND, id);
  if (!r.ok) return r;
  const p = r.value === null ? null : ApiKeyRecord.safeParse(r.value.body);
  if (p === null || !p.success) return err('not_found', `no API key ${id}`);
  if (p.data.revokedAt !== null) return ok({ summary: summary(p.data), already: true });
  const revoked: ApiKeyRecord = { ...p.data, revokedAt: now.toISOString() };
  const put = await metadata.put(API_KEY_NAMESPACE, API_KEY_KIND, id, revoked);
  if (!put.ok) return put;
  return ok({ summary: summary(revoked), already: false });
}

/** The stored record of a key (for export to a deployed store); it holds a hash, never the secret. */
export async function getApiKeyRecord(metadata: MetadataStore, idOrKey: string): Promise<Result<ApiKeyRecord>> {
  const id = /^lk_([0-9a-f]{16})_/.exec(idOrKey)?.[1] ?? idOrKey;
  if (!KeyId.safeParse(id).success) return err('invalid_argument', 'not an API key id: give the 16 hex digits larder keys list shows (or the whole key)');
  const r = await metadata.get(API_KEY_NAMESPACE, API_KEY_KIND, id);
  if (!r.ok) return r;
  const p = r.value === null ? null : ApiKeyRecord.safeParse(r.value.body);
  return p === null || !p.success ? err('not_found', `no API key ${id}`) : ok(p.data);
}
