import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AuthConfig } from '../../core/auth/auth-config.ts';
import { looksLikeApiKey } from '../../core/auth/api-key.ts';
import { pushActions, routePolicy } from '../../core/auth/route-actions.ts';
import { rolesAllow, type Action } from '../../core/auth/roles.ts';
import { err, type FsError, type Result } from '../../core/errors.ts';
import type { MetadataStore } from '../../stores/metadata/metadata-store.ts';
import { errorResponse } from '../error-handler.ts';
import { ApiKeyVerifier } from './api-key-verifier.ts';
import { bearerToken } from './bearer-token.ts';
import { JwtVerifier } from './jwt-verifier.ts';
import type { Principal } from './principal.ts';

/** What the app is given: a parsed config, or why the configured one could not be read (everything but /health is then refused). */
export type AuthSetting = AuthConfig | { readonly misconfigured: FsError };

export interface AuthGuardDeps {
  readonly auth: AuthSetting;
  /** The served project: credentials scoped to another project are refused (403). */
  readonly project: string;
  readonly metadata?: MetadataStore;
  /** Bound on a JSON /push body read to find its `to` (the app's own limit). */
  readonly maxBodyBytes: number;
  /** ms since the epoch (tests move it); default Date.now. */
  readonly clock?: () => number;
}

const REALM = 'Bearer realm="larder"';

function deny(c: Context, e: FsError, presented: boolean): Response {
  const res = errorResponse(c, e);
  if (e.code === 'unauthenticated') res.headers.set('WWW-Authenticate', presented ? `${REALM}, error="invalid_token"` : REALM);
  if (e.code === 'forbidden') res.headers.set('WWW-Authenticate', `${REALM}, error="insufficient_scope"`);
  return res;
}

const missing = (p: Principal, actions: readonly Action[]) => actions.filter((a) => !rolesAllow(p.roles, a));

function forbidden(p: Principal, actions: readonly Action[]): FsError {
  const who = p.kind === 'api_key' ? `API key ${p.id}` : 'this token';
  const roles = p.roles.length === 0 ? 'no larder role' : `roles ${p.roles.join(', ')}`;
  return { code: 'forbidden', message: `${who} (${roles}) may not ${actions.join(' and ')}` };
}

/**
 * The access-control middleware: default deny. GET /health is public; every other request needs
 * a valid `Authorization: Bearer` credential (an API key or a JWT, as configured) scoped to the
 * served project, whose roles grant every action the route needs (src/core/auth). 401
 * `unauthenticated` without or with an invalid credential, 403 `forbidden` otherwise. Verified
 * key records and the JWKS are cached in this closure, i.e. per isolate.
 */
export function authGuard(deps: AuthGuardDeps): MiddlewareHandler {
  const setting = deps.auth;
  if ('misconfigured' in setting) {
    return async (c, next) => (routePolicy(c.req.method, c.req.path).kind === 'public' ? next() : deny(c, setting.misconfigured, false));
  }
  const keys = setting.apiKeys ? new ApiKeyVerifier(deps.metadata, { cacheMs: setting.keyCacheSeconds * 1000, clock: deps.clock }) : null;
  const jwt = setting.jwt !== undefined ? new JwtVerifier(setting.jwt, { clock: deps.clock }) : null;
  const limitPushBody = bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: (c) => errorResponse(c, { code: 'payload_too_large', message: `request body exceeds ${deps.maxBodyBytes} bytes` }),
  });

  async function authenticate(token: string): Promise<Result<Principal>> {
    if (looksLikeApiKey(token)) return keys ? keys.verify(token) : err('unauthenticated', 'API keys are not accepted here: send a JWT');
    if (token.split('.').length === 3) return jwt ? jwt.verify(token) : err('unauthenticated', 'JWTs are not accepted here: send an API key');
    return err('unauthenticated', `invalid credentials: expected ${[keys && 'an API key (lk_...)', jwt && 'a JWT'].filter(Boolean).join(' or ')}`);
  }

  return async (c, next) => {
    const policy = routePolicy(c.req.method, c.req.path);
    if (policy.kind === 'public') return next();
    const header = c.req.header('authorization');
    const token = bearerToken(header);
    if (!token.ok) return deny(c, token.error, header !== undefined);
    const who = await authenticate(token.value);
    if (!who.ok) return deny(c, who.error, true);
    const p = who.value;
    if (p.projects !== null && !p.projects.includes(deps.project)) {
      const scope = p.projects.length === 0 ? 'no project' : `project ${p.projects.join(', ')}`;
      return deny(c, { code: 'forbidden', message: `${p.kind === 'api_key' ? `API key ${p.id}` : 'this token'} is for ${scope}, not ${deps.project}` }, true);
    }
    if (policy.kind === 'actions') {
      const lacking = missing(p, policy.actions);
      return lacking.length === 0 ? next() : deny(c, forbidden(p, lacking), true);
    }
    // POST /push: the actions follow `to`. Decided without the body when the roles allow both
    // targets or neither; otherwise `to` is read (the body bounded like the route's own limit).
    const online = rolesAllow(p.roles, 'write_online');
    const offline = rolesAllow(p.roles, 'write_offline');
    if (online && offline) return next();
    if (!online && !offline) return deny(c, forbidden(p, ['write_online']), true);
    return limitPushBody(c, async () => {
      const to = await pushTarget(c);
      const lacking = to === null ? ['write_online', 'write_offline'] as Action[] : missing(p, pushActions(to));
      if (lacking.length > 0) {
        c.res = deny(c, forbidden(p, lacking), true);
        return;
      }
      await next();
    });
  };
}

/**
 * The push target a request names: the JSON body's `to` (default online) for a JSON body,
 * else the query's `to` (Arrow bodies). null when it names none of the three, so the request
 * is refused. A body that is not JSON passes (as "online"): the route refuses it itself.
 */
async function pushTarget(c: Context): Promise<'online' | 'offline' | 'online_and_offline' | null> {
  const valid = (v: unknown) => (v === undefined ? 'online' : v === 'online' || v === 'offline' || v === 'online_and_offline' ? v : null);
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return valid(c.req.query('to'));
  const bytes = await c.req.arrayBuffer();
  // The body is read: hand the route a fresh request with the same bytes.
  c.req.raw = new Request(c.req.raw, { body: bytes });
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return 'online';
  }
  return valid(body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { to?: unknown }).to : undefined);
}
