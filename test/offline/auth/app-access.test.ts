// Access control over the whole app (createApp) in Node, with a memory metadata store:
// every role against every endpoint, malformed credentials, revocation, cross-project
// isolation, and secrets never showing up in responses or logs.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthConfig } from '../../../src/core/auth/auth-config.ts';
import { ok } from '../../../src/core/errors.ts';
import type { Role } from '../../../src/core/auth/roles.ts';
import { MemoryMetadataStore } from '../../../src/stores/metadata/memory-metadata-store.ts';
import { MemoryOnlineStore } from '../../../src/stores/memory/memory-online-store.ts';
import { createApp, type AppDeps } from '../../../src/worker/app.ts';
import { createApiKey, revokeApiKey } from '../../../src/worker/auth/api-key-admin.ts';
import { authFromEnv } from '../../../src/worker/auth/auth-env.ts';
import type { AuthSetting } from '../../../src/worker/auth/auth-guard.ts';
import { fixtureRegistry, fixtureTransforms } from '../../serving/fixture-registry.ts';
import { testKernel } from '../../support/kernel.ts';
import { ALLOWED, ENDPOINTS, memoryOfflineWriter, requestFor, ROLE_SETS } from '../../core/auth/access-matrix.ts';

const PROJECT = 'proj_a';
const metadata = new MemoryMetadataStore();
const logged: unknown[][] = [];
const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a: unknown[]) => void logged.push(a)));
/** Every response body and header the suite saw, to check for secrets. */
const seen: string[] = [];

function app(auth: AuthSetting | undefined, project = PROJECT) {
  const deps = {
    project,
    kernel: testKernel,
    registry: { get: async () => ok(fixtureRegistry()) },
    online: new MemoryOnlineStore(),
    metadata,
    transforms: fixtureTransforms,
    offline: memoryOfflineWriter(),
    auth,
  } as AppDeps;
  const a = createApp(deps);
  return async (req: Request) => {
    const res = await a.fetch(req);
    const text = await res.text();
    seen.push(text, JSON.stringify(Object.fromEntries(res.headers as unknown as Iterable<[string, string]>)));
    return { status: res.status, text, body: text.startsWith('{') ? (JSON.parse(text) as { error?: { code: string; message: string } }) : null, headers: res.headers };
  };
}

const keyAuth = AuthConfig.parse({ key_cache_seconds: 0 });
const keys: Record<string, string> = {};
const secrets: string[] = [];
let otherProjectKey = '';

async function newKey(roles: readonly Role[], project = PROJECT): Promise<string> {
  const r = await createApiKey(metadata, { project, roles, name: roles.join('+') });
  if (!r.ok) throw new Error(r.error.message);
  secrets.push(r.value.key, r.value.key.slice(20));
  return r.value.key;
}

beforeAll(async () => {
  for (const [name, roles] of Object.entries(ROLE_SETS)) keys[name] = await newKey(roles);
  otherProjectKey = await newKey(['admin'], 'proj_b');
});

afterAll(() => {
  for (const s of spies) s.mockRestore();
  // Secrets never appear in any response or log line.
  const all = `${seen.join('\n')}\n${logged.map((a) => a.map(String).join(' ')).join('\n')}`;
  for (const s of secrets) expect(all).not.toContain(s);
});

describe('without auth configured the API is open (as before)', () => {
  it('serves every endpoint without credentials', async () => {
    const call = app(undefined);
    expect((await call(requestFor(ENDPOINTS[0]))).status).toBe(200);
    expect((await call(requestFor(ENDPOINTS.find((e) => e.name === 'registry summary')!))).status).toBe(200);
  });
});

describe('every role against every endpoint (API keys)', () => {
  const call = app(keyAuth);
  for (const e of ENDPOINTS) {
    for (const role of Object.keys(ROLE_SETS)) {
      const allowed = ALLOWED[e.name].includes(role);
      it(`${role} ${allowed ? 'may' : 'may not'} ${e.name}`, async () => {
        const r = await call(requestFor(e, `Bearer ${keys[role]}`));
        if (allowed) {
          expect(r.status, r.text).toBe(e.okStatus);
        } else {
          expect(r.status, r.text).toBe(403);
          expect(r.body?.error?.code).toBe('forbidden');
          expect(r.headers.get('www-authenticate')).toBe('Bearer realm="larder", error="insufficient_scope"');
        }
      });
    }
    it(`no credentials: ${e.name} is 401`, async () => {
      const r = await call(requestFor(e));
      expect(r.status).toBe(401);
      expect(r.body?.error?.code).toBe('unauthenticated');
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="larder"');
    });
  }

  it('GET /health needs no credential', async () => {
    const r = await call(new Request('http://larder.test/health'));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ status: 'ok', project: PROJECT });
    expect((await call(new Request('http://larder.test/health', { headers: { authorization: 'Bearer nonsense!' } }))).status).toBe(200);
  });
});

