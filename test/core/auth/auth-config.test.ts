import { describe, expect, it } from 'vitest';
import { AuthConfig, authConfigInput } from '../../../src/core/auth/auth-config.ts';
import { ProjectConfig } from '../../../src/core/schema/project-config.ts';

describe('auth config (larder.yaml auth, LARDER_AUTH)', () => {
  it('is optional in larder.yaml: absent means open', () => {
    expect(ProjectConfig.parse({ project: 'p' })).not.toHaveProperty('auth');
    expect(ProjectConfig.parse({ project: 'p', auth: {} }).auth).toEqual({ apiKeys: true, keyCacheSeconds: 5 });
  });

  it('reads a JWT section with defaults', () => {
    const c = AuthConfig.parse({ api_keys: false, jwt: { jwks_url: 'https://id.example.com/jwks.json', issuer: 'https://id.example.com/', audience: ['larder', 'x'] } });
    expect(c).toEqual({
      apiKeys: false,
      keyCacheSeconds: 5,
      jwt: { jwksUrl: 'https://id.example.com/jwks.json', issuer: 'https://id.example.com/', audience: ['larder', 'x'], roleClaim: 'roles', algorithms: ['RS256', 'ES256'], clockToleranceSeconds: 30 },
    });
  });

  it('round-trips through its larder.yaml form (what larder dev writes into LARDER_AUTH)', () => {
    for (const input of [
      {},
      { api_keys: true, key_cache_seconds: 0 },
      { jwt: { public_key: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----', issuer: 'i', audience: 'a', role_claim: 'realm_access.roles', project_claim: 'larder_project', algorithms: ['ES256'], clock_tolerance_seconds: 0 } },
    ]) {
      const c = AuthConfig.parse(input);
      expect(AuthConfig.parse(JSON.parse(JSON.stringify(authConfigInput(c))))).toEqual(c);
    }
  });

  it('refuses configs that accept nothing, ambiguous keys, HS256 and unknown keys', () => {
    const bad = [
      { api_keys: false },
      { jwt: { issuer: 'i', audience: 'a' } },
      { jwt: { jwks_url: 'https://x/j', public_key: 'k', issuer: 'i', audience: 'a' } },
      { jwt: { jwks_url: 'ftp://x/j', issuer: 'i', audience: 'a' } },
      { jwt: { jwks_url: 'https://x/j', issuer: 'i', audience: 'a', algorithms: ['HS256'] } },
      { jwt: { jwks_url: 'https://x/j', audience: 'a' } },
      { jwt: { jwks_url: 'https://x/j', issuer: 'i' } },
      { api_key: true },
      { key_cache_seconds: -1 },
    ];
    for (const b of bad) expect(AuthConfig.safeParse(b).success, JSON.stringify(b)).toBe(false);
    expect(ProjectConfig.safeParse({ project: 'p', auth: { api_keys: false } }).success).toBe(false);
  });
});
