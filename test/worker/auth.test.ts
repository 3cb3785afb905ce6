// Access control inside workerd through the Worker's composition root: LARDER_AUTH from the
// environment, API keys in the D1 metadata store, a pinned ES256 key for JWTs, every role
// against every endpoint, revocation and cross-project isolation.
import { env } from 'cloudflare:workers';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { D1MetadataStore } from '../../src/stores/metadata/d1-metadata-store.ts';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { createApiKey, revokeApiKey } from '../../src/worker/auth/api-key-admin.ts';
import { createWorker, type Env } from '../../src/worker/index.ts';
import { fixtureDoc, fixtureTransforms } from '../serving/fixture-registry.ts';
import { ALLOWED, ENDPOINTS, requestFor, ROLE_SETS } from '../core/auth/access-matrix.ts';

const PROJECT = 'auth_test';
const baseEnv = env as unknown as Env;
const worker = createWorker({ transforms: Object.fromEntries(fixtureTransforms) as never });
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const metadata = new D1MetadataStore(baseEnv.DB);
const ISS = 'https://id.example.test/';
const keys: Record<string, string> = {};
const secrets: string[] = [];
const bodies: string[] = [];
let ec: Awaited<ReturnType<typeof generateKeyPair>>;
let e: Env;

async function call(req: Request, over?: Env): Promise<{ status: number; code: string | undefined; message: string | undefined; headers: Headers }> {
  const res = (await worker.fetch!(req as never, over ?? e, ctx)) as Response;
  const text = await res.text();
  bodies.push(text, JSON.stringify(Object.fromEntries(res.headers as unknown as Iterable<[string, string]>)));
  const body = text.startsWith('{"error"') ? (JSON.parse(text) as { error: { code: string; message: string } }).error : undefined;
  return { status: res.status, code: body?.code, message: body?.message, headers: res.headers };
}

async function newKey(roles: (typeof ROLE_SETS)[string], project = PROJECT) {
  const r = await createApiKey(metadata, { project, roles, name: 'workerd' });
  if (!r.ok) throw new Error(r.error.message);
  secrets.push(r.value.key.slice(20));
  return r.value.key;
}

beforeAll(async () => {
  const w = await new D1RegistryStore(baseEnv.DB).write({ ...fixtureDoc, project: PROJECT }, 0);
  if (!w.ok && w.error.code !== 'conflict') throw new Error(w.error.message);
  ec = await generateKeyPair('ES256', { extractable: true });
  e = {
    ...baseEnv,
    LARDER_PROJECT: PROJECT,
    LARDER_ONLINE_STORE: 'kv',
    LARDER_AUTH: JSON.stringify({ key_cache_seconds: 0, jwt: { public_key: await exportSPKI(ec.publicKey), issuer: ISS, audience: 'larder', project_claim: 'project' } }),
  };
  for (const [name, roles] of Object.entries(ROLE_SETS)) keys[name] = await newKey(roles);
});

const jwt = (claims: Record<string, unknown>, exp = Math.floor(Date.now() / 1000) + 300) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).setIssuer(ISS).setAudience('larder').setExpirationTime(exp).sign(ec.privateKey);

describe('access control in workerd (D1 metadata store, LARDER_AUTH)', () => {
  it('every role against every endpoint with API keys', async () => {
    for (const [name] of Object.entries(ROLE_SETS))
      for (const ep of ENDPOINTS) {
        const r = await call(requestFor(ep, `Bearer ${keys[name]}`));
        expect(r.status, `${name} ${ep.name}: ${r.message}`).toBe(ALLOWED[ep.name].includes(name) ? ep.okStatus : 403);
      }
  });

  it('every role against every endpoint with JWTs', async () => {
    for (const [name, roles] of Object.entries(ROLE_SETS)) {
      const t = await jwt({ roles, project: PROJECT });
      for (const ep of ENDPOINTS) {
        const r = await call(requestFor(ep, `Bearer ${t}`));
        expect(r.status, `${name} ${ep.name}: ${r.message}`).toBe(ALLOWED[ep.name].includes(name) ? ep.okStatus : 403);
      }
    }
  });

  it('without credentials only /health answers', async () => {
    expect((await call(new Request('http://larder.test/health'))).status).toBe(200);
    for (const ep of ENDPOINTS) {
      const r = await call(requestFor(ep));
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="larder"');
    }
  });

  it('malformed headers, expired and wrongly-signed tokens are 401', async () => {
    const other = await generateKeyPair('ES256');
    const forged = await new SignJWT({ roles: ['admin'], project: PROJECT }).setProtectedHeader({ alg: 'ES256' }).setIssuer(ISS).setAudience('larder').setExpirationTime('5m').sign(other.privateKey);
    for (const h of ['Basic abc', 'Bearer', `Bearer ${keys.admin}x`, `Bearer ${await jwt({ roles: ['admin'], project: PROJECT }, Math.floor(Date.now() / 1000) - 3600)}`, `Bearer ${forged}`]) {
      const r = await call(requestFor(ENDPOINTS[0], h));
      expect(r.status, h.slice(0, 12)).toBe(401);
      expect(r.code).toBe('unauthenticated');
    }
  });

  it('a revoked key is refused at once with key_cache_seconds 0', async () => {
    const key = await newKey(['read_online']);
    expect((await call(requestFor(ENDPOINTS[0], `Bearer ${key}`))).status).toBe(200);
    expect((await revokeApiKey(metadata, key.slice(3, 19))).ok).toBe(true);
    const r = await call(requestFor(ENDPOINTS[0], `Bearer ${key}`));
    expect(r.status).toBe(401);
    expect(r.message).toMatch(/was revoked$/);
  });

  it("credentials of another project never reach this project's data", async () => {
    const otherKey = await newKey(['admin'], 'other_project');
    const otherJwt = await jwt({ roles: ['admin'], project: 'other_project' });
    for (const ep of ENDPOINTS) {
      expect((await call(requestFor(ep, `Bearer ${otherKey}`))).status).toBe(403);
      expect((await call(requestFor(ep, `Bearer ${otherJwt}`))).status).toBe(403);
    }
  });

  it('a broken LARDER_AUTH fails closed; no LARDER_AUTH is open', async () => {
    const broken = { ...e, LARDER_AUTH: '{"api_keys": false}' };
    expect((await call(new Request('http://larder.test/health'), broken)).status).toBe(200);
    const r = await call(requestFor(ENDPOINTS[0], `Bearer ${keys.admin}`), broken);
    expect(r.status).toBe(500);
    expect(r.code).toBe('auth_misconfigured');
    const open = { ...e, LARDER_AUTH: undefined };
    expect((await call(requestFor(ENDPOINTS[0]), open)).status).toBe(200);
  });

  it('no secret in any response; the D1 row holds only the hash', async () => {
    const all = bodies.join('\n');
    for (const s of secrets) expect(all).not.toContain(s);
    const rows = await baseEnv.DB.prepare("SELECT body FROM metadata WHERE kind = 'api_key'").all<{ body: string }>();
    expect(rows.results.length).toBeGreaterThanOrEqual(secrets.length);
    const stored = rows.results.map((r) => r.body).join('\n');
    for (const s of secrets) expect(stored).not.toContain(s);
  });
});
