// JWT bearer tokens over the app in Node: RS256 against a JWKS served from a local HTTP
// server, ES256 against a pinned PEM key; expiry, not-before, issuer, audience, signature,
// algorithm, roles and project checks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthConfig, type AuthConfigInput } from '../../../src/core/auth/auth-config.ts';
import { ok } from '../../../src/core/errors.ts';
import { MemoryMetadataStore } from '../../../src/stores/metadata/memory-metadata-store.ts';
import { MemoryOnlineStore } from '../../../src/stores/memory/memory-online-store.ts';
import { createApp, type AppDeps } from '../../../src/worker/app.ts';
import { createApiKey } from '../../../src/worker/auth/api-key-admin.ts';
import { fixtureRegistry, fixtureTransforms } from '../../serving/fixture-registry.ts';
import { testKernel } from '../../support/kernel.ts';
import { ALLOWED, ENDPOINTS, memoryOfflineWriter, requestFor, ROLE_SETS } from '../../core/auth/access-matrix.ts';

const ISS = 'https://id.example.test/';
const AUD = 'larder-api';
type Keys = Awaited<ReturnType<typeof generateKeyPair>>;
let rsa: Keys;
let rsaOther: Keys;
let ec: Keys;
let server: Server;
let jwksUrl = '';
let jwksHits = 0;
const logged: unknown[][] = [];
const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a)));
const tokens: string[] = [];

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  rsaOther = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    jwksHits++;
    if (req.url !== '/jwks.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});

afterAll(async () => {
  for (const s of spies) s.mockRestore();
  await new Promise((r) => server.close(r));
  const all = logged.map((a) => a.map(String).join(' ')).join('\n');
  for (const t of tokens) expect(all).not.toContain(t.split('.')[2]);
});

const now = () => Math.floor(Date.now() / 1000);

async function sign(claims: JWTPayload, opts: { key?: Keys; alg?: 'RS256' | 'ES256'; kid?: string; iss?: string; aud?: string | string[]; exp?: number | null; nbf?: number } = {}): Promise<string> {
  const alg = opts.alg ?? 'RS256';
  let jwt = new SignJWT({ sub: 'user-1', ...claims })
    .setProtectedHeader({ alg, ...(alg === 'RS256' && { kid: opts.kid ?? 'rsa-1' }) })
    .setIssuer(opts.iss ?? ISS)
    .setAudience(opts.aud ?? AUD)
    .setIssuedAt();
  if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? now() + 300);
  if (opts.nbf !== undefined) jwt = jwt.setNotBefore(opts.nbf);
  const t = await jwt.sign((opts.key ?? (alg === 'ES256' ? ec : rsa)).privateKey);
  tokens.push(t);
  return t;
}

function app(jwt: NonNullable<AuthConfigInput['jwt']>, extra: Partial<AuthConfigInput> = {}, project = 'proj_a', metadata = new MemoryMetadataStore()) {
  const a = createApp({
    project,
    kernel: testKernel,
    registry: { get: async () => ok(fixtureRegistry()) },
    online: new MemoryOnlineStore(),
    metadata,
    transforms: fixtureTransforms,
    offline: memoryOfflineWriter(),
    auth: AuthConfig.parse({ api_keys: false, ...extra, jwt }),
  } as AppDeps);
  return async (req: Request) => {
    const res = await a.fetch(req);
    const text = await res.text();
    for (const t of tokens) expect(text).not.toContain(t.split('.')[2]);
    return { status: res.status, code: text.startsWith('{"error"') ? (JSON.parse(text) as { error: { code: string; message: string } }).error : null, headers: res.headers };
  };
}

const get = (token: string) => requestFor(ENDPOINTS[0], `Bearer ${token}`);

