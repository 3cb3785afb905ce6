// The Worker's HTTP API inside workerd, over real local KV and D1: the
// composition root (createWorker) with the registry applied to D1.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { createWorker, type Env } from '../../src/worker/index.ts';
import { fixtureDoc, fixtureTransforms } from '../serving/fixture-registry.ts';

const baseEnv = env as unknown as Env;
const worker = createWorker({ transforms: Object.fromEntries(fixtureTransforms) as never, limits: { maxEntityRows: 50, maxBodyBytes: 64 * 1024 } });
const T = '2021-12-31T23:00:00Z';
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;

function call(path: string, body?: unknown, opts: { store?: 'kv' | 'd1'; type?: string; raw?: string } = {}) {
  const e: Env = { ...baseEnv, LARDER_PROJECT: 'http_test', LARDER_ONLINE_STORE: opts.store ?? 'kv' };
  const init: RequestInit =
    body === undefined && opts.raw === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': opts.type ?? 'application/json' }, body: opts.raw ?? JSON.stringify(body) };
  return worker.fetch!(new Request(`http://larder.test${path}`, init) as never, e, ctx) as Promise<Response>;
}

beforeAll(async () => {
  const doc = { ...fixtureDoc, project: 'http_test' };
  const r = await new D1RegistryStore(baseEnv.DB).write(doc, 0);
  if (!r.ok && r.error.code !== 'conflict') throw new Error(r.error.message);
});

for (const store of ['kv', 'd1'] as const) {
  describe(`HTTP API over ${store}`, () => {
    const id = store === 'kv' ? 1001 : 2001;
    it('writes rows, then answers get-online-features in Feast wire format', async () => {
      const w = await call(
        '/write-to-online-store',
        {
          feature_view_name: 'driver_profile',
          df: { driver_id: [id], event_timestamp: [T], created: [null], name: ['Ann'], active: [true], photo: ['AP8='], ratings: [[1.5]], joined: [1640991600], tags: [['x']], acc_rate: [0.8724706768989563] },
        },
        { store },
      );
      expect(w.status).toBe(200);
      expect(await w.json()).toEqual({ rows: 1, written: 1, skipped: 0 });
      const res = await call(
        '/get-online-features',
        { features: ['driver_profile:acc_rate', 'driver_profile:photo', 'driver_profile:joined', 'driver_profile:ratings'], entities: { driver_id: [id, 9999] }, full_feature_names: false },
        { store },
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        metadata: { feature_names: ['driver_id', 'acc_rate', 'photo', 'joined', 'ratings'] },
        results: [
          { values: [id, 9999], statuses: ['PRESENT', 'PRESENT'], event_timestamps: ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'] },
          { values: [0.8724706768989563, null], statuses: ['PRESENT', 'NOT_FOUND'], event_timestamps: [T, '1970-01-01T00:00:00Z'] },
          { values: ['AP8=', null], statuses: ['PRESENT', 'NOT_FOUND'], event_timestamps: [T, '1970-01-01T00:00:00Z'] },
          { values: [1640991600, null], statuses: ['PRESENT', 'NOT_FOUND'], event_timestamps: [T, '1970-01-01T00:00:00Z'] },
          { values: [[1.5], null], statuses: ['PRESENT', 'NOT_FOUND'], event_timestamps: [T, '1970-01-01T00:00:00Z'] },
        ],
      });
    });

    it('pushes to every view of a push source, enforces ttl, and runs on-demand views', async () => {
      const fresh = new Date(Date.now() - 60_000).toISOString();
      const old = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const p = await call(
        '/push',
        { push_source_name: 'driver_push', df: { driver_id: [id, id + 1], event_timestamp: [fresh, old], created: [null, null], conv_rate: [0.5, 0.25], acc_rate: [0.1, 0.2], avg_daily_trips: [3, 4] }, to: 'online' },
        { store },
      );
      expect(p.status).toBe(200);
      expect(await p.json()).toMatchObject({ rows: 2, written: 2, views: ['driver_hourly_stats'] });
      const res = await call(
        '/get-online-features',
        { features: ['driver_hourly_stats:conv_rate', 'conv_plus:conv_rate_plus_val'], entities: { driver_id: [id, id + 1], val_to_add: [1, 2] } },
        { store },
      );
      const body = (await res.json()) as { metadata: { feature_names: string[] }; results: { values: unknown[]; statuses: string[] }[] };
      expect(body.metadata.feature_names).toEqual(['driver_id', 'conv_rate', 'conv_rate_plus_val']);
      expect(body.results[1]).toMatchObject({ values: [0.5, null], statuses: ['PRESENT', 'OUTSIDE_MAX_AGE'] });
      expect(body.results[2]).toMatchObject({ values: [1.5, null], statuses: ['PRESENT', 'NULL_VALUE'] });
    });
  });
}

