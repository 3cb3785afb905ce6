import { err, ok, type Result } from '../../core/errors.ts';

/** RFC 6750 b64token: what a Bearer credential may contain. */
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Longer than any API key or reasonable JWT: refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8192;

/**
 * The token of an `Authorization: Bearer <token>` header. Errors never repeat the header's
 * value: it may be a real secret sent by mistake.
 */
export function bearerToken(header: string | undefined): Result<string> {
  if (header === undefined || header.trim() === '')
    return err('unauthenticated', 'missing credentials: send Authorization: Bearer <API key or JWT>');
  if (header.length > MAX_TOKEN_LENGTH + 7) return err('unauthenticated', 'malformed Authorization header: the token is too long');
  const m = /^([A-Za-z]+) +(\S+)\s*$/.exec(header);
  if (m === null || m[1].toLowerCase() !== 'bearer')
    return err('unauthenticated', 'malformed Authorization header: expected "Bearer <token>"');
  if (!TOKEN.test(m[2])) return err('unauthenticated', 'malformed Authorization header: the token has characters a bearer token cannot have');
  return ok(m[2]);
}
