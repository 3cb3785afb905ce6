// The soak's registry: one int64 entity, a push source (batch source a
// file), and one online view fed by it with a sequence number per write,
// so a reader can tell which acknowledged write a stored value comes from.
import { RegistryObjects } from '../../src/core/schema/registry-document.ts';

const at = '2025-01-01T00:00:00.000Z';
const meta = { description: '', tags: {}, owner: '', createdAt: at, updatedAt: at };

export const VIEW = 'soak_stats';
export const PUSH_SOURCE = 'soak_push';

/** The soak's registry objects, as `POST /apply` takes them. */
export function soakObjects() {
  return RegistryObjects.parse({
    entities: [{ name: 'driver', joinKeys: [{ name: 'driver_id', valueType: 'int64' }], ...meta }],
    sources: [
      { type: 'file', name: 'soak_batch', path: 'data/soak.parquet', format: 'parquet', timestampField: 'event_timestamp', createdTimestampColumn: null, fieldMapping: {}, datePartitionColumn: null, ...meta },
      { type: 'push', name: PUSH_SOURCE, batchSource: 'soak_batch', ...meta },
    ],
    featureViews: [
      {
        name: VIEW,
        entities: ['driver'],
        entityColumns: [{ name: 'driver_id', dtype: 'int64' }],
        features: [
          { name: 'seq', dtype: 'int64' },
          { name: 'writer', dtype: 'int64' },
          { name: 'value', dtype: 'float64' },
        ],
        source: PUSH_SOURCE,
        ttlSeconds: 0,
        online: true,
        ...meta,
      },
    ],
    onDemandFeatureViews: [],
    featureServices: [],
  });
}
