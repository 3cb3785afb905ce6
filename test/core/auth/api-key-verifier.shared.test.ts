// The API key verifier (src/worker/auth) with a fake clock, in Node and in workerd: the
// per-isolate record cache, revocation delay, store failures, and the bearer header parser.
import { describe, expect, it } from 'vitest';
import { err, ok } from '../../../src/core/errors.ts';
import type { MetadataStore } from '../../../src/stores/metadata/metadata-store.ts';
import { MemoryMetadataStore } from '../../../src/stores/metadata/memory-metadata-store.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../../../src/worker/auth/api-key-admin.ts';
import { ApiKeyVerifier } from '../../../src/worker/auth/api-key-verifier.ts';
import { bearerToken } from '../../../src/worker/auth/bearer-token.ts';

/** A metadata store that counts reads. */
function counting(inner: MetadataStore) {
  const c = { gets: 0 };
  const store: MetadataStore = { ...inner, get: (...a) => (c.gets++, inner.get(...a)), put: (...a) => inner.put(...a), list: (...a) => inner.list(...a), delete: (...a) => inner.delete(...a) };
  return { store, c };
}

describe('ApiKeyVerifier', () => {
  it('reuses a record for cacheMs, so a revocation takes effect within that time', async () => {
    const mem = new MemoryMetadataStore();
    const { store, c } = counting(mem);
    let t = 1_000_000;
    const v = new ApiKeyVerifier(store, { cacheMs: 5000, clock: () => t });
    const made = await createApiKey(mem, { project: 'p', roles: ['read_online'], name: 'x' });
    if (!made.ok) throw new Error();
    const key = made.value.key;
    expect(await v.verify(key)).toEqual(ok({ kind: 'api_key', id: made.value.summary.id, projects: ['p'], roles: ['read_online'] }));
    expect(c.gets).toBe(1);
    await revokeApiKey(mem, made.value.summary.id);
    t += 4999;
    expect((await v.verify(key)).ok).toBe(true);
    expect(c.gets).toBe(1);
    t += 1;
    expect(await v.verify(key)).toEqual(err('unauthenticated', `API key ${made.value.summary.id} was revoked`));
    expect(c.gets).toBe(2);
  });

  it('does not cache unknown ids (they cannot grow the cache) and answers them like wrong secrets', async () => {
    const { store, c } = counting(new MemoryMetadataStore());
    const v = new ApiKeyVerifier(store, { cacheMs: 5000, clock: () => 0 });
    const unknown = `lk_0123456789abcdef_${'A'.repeat(43)}`;
    expect(await v.verify(unknown)).toEqual(err('unauthenticated', 'invalid API key'));
    expect(await v.verify(unknown)).toEqual(err('unauthenticated', 'invalid API key'));
    expect(c.gets).toBe(2);
  });

  it('a failing store gives store_unavailable without its message', async () => {
    const broken = { get: async () => err('store_unavailable', 'D1: password=hunter2') } as unknown as MetadataStore;
    const r = await new ApiKeyVerifier(broken, { cacheMs: 0 }).verify(`lk_0123456789abcdef_${'A'.repeat(43)}`);
    expect(r).toEqual(err('store_unavailable', 'cannot read API keys: the metadata store is unavailable'));
  });

  it('a record that does not parse is no key', async () => {
    const mem = new MemoryMetadataStore();
    await mem.put('_auth', 'api_key', '0123456789abcdef', { id: '0123456789abcdef', roles: ['admin'] });
    const r = await new ApiKeyVerifier(mem, { cacheMs: 0 }).verify(`lk_0123456789abcdef_${'A'.repeat(43)}`);
    expect(r).toEqual(err('unauthenticated', 'invalid API key'));
    expect(await listApiKeys(mem)).toEqual(ok([]));
  });
});

describe('bearerToken', () => {
  it('takes exactly one token after a case-insensitive Bearer', () => {
    expect(bearerToken('Bearer abc.def-_~+/=')).toEqual(ok('abc.def-_~+/='));
    expect(bearerToken('bearer   abc ')).toEqual(ok('abc'));
    for (const h of [undefined, '', '  ', 'Bearer', 'Bearer a b', 'Basic abc', 'Bearer a,b', 'Bearer é', `Bearer ${'a'.repeat(9000)}`, 'Bearerabc'])
      expect(bearerToken(h).ok, String(h).slice(0, 20)).toBe(false);
  });
});
