import { z } from 'zod';

/**
 * The `auth` section of larder.yaml (and, as JSON in the same snake_case form, the Worker's
 * LARDER_AUTH variable). Present = every route but GET /health needs a credential; absent =
 * the API is open. It holds no secrets: API keys live hashed in the metadata store, and JWTs are
 * checked against public keys only (RS256/ES256; no shared-secret HS256).
 *
 *   auth:
 *     api_keys: true              # accept keys made by `larder keys create` (default true)
 *     key_cache_seconds: 5        # how long a verified key's record is reused per isolate
 *     jwt:                        # accept JWT bearer tokens too (optional)
 *       jwks_url: https://login.example.com/.well-known/jwks.json   # or public_key: PEM / JWK / JWKS
 *       issuer: https://login.example.com/
 *       audience: larder
 *       role_claim: larder_roles  # default "roles"
 *       project_claim: larder_project   # optional
 */
const Url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const OneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const ClaimName = z.string().regex(/^[A-Za-z0-9_:./-]+$/, 'must be a claim name (dots separate nested claims)');

export const JWT_ALGORITHMS = ['RS256', 'ES256'] as const;

export const JwtConfig = z
  .strictObject({
    jwks_url: Url.optional(),
    public_key: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    issuer: OneOrMany,
    audience: OneOrMany,
    role_claim: ClaimName.default('roles'),
    project_claim: ClaimName.optional(),
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).default([...JWT_ALGORITHMS]),
    clock_tolerance_seconds: z.number().int().min(0).max(300).default(30),
  })
  .refine((j) => (j.jwks_url === undefined) !== (j.public_key === undefined), {
    error: 'give exactly one of jwks_url and public_key',
  })
  .transform((j) => ({
    ...(j.jwks_url !== undefined && { jwksUrl: j.jwks_url }),
    ...(j.public_key !== undefined && { publicKey: j.public_key }),
    issuer: j.issuer,
    audience: j.audience,
    roleClaim: j.role_claim,
    ...(j.project_claim !== undefined && { projectClaim: j.project_claim }),
    algorithms: j.algorithms,
    clockToleranceSeconds: j.clock_tolerance_seconds,
  }));
export type JwtConfig = z.output<typeof JwtConfig>;

export const AuthConfig = z
  .strictObject({
    api_keys: z.boolean().default(true),
    key_cache_seconds: z.number().min(0).max(300).default(5),
    jwt: JwtConfig.optional(),
  })
  .refine((a) => a.api_keys || a.jwt !== undefined, { error: 'auth accepts nothing: set api_keys: true or configure jwt' })
  .transform((a) => ({ apiKeys: a.api_keys, keyCacheSeconds: a.key_cache_seconds, ...(a.jwt !== undefined && { jwt: a.jwt }) }));
export type AuthConfig = z.output<typeof AuthConfig>;
export type AuthConfigInput = z.input<typeof AuthConfig>;

/** The larder.yaml (snake_case) form of a parsed config: what `larder dev` writes into LARDER_AUTH. */
export function authConfigInput(c: AuthConfig): AuthConfigInput {
  const j = c.jwt;
  return {
    api_keys: c.apiKeys,
    key_cache_seconds: c.keyCacheSeconds,
    ...(j !== undefined && {
      jwt: {
        ...(j.jwksUrl !== undefined && { jwks_url: j.jwksUrl }),
        ...(j.publicKey !== undefined && { public_key: j.publicKey }),
        issuer: j.issuer,
        audience: j.audience,
        role_claim: j.roleClaim,
        ...(j.projectClaim !== undefined && { project_claim: j.projectClaim }),
        algorithms: [...j.algorithms],
        clock_tolerance_seconds: j.clockToleranceSeconds,
      },
    }),
  };
}
