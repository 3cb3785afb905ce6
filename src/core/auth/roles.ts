import { z } from 'zod';

/**
 * Roles a credential carries, after Feast's permission actions. A credential may hold several;
 * `admin` holds every action, including endpoints added later that no other role names.
 */
export const ROLES = ['read_online', 'write_online', 'write_offline', 'materialize', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.output<typeof Role>;

/** What an HTTP route needs. Routes map to actions (route-actions.ts); roles grant actions. */
export const ACTIONS = [
  'read_online', // POST /get-online-features
  'describe', // GET /registry/**, /ui/**: definitions and metadata, no feature values
  'read_docs', // GET /openapi.json
  'write_online', // POST /write-to-online-store, POST /push to online
  'write_offline', // POST /push to offline
  'materialize', // POST /materialize* (no such endpoint yet)
  'admin', // anything not listed above: apply, keys, future endpoints
] as const;
export type Action = (typeof ACTIONS)[number];

/** The one table from roles to actions. */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = {
  read_online: ['read_online', 'describe', 'read_docs'],
  write_online: ['write_online', 'read_docs'],
  write_offline: ['write_offline', 'read_docs'],
  materialize: ['materialize', 'describe', 'read_docs'],
  admin: ACTIONS,
};

/** True when one of `roles` grants `action`. */
export function rolesAllow(roles: readonly Role[], action: Action): boolean {
  return roles.some((r) => ROLE_ACTIONS[r].includes(action));
}

/** The role names in a claim or record value (a string, a space/comma separated string, or a list); unknown names are dropped. */
export function parseRoles(value: unknown): Role[] {
  const items = typeof value === 'string' ? value.split(/[\s,]+/) : Array.isArray(value) ? value : [];
  const out = new Set<Role>();
  for (const v of items) if (typeof v === 'string' && (ROLES as readonly string[]).includes(v)) out.add(v as Role);
  return [...out].sort();
}
