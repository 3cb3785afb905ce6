import type { Role } from '../../core/auth/roles.ts';

/** Who a request's credential says the caller is, after verification. */
export interface Principal {
  readonly kind: 'api_key' | 'jwt';
  /** The API key id, or the JWT's `sub` (empty when it has none). */
  readonly id: string;
  /** The projects the credential is scoped to; null for a JWT when no project_claim is configured (bound by the audience). */
  readonly projects: readonly string[] | null;
  readonly roles: readonly Role[];
}
