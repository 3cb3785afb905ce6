import type { Action } from './roles.ts';

/**
 * What a request needs, from its method and path only (the body is not read):
 * - `public`: no credential (GET /health, and the catalog's static page and assets under /ui,
 *   which hold no registry data: the page asks for a key and sends it to the data endpoints);
 * - `actions`: every listed action (an empty list never happens);
 * - `push`: the actions depend on the body's `to` (pushActions).
 * Default deny: a route not listed here needs `admin`, so a new endpoint is closed until mapped.
 */
export type RoutePolicy = { readonly kind: 'public' } | { readonly kind: 'actions'; readonly actions: readonly Action[] } | { readonly kind: 'push' };

const needs = (...actions: Action[]): RoutePolicy => ({ kind: 'actions', actions });

export function routePolicy(method: string, path: string): RoutePolicy {
  const m = method.toUpperCase();
  const read = m === 'GET' || m === 'HEAD';
  if (read && path === '/health') return { kind: 'public' };
  if (m === 'POST' && path === '/get-online-features') return needs('read_online');
  if (m === 'POST' && path === '/write-to-online-store') return needs('write_online');
  if (m === 'POST' && path === '/push') return { kind: 'push' };
  if (m === 'POST' && /^\/materialize(-incremental)?$/.test(path)) return needs('materialize');
  if (read && (path === '/registry' || path.startsWith('/registry/'))) return needs('describe');
  if (read && (path === '/ui' || path.startsWith('/ui/'))) return { kind: 'public' };
  if (read && path === '/openapi.json') return needs('read_docs');
  return needs('admin');
}

/** The actions a push needs for its `to` (Feast's PushMode): both for online_and_offline. */
export function pushActions(to: 'online' | 'offline' | 'online_and_offline'): readonly Action[] {
  if (to === 'online') return ['write_online'];
  if (to === 'offline') return ['write_offline'];
  return ['write_online', 'write_offline'];
}
