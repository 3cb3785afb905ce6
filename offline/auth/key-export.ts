// How a key made locally reaches a deployed Worker: `larder keys export ID` prints its record
// (no secret in it) as a D1 upsert for `wrangler d1 execute --remote`, or as the KV key and
// value for `wrangler kv key put --remote`. Re-export after a revoke to revoke it remotely.
import { API_KEY_KIND, API_KEY_NAMESPACE, type ApiKeyRecord } from '../../src/core/auth/api-key.ts';

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** One statement for the D1 `metadata` table (migration 0003), as D1MetadataStore.put writes it. */
export function apiKeySql(record: ApiKeyRecord, now: Date = new Date()): string {
  const values = [API_KEY_NAMESPACE, API_KEY_KIND, record.id, JSON.stringify(record), now.toISOString()].map(sqlText).join(', ');
  return (
    `INSERT INTO metadata (project, kind, name, body, updated_at) VALUES (${values}) ` +
    'ON CONFLICT (project, kind, name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at;'
  );
}

/** The KV key and value KvMetadataStore (prefix `meta:`) reads. */
export function apiKeyKv(record: ApiKeyRecord, now: Date = new Date()): { key: string; value: string } {
  return { key: `meta:${API_KEY_NAMESPACE}:${API_KEY_KIND}:${record.id}`, value: JSON.stringify({ updatedAt: now.toISOString(), body: record }) };
}