describe('HTTP API errors', () => {
  const code = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];
  it('answers every bad request with a 4xx and a stable code', async () => {
    expect(await code(await call('/get-online-features', undefined, { raw: '{"features": [' }))).toEqual([400, 'invalid_json']);
    expect(await code(await call('/get-online-features', undefined, { raw: 'x=1', type: 'application/x-www-form-urlencoded' }))).toEqual([415, 'unsupported_media_type']);
    expect(await code(await call('/get-online-features', { features: 'nope', entities: { driver_id: [1] } }))).toEqual([400, 'invalid_request']);
    expect(await code(await call('/get-online-features', { entities: { driver_id: [1] } }))).toEqual([400, 'invalid_request']);
    expect(await code(await call('/get-online-features', { features: ['nope:x'], entities: { driver_id: [1] } }))).toEqual([404, 'unknown_feature_view']);
    expect(await code(await call('/get-online-features', { feature_service: 'nope', entities: { driver_id: [1] } }))).toEqual([404, 'unknown_feature_service']);
    expect(await code(await call('/get-online-features', { features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: Array(51).fill(1) } }))).toEqual([413, 'limit_exceeded']);
    expect(await code(await call('/get-online-features', { features: ['driver_hourly_stats:conv_rate'], entities: { driver_id: ['x'] } }))).toEqual([400, 'invalid_entity_value']);
    expect(await code(await call('/get-online-features', undefined, { raw: JSON.stringify({ features: ['a:b'], entities: { k: ['x'.repeat(70_000)] } }) }))).toEqual([413, 'payload_too_large']);
    expect(await code(await call('/write-to-online-store', { feature_view_name: 'driver_hourly_stats', df: { driver_id: [1], event_timestamp: ['soon'], created: [null], conv_rate: [1], acc_rate: [1], avg_daily_trips: [1] } }))).toEqual([422, 'invalid_rows']);
    expect(await code(await call('/push', { push_source_name: 'nope', df: { a: [1] } }))).toEqual([404, 'not_found']);
    expect(await code(await call('/nowhere'))).toEqual([404, 'not_found']);
  });

  it('names the unknown feature in the message', async () => {
    const res = await call('/get-online-features', { features: ['driver_hourly_stats:speed'], entities: { driver_id: [1] } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'unknown_feature', message: 'feature view "driver_hourly_stats" has no feature "speed"', details: { featureView: 'driver_hourly_stats', feature: 'speed' } },
    });
  });
});

describe('discovery and OpenAPI', () => {
  it('lists and describes registry objects', async () => {
    const summary = (await (await call('/registry')).json()) as { project: string; counts: Record<string, number> };
    expect(summary).toMatchObject({ project: 'http_test', counts: { 'feature-views': 3, 'feature-services': 3, entities: 2 } });
    const views = (await (await call('/registry/feature-views')).json()) as { 'feature-views': { name: string }[] };
    expect(views['feature-views'].map((v) => v.name)).toEqual(['driver_hourly_stats', 'driver_profile', 'store_stats']);
    const one = (await (await call('/registry/feature-services/driver_model')).json()) as { name: string; projections: unknown[] };
    expect(one.name).toBe('driver_model');
    expect(one.projections).toHaveLength(2);
    expect((await call('/registry/feature-views/nope')).status).toBe(404);
  });

  it('serves an OpenAPI document generated from the request schemas', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.0.0');
    expect(Object.keys(doc.paths).sort()).toEqual(['/apply', '/get-online-features', '/push', '/write-to-online-store']);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['GetOnlineFeaturesRequest', 'GetOnlineFeaturesResponse', 'ErrorResponse']));
  });
});
