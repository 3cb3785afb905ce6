// The three ways a model's Worker reads features, inside workerd over real
// KV and D1: in-process, through a service binding (the Worker's fetch), and
// over HTTP (the same client with a URL). All three must agree.
import { env, exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { httpClient, larderClient, responseRows, type Env } from '../../src/worker/index.ts';
import { fixtureDoc } from '../serving/fixture-registry.ts';

const e = env as unknown as Env;
const T = '2021-12-31T23:00:00Z';

beforeAll(async () => {
  const r = await new D1RegistryStore(e.DB).write({ ...fixtureDoc, project: 'default' }, 0);
  if (!r.ok && r.error.code !== 'conflict') throw new Error(r.error.message);
  const w = await exports.default.fetch('http://larder/write-to-online-store', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      feature_view_name: 'driver_profile',
      df: { driver_id: [42], event_timestamp: [T], created: [null], name: ['Ann'], active: [true], photo: [null], ratings: [[]], joined: [null], tags: [null], acc_rate: [0.5] },
    }),
  });
  expect(w.status).toBe(200);
});

describe('feature clients', () => {
  const query = { features: ['driver_profile:name', 'driver_profile:acc_rate'], entities: { driver_id: [42, 7] } };

  it('reads in-process, through a service binding, and over HTTP with the same answer', async () => {
    const inProcess = larderClient({ project: 'default', online: { kv: e.ONLINE_KV }, registry: { d1: e.DB } });
    const binding = httpClient({ baseUrl: 'https://larder.internal', fetch: (req) => exports.default.fetch(req) });
    const a = await inProcess.getOnlineFeatures(query);
    const b = await binding.getOnlineFeatures(query);
    if (!a.ok) throw new Error(a.error.message);
    expect(b).toEqual(a);
    expect(responseRows(a.value)).toEqual([
      { driver_id: 42, name: 'Ann', acc_rate: 0.5 },
      { driver_id: 7, name: null, acc_rate: null },
    ]);
    expect(a.value.results[1].statuses).toEqual(['PRESENT', 'NOT_FOUND']);
  });

  it('returns errors as values with the server codes', async () => {
    const binding = httpClient({ baseUrl: 'https://larder.internal', fetch: (req) => exports.default.fetch(req) });
    const inProcess = larderClient({ project: 'default', online: { kv: e.ONLINE_KV }, registry: { d1: e.DB } });
    for (const c of [binding, inProcess]) {
      const r = await c.getOnlineFeatures({ features: ['driver_profile:nope'], entities: { driver_id: [1] } });
      expect(r).toMatchObject({ ok: false, error: { code: 'unknown_feature' } });
    }
    const down = httpClient({ baseUrl: 'https://larder.internal', fetch: () => Promise.reject(new Error('refused')) });
    expect(await down.getOnlineFeatures(query)).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
  });
});
