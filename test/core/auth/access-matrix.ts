// The access matrix every auth suite checks, written out by hand (not derived from
// src/core/auth), so a change to the policy shows up as a failing test: for each
// endpoint, the role sets that may call it. Used by the Node app test
// (test/offline/auth) and the workerd test (test/worker/auth.test.ts).
import { ok, type Result } from '../../../src/core/errors.ts';
import type { Role } from '../../../src/core/auth/roles.ts';
import type { OfflineWriter } from '../../../src/stores/offline/offline-writer.ts';

export interface Endpoint {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  /** Status an allowed caller gets (the request itself is valid). */
  readonly okStatus: number;
}

const T = new Date(Date.now() - 60_000).toISOString();
const hourly = (id: number) => ({ driver_id: [id], event_timestamp: [T], created: [null], conv_rate: [0.5], acc_rate: [0.25], avg_daily_trips: [3] });

export const ENDPOINTS: readonly Endpoint[] = [
  { name: 'get-online-features', method: 'POST', path: '/get-online-features', body: { features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: [1001] } }, okStatus: 200 },
  {
    name: 'write-to-online-store',
    method: 'POST',
    path: '/write-to-online-store',
    body: { feature_view_name: 'driver_profile', df: { driver_id: [1001], event_timestamp: [T], created: [null], name: ['Ann'], active: [true], photo: ['AP8='], ratings: [[1.5]], joined: [1640991600], tags: [['x']], acc_rate: [0.5] } },
    okStatus: 200,
  },
  { name: 'push to online', method: 'POST', path: '/push', body: { push_source_name: 'driver_push', df: hourly(1002), to: 'online' }, okStatus: 200 },
  { name: 'push (to omitted = online)', method: 'POST', path: '/push', body: { push_source_name: 'driver_push', df: hourly(1003) }, okStatus: 200 },
  { name: 'push to offline', method: 'POST', path: '/push', body: { push_source_name: 'driver_push', df: hourly(1004), to: 'offline' }, okStatus: 200 },
  { name: 'push to online_and_offline', method: 'POST', path: '/push', body: { push_source_name: 'driver_push', df: hourly(1005), to: 'online_and_offline' }, okStatus: 200 },
  { name: 'registry summary', method: 'GET', path: '/registry', okStatus: 200 },
  { name: 'registry list', method: 'GET', path: '/registry/feature-views', okStatus: 200 },
  { name: 'registry object', method: 'GET', path: '/registry/feature-views/driver_profile', okStatus: 200 },
  { name: 'openapi', method: 'GET', path: '/openapi.json', okStatus: 200 },
  { name: 'unknown route (admin only: 404)', method: 'GET', path: '/keys', okStatus: 404 },
  { name: 'apply (admin only; an empty body: 400)', method: 'POST', path: '/apply', body: {}, okStatus: 400 },
  { name: 'unknown POST (admin only: 404)', method: 'POST', path: '/keys', body: {}, okStatus: 404 },
];

/** The role sets credentials are made with. */
export const ROLE_SETS: Readonly<Record<string, readonly Role[]>> = {
  read_online: ['read_online'],
  write_online: ['write_online'],
  write_offline: ['write_offline'],
  materialize: ['materialize'],
  admin: ['admin'],
  'write_online+write_offline': ['write_online', 'write_offline'],
};

/** Endpoint name -> role sets allowed. Everything else is 403. */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'get-online-features': ['read_online', 'admin'],
  'write-to-online-store': ['write_online', 'admin', 'write_online+write_offline'],
  'push to online': ['write_online', 'admin', 'write_online+write_offline'],
  'push (to omitted = online)': ['write_online', 'admin', 'write_online+write_offline'],
  'push to offline': ['write_offline', 'admin', 'write_online+write_offline'],
  'push to online_and_offline': ['admin', 'write_online+write_offline'],
  'registry summary': ['read_online', 'materialize', 'admin'],
  'registry list': ['read_online', 'materialize', 'admin'],
  'registry object': ['read_online', 'materialize', 'admin'],
  openapi: ['read_online', 'write_online', 'write_offline', 'materialize', 'admin', 'write_online+write_offline'],
  'unknown route (admin only: 404)': ['admin'],
  'apply (admin only; an empty body: 400)': ['admin'],
  'unknown POST (admin only: 404)': ['admin'],
};

export function requestFor(e: Endpoint, authorization?: string): Request {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (e.body !== undefined) headers['content-type'] = 'application/json';
  return new Request(`http://larder.test${e.path}`, { method: e.method, headers, ...(e.body !== undefined && { body: JSON.stringify(e.body) }) });
}

/** An in-memory historical store, so offline pushes succeed. */
export function memoryOfflineWriter(): OfflineWriter & { readonly objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();
  return {
    objects,
    where: 'memory',
    async put(key: string, bytes: Uint8Array): Promise<Result<void>> {
      objects.set(key, bytes.slice());
      return ok(undefined);
    },
    async list(prefix: string): Promise<Result<string[]>> {
      return ok([...objects.keys()].filter((k) => k.startsWith(prefix)).sort());
    },
    async get(key: string): Promise<Result<Uint8Array | null>> {
      return ok(objects.get(key) ?? null);
    },
  };
}
