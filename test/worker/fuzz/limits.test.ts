// Each configurable bound (src/worker/limits.ts) and each hostile-number or
// nesting case, one request each, with its exact status and code.
import { beforeAll, describe, expect, it } from 'vitest';
import { FUZZ_LIMITS, makeTarget, seed } from './harness.ts';

const t = makeTarget('kv');
beforeAll(() => seed(t));
const L = FUZZ_LIMITS as Required<typeof FUZZ_LIMITS>;
const T = '2021-12-31T23:00:00Z';

async function call(path: string, body: string): Promise<[number, string]> {
  const res = await t.app.request(`http://larder.test${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const j = (await res.json()) as { error?: { code: string } };
  return [res.status, j.error?.code ?? 'ok'];
}
const read = (entities: unknown, extra: object = {}) => call('/get-online-features', JSON.stringify({ features: ['driver_hourly_stats:conv_rate'], entities, ...extra }));
const frame = (over: Record<string, unknown[]> = {}) => ({ driver_id: [7], event_timestamp: [T], created: [null], name: ['n'], active: [true], photo: [null], ratings: [[1]], joined: [null], tags: [['a']], acc_rate: [0.5], ...over });
const write = (df: unknown) => call('/write-to-online-store', JSON.stringify({ feature_view_name: 'driver_profile', df }));

describe('limits: each violation is a 4xx with a stable code', () => {
  it('string, name, list, row and column bounds', async () => {
    expect(await read({ driver_id: [1], city: ['x'.repeat(L.maxKeyLength + 1)] })).toEqual([413, 'limit_exceeded']);
    expect(await read({ driver_id: [1], city: ['x'.repeat(L.maxKeyLength)] })).toEqual([200, 'ok']);
    expect(await call('/get-online-features', JSON.stringify({ features: [`driver_hourly_stats:${'f'.repeat(2 * L.maxNameLength)}`], entities: { driver_id: [1] } }))).toEqual([413, 'limit_exceeded']);
    expect(await call('/get-online-features', JSON.stringify({ feature_service: 's'.repeat(L.maxNameLength + 1), entities: { driver_id: [1] } }))).toEqual([413, 'limit_exceeded']);
    expect(await read({ driver_id: Array(L.maxEntityRows + 1).fill(1) })).toEqual([413, 'limit_exceeded']);
    expect(await read({ driver_id: [1] }, { request_context: { val_to_add: Array(L.maxEntityRows + 1).fill(1) } })).toEqual([413, 'limit_exceeded']);
    expect(await read({ driver_id: [1] }, { request_context: { val_to_add: [Array(L.maxListLength + 1).fill(1)] } })).toEqual([413, 'limit_exceeded']);
    expect(await read(Object.fromEntries(Array.from({ length: L.maxColumns + 1 }, (_, i) => [`c${i}`, [1]])))).toEqual([413, 'limit_exceeded']);
    expect(await read({ ['k'.repeat(L.maxNameLength + 1)]: [1] })).toEqual([413, 'limit_exceeded']);
    expect(await call('/get-online-features', JSON.stringify({ features: Array(L.maxFeatures + 1).fill('driver_hourly_stats:conv_rate'), entities: { driver_id: [1] } }))).toEqual([413, 'limit_exceeded']);
    expect(await write(frame({ ratings: [Array(L.maxListLength + 1).fill(1)] }))).toEqual([413, 'limit_exceeded']);
    expect(await write(frame({ name: ['x'.repeat(L.maxStringLength + 1)] }))).toEqual([413, 'limit_exceeded']);
    expect(await call('/write-to-online-store', JSON.stringify({ feature_view_name: 'store_stats', df: { city: ['c'.repeat(L.maxKeyLength + 1)], store_no: [1], ts: [T], sales: [1], open: [true] } }))).toEqual([413, 'limit_exceeded']);
    expect(await call('/write-to-online-store', JSON.stringify({ feature_view_name: 'v'.repeat(L.maxNameLength + 1), df: frame() }))).toEqual([413, 'limit_exceeded']);
    expect(await write({ driver_id: Array(L.maxWriteRows + 1).fill(1) })).toEqual([413, 'limit_exceeded']);
    expect(await call('/get-online-features', JSON.stringify({ features: ['a:b'], entities: { k: ['x'.repeat(L.maxBodyBytes)] } }))).toEqual([413, 'payload_too_large']);
  });

  it('huge numbers, NaN and Infinity, deep nesting', async () => {
    // int64 keys past 2^53 as JSON numbers cannot be exact: refused; as decimal strings they are fine
    expect(await call('/get-online-features', '{"features":["driver_hourly_stats:conv_rate"],"entities":{"driver_id":[9007199254740993]}}')).toEqual([400, 'invalid_entity_value']);
    expect(await read({ driver_id: ['9007199254740993'] })).toEqual([200, 'ok']);
    expect(await read({ driver_id: ['9223372036854775808'] })).toEqual([400, 'invalid_entity_value']);
    expect(await call('/write-to-online-store', `{"feature_view_name":"driver_hourly_stats","df":{"driver_id":[1],"event_timestamp":["${T}"],"created":[null],"conv_rate":[1],"acc_rate":[1],"avg_daily_trips":[9007199254740993]}}`)).toEqual([422, 'invalid_rows']);
    expect(await call('/get-online-features', '{"features":["driver_hourly_stats:conv_rate"],"entities":{"driver_id":[NaN]}}')).toEqual([400, 'invalid_json']);
    expect(await call('/get-online-features', '{"features":["driver_hourly_stats:conv_rate"],"entities":{"driver_id":[Infinity]}}')).toEqual([400, 'invalid_json']);
    expect(await call('/get-online-features', '{"features":["driver_hourly_stats:conv_rate"],"entities":{"driver_id":[1e400]}}')).toEqual([400, 'invalid_request']);
    expect(await write(frame({ event_timestamp: [1.7976931348623157e308] }))).toEqual([422, 'invalid_rows']);
    const deep = (n: number) => '['.repeat(n) + '1' + ']'.repeat(n);
    expect(await call('/get-online-features', `{"features":["driver_hourly_stats:conv_rate"],"entities":{"driver_id":${deep(10_000)}}}`)).toEqual([400, 'invalid_request']);
    expect(await call('/get-online-features', deep(20_000))).toEqual([400, 'invalid_request']);
    expect(await write(frame({ ratings: [[[1]]] }))).toEqual([400, 'invalid_request']);
    expect(await write(frame({ name: [{ a: 1 }] }))).toEqual([400, 'invalid_request']);
  });
});
