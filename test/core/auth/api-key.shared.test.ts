import { describe, expect, it } from 'vitest';
import { ApiKeyRecord, generateApiKey, parseApiKey, secretMatches } from '../../../src/core/auth/api-key.ts';
import { timingSafeEqual } from '../../../src/core/auth/constant-time.ts';

describe('API keys', () => {
  it('generates lk_<id>_<secret> keys whose record holds only a salted hash', async () => {
    const { key, record } = await generateApiKey({ project: 'p1', roles: ['write_online', 'read_online', 'read_online'], name: 'ci', now: new Date('2026-01-02T03:04:05Z') });
    expect(key).toMatch(/^lk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseApiKey(key)!;
    expect(parsed.id).toBe(record.id);
    expect(parsed.secret.length).toBe(32);
    expect(record).toMatchObject({ formatVersion: 1, name: 'ci', project: 'p1', roles: ['read_online', 'write_online'], createdAt: '2026-01-02T03:04:05.000Z', revokedAt: null });
    expect(ApiKeyRecord.parse(record)).toEqual(record);
    const text = JSON.stringify(record);
    expect(text).not.toContain(key.slice(20));
    expect(text).not.toContain(key.slice(20, 40));
    expect(await secretMatches(record, parsed.secret)).toBe(true);
    const wrong = parsed.secret.slice();
    wrong[31] ^= 1;
    expect(await secretMatches(record, wrong)).toBe(false);
  });

  it('two keys never share an id, secret or salt', async () => {
    const a = await generateApiKey({ project: 'p', roles: ['admin'], name: '', now: new Date() });
    const b = await generateApiKey({ project: 'p', roles: ['admin'], name: '', now: new Date() });
    expect(a.record.id).not.toBe(b.record.id);
    expect(a.key).not.toBe(b.key);
    expect(a.record.hash.salt).not.toBe(b.record.hash.salt);
  });

  it('refuses anything not shaped like a key', () => {
    for (const bad of ['', 'lk_', 'lk_0123456789abcdef', 'lk_0123456789ABCDEF_' + 'a'.repeat(43), 'lk_0123456789abcdef_' + 'a'.repeat(42), 'lk_0123456789abcdef_' + 'a'.repeat(44), 'xx_0123456789abcdef_' + 'a'.repeat(43), 'lk_0123456789abcdef_' + '!'.repeat(43)])
      expect(parseApiKey(bad)).toBeNull();
  });

  it('compares bytes in constant time, whatever the lengths', () => {
    const a = new Uint8Array([1, 2, 3, 4]);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3, 4]))).toBe(true);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3, 5]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([0, 2, 3, 4]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3]))).toBe(false);
    expect(timingSafeEqual(a, new Uint8Array([1, 2, 3, 4, 0]))).toBe(false);
    expect(timingSafeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
    expect(timingSafeEqual(new Uint8Array(0), new Uint8Array([0]))).toBe(false);
  });
});
