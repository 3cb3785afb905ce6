// `larder serve` computes on-demand features with the transformation file as it reads now:
// after transforms.ts is edited, the server (registry cache 0 s here) imports it again, so it
// agrees with historical retrieval run from the same file, instead of serving the first version
// it loaded. A version that no longer exports the function is unavailable, never the old one.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../offline/serve/node-server.ts';
import { run } from '../cli/cli-support.ts';
import { driverStatsTsRepo, makeRepo } from '../support/repo-fixture.ts';

let repo: string;
let server: RunningServer;
const T = new Date().toISOString();

beforeAll(async () => {
  repo = await makeRepo(driverStatsTsRepo('reload'));
  expect((await run(repo, 'apply')).code).toBe(0);
  const s = await startServer({ repoDir: repo, port: 0, registryCacheSeconds: 0, warn: () => undefined });
  if (!s.ok) throw new Error(s.error.message);
  server = s.value;
  const w = await fetch(`${server.url}/write-to-online-store`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ feature_view_name: 'driver_hourly_stats', df: { driver_id: [7], event_timestamp: [T], created: [null], conv_rate: [0.5], acc_rate: [0.5], avg_daily_trips: [1] } }),
  });
  expect(w.status).toBe(200);
});
afterAll(() => server?.close());

async function plusVal1(): Promise<{ status: number; value: unknown; code?: string }> {
  const res = await fetch(`${server.url}/get-online-features`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ features: ['transformed_conv_rate:conv_rate_plus_val1'], entities: { driver_id: [7], val_to_add: [2], val_to_add_2: [3] } }),
  });
  const body = (await res.json()) as { results?: { values: unknown[] }[]; error?: { code: string } };
  return { status: res.status, value: body.results?.[1].values[0], code: body.error?.code };
}

describe('larder serve reloads an edited transformation', () => {
  it('serves the new function after the file changes, and never the old one once it is gone', async () => {
    expect(await plusVal1()).toEqual({ status: 200, value: 2.5, code: undefined });
    const file = join(repo, 'transforms.ts');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('conv_rate_plus_val1: conv + Number(row.val_to_add ?? 0)', 'conv_rate_plus_val1: conv * 100 + Number(row.val_to_add ?? 0)'));
    expect(await plusVal1()).toEqual({ status: 200, value: 52, code: undefined });
    await writeFile(file, text.replace('export function convRatePlusValues', 'export function renamedAway'));
    const gone = await plusVal1();
    expect(gone.status).not.toBe(200);
    expect(gone.code).toBe('transformation_unavailable');
  });
});
