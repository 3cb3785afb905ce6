// A registry exercising serving: every dtype, a composite key, a push
// source, an on-demand view with request data, services with projections,
// aliases, a join-key map, and a precomputed service.
import { indexRegistry, type RegistryIndex } from '../../src/core/registry/registry-index.ts';
import { OBJECT_LISTS, RegistryDocument, type RegistryObjects } from '../../src/core/schema/registry-document.ts';

const at = '2025-01-01T00:00:00.000Z';
const meta = { description: '', tags: {}, owner: '', createdAt: at, updatedAt: at };
const f = (name: string, dtype: string) => ({ name, dtype });

export const DAY = 86_400;

export const fixtureDoc = RegistryDocument.parse({
  formatVersion: 1,
  project: 'serving_test',
  version: 1,
  updatedAt: at,
  entities: [
    { name: 'driver', joinKeys: [{ name: 'driver_id', valueType: 'int64' }], ...meta },
    { name: 'store', joinKeys: [{ name: 'city', valueType: 'string' }, { name: 'store_no', valueType: 'int32' }], ...meta },
  ],
  sources: [
    { type: 'file', name: 'driver_src', path: 'd.parquet', format: 'parquet', timestampField: 'event_timestamp', createdTimestampColumn: 'created', fieldMapping: {}, datePartitionColumn: null, ...meta },
    { type: 'push', name: 'driver_push', batchSource: 'driver_src', ...meta },
    { type: 'file', name: 'store_src', path: 's.parquet', format: 'parquet', timestampField: 'ts', createdTimestampColumn: null, fieldMapping: {}, datePartitionColumn: null, ...meta },
    { type: 'request', name: 'req', schema: [f('val_to_add', 'int64')], ...meta },
  ],
  featureViews: [
    {
      name: 'driver_hourly_stats', entities: ['driver'], entityColumns: [f('driver_id', 'int64')],
      features: [f('conv_rate', 'float32'), f('acc_rate', 'float32'), f('avg_daily_trips', 'int64')],
      source: 'driver_push', ttlSeconds: DAY, online: true, ...meta,
    },
    {
      name: 'driver_profile', entities: ['driver'], entityColumns: [f('driver_id', 'int64')],
      features: [f('name', 'string'), f('active', 'bool'), f('photo', 'bytes'), f('ratings', 'list<float64>'), f('joined', 'unix_timestamp'), f('tags', 'list<string>'), f('acc_rate', 'float64')],
      source: 'driver_src', ttlSeconds: 0, online: true, ...meta,
    },
    {
      name: 'store_stats', entities: ['store'], entityColumns: [f('city', 'string'), f('store_no', 'int32')],
      features: [f('sales', 'float64'), f('open', 'bool')],
      source: 'store_src', ttlSeconds: 0, online: true, ...meta,
    },
  ],
  onDemandFeatureViews: [
    {
      name: 'conv_plus', sources: [{ type: 'feature_view', name: 'driver_hourly_stats', features: ['conv_rate'] }, { type: 'request_source', name: 'req' }],
      features: [f('conv_rate_plus_val', 'float64')], transformation: { module: 'transforms.ts', function: 'convPlus' }, writeToOnlineStore: false, ...meta,
    },
  ],
  featureServices: [
    {
      name: 'driver_model', precompute: false, ...meta,
      projections: [
        { view: 'driver_hourly_stats', alias: 'hourly', features: ['conv_rate', 'acc_rate'], joinKeyMap: {} },
        { view: 'driver_profile', alias: null, features: ['name'], joinKeyMap: {} },
      ],
    },
    {
      name: 'driver_model_fast', precompute: true, ...meta,
      projections: [
        { view: 'driver_hourly_stats', alias: 'hourly', features: ['conv_rate', 'acc_rate'], joinKeyMap: {} },
        { view: 'driver_profile', alias: null, features: ['name'], joinKeyMap: {} },
      ],
    },
    {
      name: 'rider_model', precompute: false, ...meta,
      projections: [{ view: 'driver_hourly_stats', alias: null, features: ['conv_rate'], joinKeyMap: { driver_id: 'rider_driver' } }],
    },
  ],
});

export const fixtureRegistry = (): RegistryIndex => indexRegistry(fixtureDoc);

export const fixtureTransforms = new Map([
  ['transforms.ts#convPlus', (row: Readonly<Record<string, unknown>>) => ({
    conv_rate_plus_val: row.conv_rate === null ? null : (row.conv_rate as number) + Number(row.val_to_add),
  })],
]);

/** The fixture's object lists, as `larder apply --remote` sends them (POST /apply). */
export const fixtureObjects: RegistryObjects = Object.fromEntries(OBJECT_LISTS.map((l) => [l, fixtureDoc[l]])) as unknown as RegistryObjects;