describe('JWT from a JWKS URL (RS256)', () => {
  const conf = () => ({ jwks_url: jwksUrl, issuer: ISS, audience: AUD, role_claim: 'larder.roles', project_claim: 'larder_project' });
  let call: ReturnType<typeof app>;
  beforeAll(() => {
    call = app(conf());
  });
  const claims = (roles: unknown, project: unknown = 'proj_a') => ({ larder: { roles }, larder_project: project });

  it('every role against every endpoint', async () => {
    for (const [name, roles] of Object.entries(ROLE_SETS)) {
      const t = await sign(claims(roles));
      for (const e of ENDPOINTS) {
        const r = await call(requestFor(e, `Bearer ${t}`));
        expect(r.status, `${name} ${e.name}`).toBe(ALLOWED[e.name].includes(name) ? e.okStatus : 403);
      }
    }
    expect(jwksHits).toBeGreaterThan(0);
    expect(jwksHits).toBeLessThan(5); // jose caches the key set
  });

  it('roles may be a space-separated string; unknown roles grant nothing', async () => {
    expect((await call(get(await sign(claims('read_online write_online'))))).status).toBe(200);
    const r = await call(get(await sign(claims(['superuser']))));
    expect(r.status).toBe(403);
    expect(r.code?.message).toBe('this token (no larder role) may not read_online');
    expect((await call(get(await sign({ larder_project: 'proj_a' })))).status).toBe(403);
  });

  const refused: [string, () => Promise<string>, string][] = [
    ['expired', () => sign(claims(['admin']), { exp: now() - 120 }), 'invalid token: expired'],
    ['not yet valid', () => sign(claims(['admin']), { nbf: now() + 600 }), 'invalid token: not yet valid'],
    ['wrong issuer', () => sign(claims(['admin']), { iss: 'https://evil.example/' }), 'invalid token: issuer not accepted'],
    ['wrong audience', () => sign(claims(['admin']), { aud: 'another-api' }), 'invalid token: audience not accepted'],
    ['no expiry', () => sign(claims(['admin']), { exp: null }), 'invalid token: no expiry (exp)'],
    ['signed by another key with the same kid', () => sign(claims(['admin']), { key: rsaOther }), 'invalid token: bad signature'],
    ['signed by a key the JWKS lacks', () => sign(claims(['admin']), { key: rsaOther, kid: 'rsa-2' }), 'invalid token: signed by an unknown key'],
    ['ES256 with no matching JWKS key', () => sign(claims(['admin']), { alg: 'ES256' }), 'invalid token: signed by an unknown key'],
    ['a tampered payload', async () => {
      const [h, , s] = (await sign(claims(['read_online']))).split('.');
      const p = Buffer.from(JSON.stringify({ sub: 'x', iss: ISS, aud: AUD, exp: now() + 300, larder: { roles: ['admin'] }, larder_project: 'proj_a' })).toString('base64url');
      return `${h}.${p}.${s}`;
    }, 'invalid token: bad signature'],
    ['alg none', async () => `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISS, aud: AUD, exp: now() + 60, larder: { roles: ['admin'] } })).toString('base64url')}.`, 'invalid token: algorithm not accepted'],
    ['HS256', async () => new SignJWT({ larder: { roles: ['admin'] }, larder_project: 'proj_a' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISS).setAudience(AUD).setExpirationTime(now() + 60).sign(new TextEncoder().encode('k'.repeat(32))), 'invalid token: algorithm not accepted'],
    ['three garbage segments', async () => 'aaa.bbb.ccc', 'invalid token: malformed'],
  ];
  for (const [what, make, message] of refused)
    it(`refuses ${what} (401)`, async () => {
      const r = await call(get(await make()));
      expect(r.status).toBe(401);
      expect(r.code).toEqual({ code: 'unauthenticated', message });
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="larder", error="invalid_token"');
    });

  it('allows the configured clock tolerance around exp and nbf', async () => {
    expect((await call(get(await sign(claims(['read_online']), { exp: now() - 10 })))).status).toBe(200);
    expect((await call(get(await sign(claims(['read_online']), { nbf: now() + 10 })))).status).toBe(200);
    const strict = app({ ...conf(), clock_tolerance_seconds: 0 });
    expect((await strict(get(await sign(claims(['read_online']), { exp: now() - 10 })))).status).toBe(401);
  });

  it("a token for another project never reaches this project's data", async () => {
    for (const project of ['proj_b', ['proj_b', 'proj_c'], null, 42, '']) {
      const r = await call(get(await sign(claims(['admin'], project))));
      expect(r.status, String(project)).toBe(403);
      expect(r.code?.code).toBe('forbidden');
    }
    const noClaim = await call(get(await sign({ larder: { roles: ['admin'] } })));
    expect(noClaim.status).toBe(403);
    expect(noClaim.code?.message).toBe('this token is for no project, not proj_a');
    expect((await call(get(await sign(claims(['read_online'], ['proj_b', 'proj_a']))))).status).toBe(200);
    const callB = app(conf(), {}, 'proj_b');
    expect((await callB(get(await sign(claims(['admin'], 'proj_a'))))).status).toBe(403);
    expect((await callB(get(await sign(claims(['admin'], 'proj_b'))))).status).toBe(200);
  });

  it('API keys are refused when only JWTs are configured', async () => {
    const metadata = new MemoryMetadataStore();
    const k = await createApiKey(metadata, { project: 'proj_a', roles: ['admin'], name: '' });
    const r = await app(conf(), {}, 'proj_a', metadata)(get(k.ok ? k.value.key : ''));
    expect(r.status).toBe(401);
    expect(r.code?.message).toBe('API keys are not accepted here: send a JWT');
  });

  it('keys and JWTs together: both work', async () => {
    const metadata = new MemoryMetadataStore();
    const k = await createApiKey(metadata, { project: 'proj_a', roles: ['read_online'], name: '' });
    const both = app(conf(), { api_keys: true }, 'proj_a', metadata);
    expect((await both(get(k.ok ? k.value.key : ''))).status).toBe(200);
    expect((await both(get(await sign(claims(['read_online']))))).status).toBe(200);
  });

  it('an unreachable JWKS gives 503, never access', async () => {
    const down = app({ ...conf(), jwks_url: 'http://127.0.0.1:9/jwks.json' });
    const r = await down(get(await sign(claims(['admin']))));
    expect(r.status).toBe(503);
    expect(r.code?.code).toBe('store_unavailable');
  });
});

describe('JWT with a pinned key (ES256, no project claim: bound by the audience)', () => {
  it('accepts tokens signed by the pinned key, refuses others', async () => {
    const pem = await exportSPKI(ec.publicKey);
    const call = app({ public_key: pem, issuer: ISS, audience: AUD, algorithms: ['ES256'] });
    expect((await call(get(await sign({ roles: ['read_online'] }, { alg: 'ES256' })))).status).toBe(200);
    expect((await call(get(await sign({ roles: 'read_online' }, { alg: 'ES256' })))).status).toBe(200);
    const other = await generateKeyPair('ES256');
    const bad = await call(get(await sign({ roles: ['read_online'] }, { alg: 'ES256', key: other })));
    expect(bad.status).toBe(401);
    expect(bad.code?.message).toBe('invalid token: bad signature');
    const rs = await call(get(await sign({ roles: ['read_online'] })));
    expect(rs.code?.message).toBe('invalid token: algorithm not accepted');
  });

  it('takes a JWK or a JWK set as the pinned key', async () => {
    const jwk = await exportJWK(ec.publicKey);
    for (const public_key of [jwk, JSON.stringify(jwk), { keys: [{ ...jwk, alg: 'ES256' }] }]) {
      const call = app({ public_key: public_key as Record<string, unknown>, issuer: ISS, audience: AUD });
      expect((await call(get(await sign({ roles: ['write_online'] }, { alg: 'ES256' })))).status).toBe(403);
      expect((await call(get(await sign({ roles: ['read_online'] }, { alg: 'ES256' })))).status).toBe(200);
    }
  });

  it('an unreadable pinned key fails closed (500 auth_misconfigured)', async () => {
    const call = app({ public_key: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----', issuer: ISS, audience: AUD });
    const r = await call(get(await sign({ roles: ['admin'] }, { alg: 'ES256' })));
    expect(r.status).toBe(500);
    expect(r.code?.code).toBe('auth_misconfigured');
  });
});
