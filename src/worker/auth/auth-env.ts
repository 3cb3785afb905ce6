import { AuthConfig } from '../../core/auth/auth-config.ts';
import type { AuthSetting } from './auth-guard.ts';

/** The Worker variable holding the auth config: larder.yaml's `auth` section as JSON. */
export const AUTH_ENV_VAR = 'LARDER_AUTH';

/**
 * The Worker's auth setting from LARDER_AUTH: undefined when unset or empty (the API is open),
 * a config, or `misconfigured` (JSON or schema errors) so that every route but /health is
 * refused rather than left open. Messages name fields, never values.
 */
export function authFromEnv(text: string | undefined): AuthSetting | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return misconfigured(`${AUTH_ENV_VAR} is not valid JSON`);
  }
  const r = AuthConfig.safeParse(raw);
  if (r.success) return r.data;
  const where = r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
  return misconfigured(`${AUTH_ENV_VAR} is not a valid auth config (${where})`);
}

const misconfigured = (message: string): AuthSetting => ({ misconfigured: { code: 'auth_misconfigured', message: `${message}; every request but GET /health is refused` } });