describe('push: the target decides the action', () => {
  const call = app(keyAuth);
  const push = (key: string, body: string, contentType = 'application/json', query = '') =>
    call(new Request(`http://larder.test/push${query}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': contentType }, body }));
  const df = { driver_id: [7], event_timestamp: [new Date().toISOString()], created: [null], conv_rate: [0.1], acc_rate: [0.2], avg_daily_trips: [1] };

  it('reads `to` from the JSON body for a key holding one write role', async () => {
    expect((await push(keys.write_online, JSON.stringify({ push_source_name: 'driver_push', df, to: 'offline' }))).status).toBe(403);
    expect((await push(keys.write_offline, JSON.stringify({ push_source_name: 'driver_push', df, to: 'online' }))).status).toBe(403);
    expect((await push(keys.write_offline, JSON.stringify({ push_source_name: 'driver_push', df }))).status).toBe(403);
    expect((await push(keys.write_offline, JSON.stringify({ push_source_name: 'driver_push', df, to: 'offline' }))).status).toBe(200);
    // A duplicate key: JSON.parse keeps the last one, for the guard and the route alike.
    expect((await push(keys.write_online, `{"push_source_name":"driver_push","to":"online","df":${JSON.stringify(df)},"to":"offline"}`)).status).toBe(403);
  });

  it('an unknown target is refused, malformed JSON gets the route\'s own 400', async () => {
    const r = await push(keys.write_online, JSON.stringify({ push_source_name: 'driver_push', df, to: 'elsewhere' }));
    expect(r.status).toBe(403);
    const bad = await push(keys.write_online, '{"push_source_name": ');
    expect(bad.status).toBe(400);
    expect(bad.body?.error?.code).toBe('invalid_json');
  });

  it('reads `to` from the query for Arrow bodies, without reading the body', async () => {
    const r = await push(keys.write_online, 'not arrow', 'application/vnd.apache.arrow.stream', '?push_source_name=driver_push&to=offline');
    expect(r.status).toBe(403);
    const r2 = await push(keys.write_offline, 'not arrow', 'application/vnd.apache.arrow.stream', '?push_source_name=driver_push');
    expect(r2.status).toBe(403);
    const r3 = await push(keys.write_online, 'not arrow', 'application/vnd.apache.arrow.stream', '?push_source_name=driver_push&to=online');
    expect(r3.status).toBe(400); // allowed; the body is then refused by the route
  });

  it('the guard bounds the body it reads like the route does', async () => {
    const small = app(keyAuth);
    const big = JSON.stringify({ push_source_name: 'driver_push', df, pad: 'x'.repeat(2_000_000) });
    const r = await small(new Request('http://larder.test/push', { method: 'POST', headers: { authorization: `Bearer ${keys.write_online}`, 'content-type': 'application/json' }, body: big }));
    expect(r.status).toBe(413);
  });
});

describe('malformed and invalid credentials are 401', () => {
  const call = app(keyAuth);
  const get = (authorization: string) => call(requestFor(ENDPOINTS[0], authorization));
  const wrongSecret = () => {
    const k = keys.admin;
    return `${k.slice(0, -1)}${k.endsWith('A') ? 'B' : 'A'}`;
  };
  const cases: [string, () => string][] = [
    ['an empty header', () => ''],
    ['Basic auth', () => 'Basic dXNlcjpwYXNz'],
    ['Bearer without a token', () => 'Bearer'],
    ['Bearer and spaces', () => 'Bearer    '],
    ['two tokens', () => `Bearer ${keys.admin} ${keys.admin}`],
    ['two headers joined', () => `Bearer ${keys.admin}, Bearer ${keys.admin}`],
    ['a token scheme', () => `Token ${keys.admin}`],
    ['non-token characters', () => 'Bearer lk_ü'],
    ['a huge token', () => `Bearer ${'a'.repeat(20_000)}`],
    ['a key with a wrong secret', wrongSecret],
    ['an unknown key id', () => `Bearer lk_0123456789abcdef_${'A'.repeat(43)}`],
    ['a truncated key', () => `Bearer ${keys.admin.slice(0, 30)}`],
    ['a random string', () => 'Bearer hello'],
    ['a JWT when only keys are accepted', () => 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ];
  for (const [what, header] of cases)
    it(what, async () => {
      const h = header();
      const r = await get(h.startsWith('Bearer') || h === '' || h.includes(' ') ? h : `Bearer ${h}`);
      expect(r.status, r.text).toBe(401);
      expect(r.body?.error?.code).toBe('unauthenticated');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer realm="larder"/);
    });

  it('the scheme is case-insensitive', async () => {
    expect((await get(`bearer ${keys.read_online}`)).status).toBe(200);
    expect((await get(`BEARER ${keys.read_online}`)).status).toBe(200);
  });
});

describe('paths are judged as the router sees them', () => {
  it('percent-encoded and odd paths get the same decision as the route they reach', async () => {
    const call = app(keyAuth);
    const ep = ENDPOINTS[0];
    const at = (path: string, key: string) => call(new Request(`http://larder.test${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(ep.body) }));
    expect((await at('/get%2Donline-features', keys.read_online)).status).toBe(200);
    expect((await at('/get%2Donline-features', keys.write_online)).status).toBe(403);
    for (const odd of ['/get-online-features/', '//get-online-features', '/GET-ONLINE-FEATURES', '/registry%2F..%2Fget-online-features']) {
      expect((await at(odd, keys.read_online)).status, odd).toBe(403); // unmapped: admin only
      expect((await at(odd, keys.admin)).status, odd).toBe(404);
    }
  });
});

