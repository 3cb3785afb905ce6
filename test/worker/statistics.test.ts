// GET /registry/feature-views/{name}/statistics inside workerd: the Worker's
// composition root over real local D1, with the record seeded through the D1
// metadata adapter (as `larder stats` stores it for a d1 registry).
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { toTfdvStatistics } from '../../src/core/statistics/tfdv.ts';
import { D1MetadataStore } from '../../src/stores/metadata/d1-metadata-store.ts';
import { D1RegistryStore } from '../../src/stores/registry/d1-registry-store.ts';
import { createWorker, type Env } from '../../src/worker/index.ts';
import { sampleStatistics } from '../core/statistics/sample-record.ts';
import { fixtureDoc } from '../serving/fixture-registry.ts';

const PROJECT = 'stats_http';
const baseEnv = env as unknown as Env;
const worker = createWorker();
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
const record = { ...sampleStatistics, view: 'driver_profile' };

const get = (path: string) =>
  worker.fetch!(new Request(`http://larder.test${path}`) as never, { ...baseEnv, LARDER_PROJECT: PROJECT }, ctx) as Promise<Response>;

beforeAll(async () => {
  const r = await new D1RegistryStore(baseEnv.DB).write({ ...fixtureDoc, project: PROJECT }, 0);
  if (!r.ok && r.error.code !== 'conflict') throw new Error(r.error.message);
  const put = await new D1MetadataStore(baseEnv.DB).put(PROJECT, 'statistics', 'driver_profile', record);
  if (!put.ok) throw new Error(put.error.message);
});

describe('feature view statistics over D1 (workerd)', () => {
  it('serves the stored record', async () => {
    const res = await get('/registry/feature-views/driver_profile/statistics');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(record);
  });

  it('serves TFDV JSON with ?format=tfdv', async () => {
    const res = await get('/registry/feature-views/driver_profile/statistics?format=tfdv');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(toTfdvStatistics(record));
  });

  it('404 not_found for an unknown view and for a view without statistics; 400 for an unknown format', async () => {
    const unknown = await get('/registry/feature-views/nope/statistics');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining('"nope"'), details: { featureView: 'nope' } } });
    const none = await get('/registry/feature-views/store_stats/statistics');
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringMatching(/no statistics computed yet for feature view "store_stats"/) } });
    const bad = await get('/registry/feature-views/driver_profile/statistics?format=xml');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('the other registry routes still answer', async () => {
    const res = await get('/registry/feature-views/driver_profile');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: 'driver_profile' });
  });
});
