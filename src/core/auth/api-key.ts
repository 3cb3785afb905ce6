import { z } from 'zod';
import { base64ToBytes, bytesToBase64Url } from '../base64.ts';
import { ProjectName } from '../schema/project-config.ts';
import { timingSafeEqual } from './constant-time.ts';
import { Role } from './roles.ts';

/**
 * API keys. A key is `lk_<id>_<secret>`: `id` is 16 hex digits (8 random bytes), `secret` is
 * 32 random bytes in unpadded base64url (43 characters). Only the record below is stored, in
 * the metadata store under project API_KEY_NAMESPACE, kind `api_key`, name = id: one
 * namespace for every project, so a key of project A presented to project B is recognized
 * and refused (403), never looked up among B's data. The secret is never stored: the record
 * keeps SHA-256(salt || secret bytes) with a per-key 16-byte salt. The secret has 256 bits of
 * entropy, so a fast hash is enough (no password stretching needed).
 */
export const API_KEY_NAMESPACE = '_auth';
export const API_KEY_KIND = 'api_key';
export const API_KEY_FORMAT_VERSION = 1;

const KEY_PATTERN = /^lk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
export const KeyId = z.string().regex(/^[0-9a-f]{16}$/, 'an API key id is 16 hex digits');

const B64 = z.string().regex(/^[A-Za-z0-9_-]+$/);

/** The stored record, format v1. */
export const ApiKeyRecord = z.strictObject({
  formatVersion: z.literal(API_KEY_FORMAT_VERSION),
  id: KeyId,
  name: z.string().max(200),
  project: ProjectName,
  roles: z.array(Role).min(1),
  hash: z.strictObject({ algorithm: z.literal('sha256-salted'), salt: B64, digest: B64 }),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyRecord = z.output<typeof ApiKeyRecord>;

/** The parts of a presented key, or null when it is not shaped like one. */
export function parseApiKey(token: string): { id: string; secret: Uint8Array } | null {
  const m = KEY_PATTERN.exec(token);
  if (m === null) return null;
  const secret = base64ToBytes(m[2]);
  return secret !== null && secret.length === 32 ? { id: m[1], secret } : null;
}

export const looksLikeApiKey = (token: string): boolean => token.startsWith('lk_');

async function saltedDigest(salt: Uint8Array, secret: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(salt.length + secret.length);
  buf.set(salt, 0);
  buf.set(secret, salt.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

/** A new key and its record (WebCrypto randomness; runs in Node and workerd). The key is returned once, never stored. */
export async function generateApiKey(input: { project: string; roles: readonly Role[]; name: string; now: Date }): Promise<{ key: string; record: ApiKeyRecord }> {
  const idBytes = crypto.getRandomValues(new Uint8Array(8));
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const id = [...idBytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  const digest = await saltedDigest(salt, secret);
  const record = ApiKeyRecord.parse({
    formatVersion: API_KEY_FORMAT_VERSION,
    id,
    name: input.name,
    project: input.project,
    roles: [...new Set(input.roles)].sort(),
    hash: { algorithm: 'sha256-salted', salt: bytesToBase64Url(salt), digest: bytesToBase64Url(digest) },
    createdAt: input.now.toISOString(),
    revokedAt: null,
  });
  return { key: `lk_${id}_${bytesToBase64Url(secret)}`, record };
}

/** True when `secret` hashes to the record's digest (constant-time comparison). */
export async function secretMatches(record: ApiKeyRecord, secret: Uint8Array): Promise<boolean> {
  const salt = base64ToBytes(record.hash.salt);
  const want = base64ToBytes(record.hash.digest);
  if (salt === null || want === null) return false;
  return timingSafeEqual(await saltedDigest(salt, secret), want);
}