describe('revocation and the key cache', () => {
  it('a revoked key is refused (cache off: at once)', async () => {
    const call = app(keyAuth);
    const key = await newKey(['read_online']);
    expect((await call(requestFor(ENDPOINTS[0], `Bearer ${key}`))).status).toBe(200);
    expect((await revokeApiKey(metadata, key.slice(3, 19))).ok).toBe(true);
    const r = await call(requestFor(ENDPOINTS[0], `Bearer ${key}`));
    expect(r.status).toBe(401);
    expect(r.body?.error?.message).toBe(`API key ${key.slice(3, 19)} was revoked`);
  });

  it('with a cache, a revocation takes effect within key_cache_seconds', async () => {
    const call = app(AuthConfig.parse({ key_cache_seconds: 0.3 }));
    const key = await newKey(['read_online']);
    expect((await call(requestFor(ENDPOINTS[0], `Bearer ${key}`))).status).toBe(200);
    await revokeApiKey(metadata, key.slice(3, 19));
    expect((await call(requestFor(ENDPOINTS[0], `Bearer ${key}`))).status).toBe(200); // cached record
    await new Promise((r) => setTimeout(r, 400));
    expect((await call(requestFor(ENDPOINTS[0], `Bearer ${key}`))).status).toBe(401);
  });

  it('a cached key still needs its secret', async () => {
    const call = app(AuthConfig.parse({ key_cache_seconds: 60 }));
    expect((await call(requestFor(ENDPOINTS[0], `Bearer ${keys.read_online}`))).status).toBe(200);
    const forged = `${keys.read_online.slice(0, 20)}${'B'.repeat(43)}`;
    expect((await call(requestFor(ENDPOINTS[0], `Bearer ${forged}`))).status).toBe(401);
  });
});

describe('cross-project isolation', () => {
  it("a key of project B never reaches project A's data", async () => {
    const call = app(keyAuth);
    for (const e of ENDPOINTS) {
      const r = await call(requestFor(e, `Bearer ${otherProjectKey}`));
      expect(r.status, e.name).toBe(403);
      expect(r.body?.error?.message).toMatch(/is for project proj_b, not proj_a$/);
    }
  });

  it("project A's keys are refused by project B's server, and B's admin key works there", async () => {
    const callB = app(keyAuth, 'proj_b');
    expect((await callB(requestFor(ENDPOINTS[0], `Bearer ${keys.admin}`))).status).toBe(403);
    expect((await callB(requestFor(ENDPOINTS[0], `Bearer ${otherProjectKey}`))).status).toBe(200);
  });
});

describe('configuration', () => {
  it('a broken LARDER_AUTH refuses everything but /health (fails closed)', async () => {
    for (const text of ['{not json', '{"api_keys": false}', '{"jwt": {"issuer": "x"}}', '[]']) {
      const setting = authFromEnv(text);
      expect(setting && 'misconfigured' in setting).toBe(true);
      const call = app(setting);
      expect((await call(new Request('http://larder.test/health'))).status).toBe(200);
      const r = await call(requestFor(ENDPOINTS[0], `Bearer ${keys.admin}`));
      expect(r.status).toBe(500);
      expect(r.body?.error?.code).toBe('auth_misconfigured');
    }
    expect(authFromEnv(undefined)).toBeUndefined();
    expect(authFromEnv('  ')).toBeUndefined();
    expect(authFromEnv('{}')).toEqual({ apiKeys: true, keyCacheSeconds: 5 });
  });

  it('API keys without a metadata store fail closed', async () => {
    const a = createApp({ project: PROJECT, kernel: testKernel, registry: { get: async () => ok(fixtureRegistry()) }, online: new MemoryOnlineStore(), auth: keyAuth });
    const r = await a.fetch(requestFor(ENDPOINTS[0], `Bearer ${keys.admin}`));
    expect(r.status).toBe(500);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('auth_misconfigured');
  });

  it('a metadata store that fails gives 503, not access', async () => {
    const broken = { get: async () => ({ ok: false, error: { code: 'store_unavailable', message: 'D1 said: secret-ish detail' } }) } as unknown as AppDeps['metadata'];
    const a = createApp({ project: PROJECT, kernel: testKernel, registry: { get: async () => ok(fixtureRegistry()) }, online: new MemoryOnlineStore(), metadata: broken, auth: keyAuth });
    const r = await a.fetch(requestFor(ENDPOINTS[0], `Bearer ${keys.admin}`));
    expect(r.status).toBe(503);
    expect(await r.text()).not.toContain('secret-ish');
  });
});
