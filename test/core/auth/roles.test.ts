import { describe, expect, it } from 'vitest';
import { ACTIONS, parseRoles, ROLE_ACTIONS, ROLES, rolesAllow } from '../../../src/core/auth/roles.ts';
import { pushActions, routePolicy } from '../../../src/core/auth/route-actions.ts';

describe('roles and actions', () => {
  it('admin holds every action; the other roles only their own', () => {
    for (const a of ACTIONS) expect(rolesAllow(['admin'], a)).toBe(true);
    expect(ACTIONS.filter((a) => rolesAllow(['read_online'], a))).toEqual(['read_online', 'describe', 'read_docs']);
    expect(ACTIONS.filter((a) => rolesAllow(['write_online'], a))).toEqual(['read_docs', 'write_online']);
    expect(ACTIONS.filter((a) => rolesAllow(['write_offline'], a))).toEqual(['read_docs', 'write_offline']);
    expect(ACTIONS.filter((a) => rolesAllow(['materialize'], a))).toEqual(['describe', 'read_docs', 'materialize']);
    expect(rolesAllow([], 'read_docs')).toBe(false);
    expect(rolesAllow(['read_online', 'write_online'], 'write_online')).toBe(true);
    for (const r of ROLES) if (r !== 'admin') expect(ROLE_ACTIONS[r]).not.toContain('admin');
  });

  it('parses role claims from strings, lists and separated strings, dropping unknown names', () => {
    expect(parseRoles('read_online')).toEqual(['read_online']);
    expect(parseRoles('write_online read_online,admin')).toEqual(['admin', 'read_online', 'write_online']);
    expect(parseRoles(['materialize', 'superuser', 3, 'materialize'])).toEqual(['materialize']);
    expect(parseRoles(undefined)).toEqual([]);
    expect(parseRoles({ admin: true })).toEqual([]);
  });
});

describe('route policy (default deny)', () => {
  const cases: [string, string, ReturnType<typeof routePolicy>][] = [
    ['GET', '/health', { kind: 'public' }],
    ['HEAD', '/health', { kind: 'public' }],
    ['POST', '/health', { kind: 'actions', actions: ['admin'] }],
    ['GET', '/health/', { kind: 'actions', actions: ['admin'] }],
    ['POST', '/get-online-features', { kind: 'actions', actions: ['read_online'] }],
    ['GET', '/get-online-features', { kind: 'actions', actions: ['admin'] }],
    ['POST', '/write-to-online-store', { kind: 'actions', actions: ['write_online'] }],
    ['POST', '/push', { kind: 'push' }],
    ['POST', '/materialize', { kind: 'actions', actions: ['materialize'] }],
    ['POST', '/materialize-incremental', { kind: 'actions', actions: ['materialize'] }],
    ['GET', '/registry', { kind: 'actions', actions: ['describe'] }],
    ['GET', '/registry/feature-views/x/statistics', { kind: 'actions', actions: ['describe'] }],
    ['POST', '/registry', { kind: 'actions', actions: ['admin'] }],
    ['GET', '/registryx', { kind: 'actions', actions: ['admin'] }],
    ['GET', '/ui', { kind: 'public' }],
    ['GET', '/ui/assets/app.js', { kind: 'public' }],
    ['GET', '/openapi.json', { kind: 'actions', actions: ['read_docs'] }],
    ['POST', '/apply', { kind: 'actions', actions: ['admin'] }],
    ['GET', '/keys', { kind: 'actions', actions: ['admin'] }],
    ['GET', '/', { kind: 'actions', actions: ['admin'] }],
    ['DELETE', '/registry', { kind: 'actions', actions: ['admin'] }],
  ];
  for (const [method, path, want] of cases) it(`${method} ${path}`, () => expect(routePolicy(method, path)).toEqual(want));

  it('push needs write_online, write_offline, or both by target', () => {
    expect(pushActions('online')).toEqual(['write_online']);
    expect(pushActions('offline')).toEqual(['write_offline']);
    expect(pushActions('online_and_offline')).toEqual(['write_online', 'write_offline']);
  });
});
