import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  importJWK,
  importSPKI,
  importX509,
  jwtVerify,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import type { JwtConfig } from '../../core/auth/auth-config.ts';
import { parseRoles } from '../../core/auth/roles.ts';
import { err, ok, type Result } from '../../core/errors.ts';
import type { Principal } from './principal.ts';

type KeyLike = Awaited<ReturnType<typeof importSPKI>>;

/** A claim by name; dots reach into nested objects (`realm_access.roles`). */
export function claimAt(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let v: unknown = payload;
  for (const part of name.split('.')) v = v !== null && typeof v === 'object' && Object.hasOwn(v, part) ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** The key resolver for a pinned key: PEM (SPKI or X.509), a JWK, or a JWK set (object or JSON text). */
function pinnedKey(material: string | Readonly<Record<string, unknown>>): JWTVerifyGetKey {
  let value: unknown = material;
  if (typeof material === 'string' && material.trim().startsWith('{')) value = JSON.parse(material);
  if (typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys)) return createLocalJWKSet(value as JSONWebKeySet);
  const byAlg = new Map<string, Promise<KeyLike | Uint8Array>>();
  return (header) => {
    const alg = header.alg ?? '';
    let key = byAlg.get(alg);
    if (key === undefined) {
      if (typeof value === 'string') key = value.includes('BEGIN CERTIFICATE') ? importX509(value, alg) : importSPKI(value, alg);
      else key = importJWK(value as JWK, alg);
      byAlg.set(alg, key);
    }
    return key;
  };
}

/**
 * Verifies RS256/ES256 JWT bearer tokens with jose (WebCrypto; runs in workerd and Node):
 * signature against the configured JWKS URL (fetched and cached by jose) or pinned key, then
 * `iss`, `aud`, `exp` (required) and `nbf` with the configured clock tolerance. The role comes
 * from `role_claim`; the project from `project_claim` when configured.
 */
export class JwtVerifier {
  readonly #config: JwtConfig;
  readonly #clock: () => number;
  #keys: JWTVerifyGetKey | null = null;

  constructor(config: JwtConfig, options: { clock?: () => number } = {}) {
    this.#config = config;
    this.#clock = options.clock ?? Date.now;
  }

  #resolver(): Result<JWTVerifyGetKey> {
    if (this.#keys !== null) return ok(this.#keys);
    try {
      this.#keys = this.#config.jwksUrl !== undefined ? createRemoteJWKSet(new URL(this.#config.jwksUrl)) : pinnedKey(this.#config.publicKey!);
      return ok(this.#keys);
    } catch (e) {
      return err('auth_misconfigured', `auth.jwt.public_key cannot be read: ${(e as Error).message}`);
    }
  }

  async verify(token: string): Promise<Result<Principal>> {
    const keys = this.#resolver();
    if (!keys.ok) return keys;
    const c = this.#config;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys.value, {
        issuer: c.issuer,
        audience: c.audience,
        algorithms: [...c.algorithms],
        clockTolerance: c.clockToleranceSeconds,
        requiredClaims: ['exp'],
        currentDate: new Date(this.#clock()),
      }));
    } catch (e) {
      return jwtError(e, c.jwksUrl !== undefined);
    }
    const roles = parseRoles(claimAt(payload, c.roleClaim));
    const projects = c.projectClaim === undefined ? null : stringsOf(claimAt(payload, c.projectClaim));
    return ok({ kind: 'jwt', id: typeof payload.sub === 'string' ? payload.sub : '', projects, roles });
  }
}

/** A claim's string or strings (a string, or the strings of a list). */
const stringsOf = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** jose's failures as 401s with a short reason; never the token or its claims' values. */
function jwtError(e: unknown, remote: boolean): Result<never> {
  if (e instanceof errors.JWTExpired) return err('unauthenticated', 'invalid token: expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    const why: Record<string, string> = { nbf: 'not yet valid', iss: 'issuer not accepted', aud: 'audience not accepted', exp: 'no expiry (exp)' };
    return err('unauthenticated', `invalid token: ${why[e.claim] ?? `claim ${e.claim} ${e.reason}`}`);
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) return err('unauthenticated', 'invalid token: bad signature');
  if (e instanceof errors.JOSEAlgNotAllowed) return err('unauthenticated', 'invalid token: algorithm not accepted');
  if (e instanceof errors.JWKSNoMatchingKey) return err('unauthenticated', 'invalid token: signed by an unknown key');
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid) return err('store_unavailable', 'cannot fetch the JWKS to verify tokens');
  if (e instanceof errors.JWTInvalid || e instanceof errors.JWSInvalid || e instanceof errors.JOSENotSupported) return err('unauthenticated', 'invalid token: malformed');
  if (e instanceof errors.JOSEError && !(e instanceof errors.JWKInvalid)) return err('unauthenticated', 'invalid token');
  // Anything else is the key source: a JWKS that cannot be fetched, or a pinned key that cannot be imported.
  if (remote) return err('store_unavailable', 'cannot fetch the JWKS to verify tokens');
  return err('auth_misconfigured', 'the configured JWT key cannot verify tokens');
}
