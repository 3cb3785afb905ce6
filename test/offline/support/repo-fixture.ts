import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { driverStatsParquet } from '../../../offline/repo/template/driver-stats-data.ts';
import { driverStatsFiles } from '../../../offline/repo/template/driver-stats-files.ts';

/** A fixed clock for registries built in tests. */
export const NOW = '2025-01-02T03:04:05.000Z';
/** The last event hour of the generated data set (fixed, so the Parquet bytes are too). */
export const DATA_END_MS = Date.UTC(2025, 0, 1, 0, 0, 0);

/** Write files into a fresh temporary directory (each test gets its own: modules are cached by path). */
export async function makeRepo(files: Readonly<Record<string, string | Uint8Array>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'larder-repo-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** The YAML form of the `larder init` repo's definitions: must give the same registry as features.ts. */
export const DRIVER_STATS_YAML = `entities:
  - name: driver
    join_keys: [driver_id]
    value_type: Int64
    description: A driver of the ride-hailing service

sources:
  - name: driver_hourly_stats_source
    type: file
    path: ./data/driver_stats.parquet
    timestamp_field: event_timestamp
    created_timestamp_column: created
  - name: driver_stats_push_source
    type: push
    batch_source: driver_hourly_stats_source
  - name: vals_to_add
    type: request
    schema:
      - { name: val_to_add, dtype: Int64 }
      - { name: val_to_add_2, dtype: Int64 }

feature_views:
  - name: driver_hourly_stats
    entities: [driver]
    ttl: 1d
    schema: &driver_stats_schema
      - { name: conv_rate, dtype: Float32 }
      - { name: acc_rate, dtype: Float32 }
      - { name: avg_daily_trips, dtype: Int64, description: Average daily trips }
    source: driver_hourly_stats_source
    online: true
    tags: { team: driver_performance }
  - name: driver_hourly_stats_fresh
    entities: [driver]
    ttl: 86400
    schema: *driver_stats_schema
    source: driver_stats_push_source
    tags: { team: driver_performance }

on_demand_feature_views:
  - name: transformed_conv_rate
    sources: [driver_hourly_stats, vals_to_add]
    schema:
      - { name: conv_rate_plus_val1, dtype: Float64 }
      - { name: conv_rate_plus_val2, dtype: Float64 }
    transformation: { module: ./transforms.ts, function: convRatePlusValues }

feature_services:
  - name: driver_activity_v1
    features:
      - { view: driver_hourly_stats, features: [conv_rate] }
      - transformed_conv_rate
  - name: driver_activity_v2
    features: [driver_hourly_stats, transformed_conv_rate]
`;

/** The driver-stats repo in TypeScript form (what `larder init` writes), with fixed data. */
export function driverStatsTsRepo(project = 'driver_stats'): Record<string, string | Uint8Array> {
  const files = driverStatsFiles(project);
  return {
    'larder.yaml': files['larder.yaml'] as string,
    'features.ts': files['features.ts'] as string,
    'transforms.ts': files['transforms.ts'] as string,
    'data/driver_stats.parquet': driverStatsParquet({ endMs: DATA_END_MS }),
  };
}

/** The same repo in YAML form. */
export function driverStatsYamlRepo(project = 'driver_stats'): Record<string, string | Uint8Array> {
  const ts = driverStatsTsRepo(project);
  return {
    'larder.yaml': ts['larder.yaml'] as string,
    'features.yaml': DRIVER_STATS_YAML,
    'transforms.ts': ts['transforms.ts'] as string,
    'data/driver_stats.parquet': ts['data/driver_stats.parquet'] as Uint8Array,
  };
}
