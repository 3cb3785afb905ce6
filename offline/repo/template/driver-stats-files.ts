/** The text files of the repo `larder init` makes (the Parquet data set is generated separately). */
export function driverStatsFiles(project: string): Record<string, string> {
  return {
    'larder.yaml': `# larder project config. Keys mirror Feast's feature_store.yaml; only \`project\` is required.
project: ${project}
# Where applied definitions are stored (a file here; {type: d1} or {type: kv} for the Worker).
registry: data/registry.json
# Where materialized features are served from: SQLite for \`larder serve\`; {type: kv} or
# {type: d1} for the Worker (\`larder dev\` runs it over the local state in .wrangler/).
online_store:
  type: sqlite
  path: data/online.db
offline_store:
  # Rows pushed with to=offline are appended as files beside the push source's batch source
  # (data/_pushed/...), where historical retrieval and materialization read them;
  # {type: r2} takes them from the local R2 state of \`larder dev\` instead.
  type: file
`,
    'features.ts': `// Feature definitions. \`larder apply\` reads every *.ts and *.yaml file beside larder.yaml.
import { entity, featureService, featureView, fileSource, onDemandFeatureView, pushSource, requestSource } from 'larder';
import { convRatePlusValues } from './transforms.ts';

export const driver = entity({
  name: 'driver',
  joinKeys: ['driver_id'],
  valueType: 'int64',
  description: 'A driver of the ride-hailing service',
});

export const driverStatsSource = fileSource({
  name: 'driver_hourly_stats_source',
  path: 'data/driver_stats.parquet',
  timestampField: 'event_timestamp',
  createdTimestampColumn: 'created',
});

// Rows pushed to the Worker; their history is kept in the batch source.
export const driverStatsPushSource = pushSource({
  name: 'driver_stats_push_source',
  batchSource: driverStatsSource,
});

const driverStatsSchema = [
  { name: 'conv_rate', dtype: 'float32' },
  { name: 'acc_rate', dtype: 'float32' },
  { name: 'avg_daily_trips', dtype: 'int64', description: 'Average daily trips' },
] as const;

export const driverHourlyStats = featureView({
  name: 'driver_hourly_stats',
  entities: [driver],
  ttl: '1d',
  schema: driverStatsSchema,
  source: driverStatsSource,
  online: true,
  tags: { team: 'driver_performance' },
});

export const driverHourlyStatsFresh = featureView({
  name: 'driver_hourly_stats_fresh',
  entities: [driver],
  ttl: '1d',
  schema: driverStatsSchema,
  source: driverStatsPushSource,
  online: true,
  tags: { team: 'driver_performance' },
});

// Values sent with each request.
export const valsToAdd = requestSource({
  name: 'vals_to_add',
  schema: [
    { name: 'val_to_add', dtype: 'int64' },
    { name: 'val_to_add_2', dtype: 'int64' },
  ],
});

export const transformedConvRate = onDemandFeatureView({
  name: 'transformed_conv_rate',
  sources: [driverHourlyStats, valsToAdd],
  schema: [
    { name: 'conv_rate_plus_val1', dtype: 'float64' },
    { name: 'conv_rate_plus_val2', dtype: 'float64' },
  ],
  transformation: convRatePlusValues,
});

export const driverActivityV1 = featureService({
  name: 'driver_activity_v1',
  features: [{ view: driverHourlyStats, features: ['conv_rate'] }, transformedConvRate],
});

export const driverActivityV2 = featureService({
  name: 'driver_activity_v2',
  features: [driverHourlyStats, transformedConvRate],
});
`,
    'transforms.ts': `// On-demand transformations: one row in (input features and request values), outputs out.
// Exported by name, so the Worker and offline retrieval load the same function.
import type { OnDemandRow } from 'larder';

export function convRatePlusValues(row: OnDemandRow) {
  const conv = row.conv_rate;
  if (typeof conv !== 'number') return { conv_rate_plus_val1: null, conv_rate_plus_val2: null };
  return {
    conv_rate_plus_val1: conv + Number(row.val_to_add ?? 0),
    conv_rate_plus_val2: conv + Number(row.val_to_add_2 ?? 0),
  };
}
`,
    'wrangler.toml': `# The Worker that serves this repo's features (npx wrangler dev --local).
name = "${project.replace(/_/g, '-').toLowerCase()}"
main = "worker/index.ts"
compatibility_date = "2026-11-01"
compatibility_flags = ["nodejs_compat"]

[[kv_namespaces]]
binding = "ONLINE_KV"
id = "00000000000000000000000000000000"

[[d1_databases]]
binding = "DB"
database_name = "${project}"
database_id = "00000000-0000-0000-0000-000000000000"
migrations_dir = "node_modules/larder/src/stores/d1/migrations"

# Rows pushed with to=offline / online_and_offline (the historical store).
[[r2_buckets]]
binding = "OFFLINE"
bucket_name = "larder-offline"

[vars]
# The project this Worker serves (larder.yaml \`project\`), and its online store: kv or d1.
LARDER_PROJECT = "${project}"
LARDER_ONLINE_STORE = "kv"

# Optional: stream pushes through Cloudflare Queues (messages are Feast push bodies).
# [[queues.producers]]
# binding = "PUSH_QUEUE"
# queue = "larder-push"
# [[queues.producers]]
# binding = "PUSH_DLQ"
# queue = "larder-push-dlq"
# [[queues.consumers]]
# queue = "larder-push"
# dead_letter_queue = "larder-push-dlq"
`,
    'worker/index.ts': `// The Worker entry of this repo (npx wrangler dev / deploy): larder's Worker with the repo's
// on-demand transformations, keyed as the registry names them (module#function). \`larder dev\`
// generates an equivalent entry in .larder/ by itself.
import { createWorker } from 'larder/worker';
import { convRatePlusValues } from '../transforms.ts';

export default createWorker({ transforms: { 'transforms.ts#convRatePlusValues': convRatePlusValues } });
`,
    'package.json': `${JSON.stringify({ name: project.replace(/_/g, '-').toLowerCase(), private: true, type: 'module' }, null, 2)}\n`,
    '.gitignore': `data/online.db
data/registry.json.lock
data/materialization.json
.larder/
.wrangler/
node_modules/
`,
  };
}

/** A project name from a folder name: an identifier starting with a letter. */
export function projectNameFor(dirName: string): string {
  const s = dirName.replace(/[^A-Za-z0-9_]/g, '_').replace(/^_+/, '');
  return /^[A-Za-z]/.test(s) ? s : `project_${s}`;
}
