import { tableToIPC, tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/core/registry/validation-issue.ts';
import { loadRepo } from '../../../offline/repo/load-repo.ts';
import { DRIVER_STATS_YAML, driverStatsTsRepo, driverStatsYamlRepo, makeRepo, NOW } from '../support/repo-fixture.ts';

async function issuesOf(files: Record<string, string | Uint8Array>) {
  const repo = await loadRepo(await makeRepo(files), { now: NOW });
  return { repo, lines: repo.issues.map(formatIssue) };
}

const yamlRepoWith = (replace: [string, string][]) => {
  let text = DRIVER_STATS_YAML;
  for (const [from, to] of replace) {
    if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
    text = text.replace(from, to);
  }
  return { ...driverStatsYamlRepo(), 'features.yaml': text };
};

describe('loading a repo reports problems by file, object and field', () => {
  it('names YAML fields in snake_case', async () => {
    const { repo, lines } = await issuesOf(yamlRepoWith([['ttl: 1d', 'ttl: 2x']]));
    expect(repo.ok).toBe(false);
    expect(lines).toEqual(['error[invalid_ttl]: features.yaml: driver_hourly_stats.ttl: invalid ttl "2x": use seconds (>= 0) or a duration like 30m, 2h, 1d, 7d']);
  });

  it('reports a bad dtype and an unknown reference in the YAML file', async () => {
    const { lines } = await issuesOf(
      yamlRepoWith([
        ['{ name: acc_rate, dtype: Float32 }', '{ name: acc_rate, dtype: Float33 }'],
        ['batch_source: driver_hourly_stats_source', 'batch_source: nope'],
      ]),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^error\[invalid_dtype\]: features\.yaml: driver_hourly_stats\.schema\[1\]\.dtype: /));
    expect(lines).toContainEqual(expect.stringMatching(/^error\[unknown_reference\]: features\.yaml: driver_stats_push_source\.batch_source: /));
  });

  it('reports unknown YAML keys as invalid_definition', async () => {
    const { lines } = await issuesOf(yamlRepoWith([['    ttl: 86400\n', '    ttl_seconds: 86400\n']]));
    expect(lines).toEqual([expect.stringMatching(/^error\[invalid_definition\]: features\.yaml: driver_hourly_stats_fresh: Unrecognized key: "ttl_seconds"/)]);
  });

  it('attributes TypeScript definitions to their module', async () => {
    const files = driverStatsTsRepo();
    files['features.ts'] = (files['features.ts'] as string).replace("ttl: '1d',", "ttl: '1 day',");
    const { lines } = await issuesOf(files);
    expect(lines).toContainEqual(expect.stringMatching(/^error\[invalid_ttl\]: features\.ts: driver_hourly_stats\.ttl: /));
  });

  it('reports duplicate names across files', async () => {
    const files = { ...driverStatsTsRepo(), 'more.yaml': 'entities:\n  - name: driver\n    join_keys: [driver_id]\n    value_type: int64\n' };
    const { lines } = await issuesOf(files);
    expect(lines).toEqual([expect.stringMatching(/^error\[duplicate_name\]: more\.yaml: driver\.name: driver is already defined as an entity in features\.ts/)]);
  });

  it('reads the Parquet schema: a declared type that does not match the column', async () => {
    const { lines } = await issuesOf(yamlRepoWith([['{ name: avg_daily_trips, dtype: Int64, description: Average daily trips }', '{ name: avg_daily_trips, dtype: String }']]));
    expect(lines).toContainEqual(
      'error[source_type_mismatch]: features.yaml: driver_hourly_stats.schema.avg_daily_trips: feature avg_daily_trips is declared string but column avg_daily_trips in data/driver_stats.parquet is int64',
    );
  });

  it('reads the Parquet schema: a feature and a timestamp column that do not exist', async () => {
    const { lines } = await issuesOf(
      yamlRepoWith([
        ['{ name: acc_rate, dtype: Float32 }', '{ name: accuracy, dtype: Float32 }'],
        ['timestamp_field: event_timestamp', 'timestamp_field: ts'],
      ]),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^error\[missing_source_column\]: features\.yaml: driver_hourly_stats\.schema\.accuracy: feature accuracy has no column accuracy in data\/driver_stats\.parquet/));
    expect(lines).toContainEqual(expect.stringMatching(/^error\[missing_source_column\]: features\.yaml: driver_hourly_stats_source\.timestamp_field: column ts is not in data\/driver_stats\.parquet/));
  });

  it('reads CSV headers and infers their types', async () => {
    const csv = 'driver_id,event_timestamp,rate,label\n1001,2025-01-01T00:00:00Z,0.5,a\n1002,2025-01-01 01:00:00,1,b\n';
    const yaml = `entities: [{ name: driver, join_keys: [driver_id] }]
sources: [{ name: src, type: file, path: data/*.csv, timestamp_field: event_timestamp }]
feature_views:
  - name: fv
    entities: [driver]
    source: src
    schema: [{ name: rate, dtype: float64 }, { name: label, dtype: int64 }, { name: gone, dtype: string }]
`;
    const { repo, lines } = await issuesOf({ 'larder.yaml': 'project: p\n', 'defs.yaml': yaml, 'data/part-0.csv': csv });
    expect(lines).toEqual([
      'error[source_type_mismatch]: defs.yaml: fv.schema.label: feature label is declared int64 but column label in data/part-0.csv is string',
      expect.stringMatching(/^error\[missing_source_column\]: defs\.yaml: fv\.schema\.gone: /),
    ]);
    expect(repo.ok).toBe(false);
  });

  it('reads Arrow IPC schemas, and infers a join key type from the source', async () => {
    const table = tableFromArrays({
      user: ['a', 'b'],
      ts: new Float64Array([0, 1]).map((x) => x),
      score: new Float32Array([1, 2]),
    });
    const yaml = `entities: [{ name: user, join_keys: [user] }]
sources: [{ name: src, type: file, path: data/x.arrow, timestamp_field: ts }]
feature_views: [{ name: fv, entities: [user], source: src, schema: [{ name: score, dtype: float64 }] }]
`;
    const { repo, lines } = await issuesOf({ 'larder.yaml': 'project: p\n', 'defs.yaml': yaml, 'data/x.arrow': tableToIPC(table, 'file') });
    expect(lines).toEqual(['error[source_type_mismatch]: defs.yaml: src.timestamp_field: column ts in data/x.arrow is float64, not a timestamp']);
    expect(repo.ok).toBe(false);
  });

  it('warns, without failing, when a source file does not exist yet', async () => {
    const files = driverStatsYamlRepo();
    delete files['data/driver_stats.parquet'];
    const { repo, lines } = await issuesOf(files);
    expect(repo.ok).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/^warning\[source_not_found\]: features\.yaml: driver_hourly_stats_source\.path: /)]);
  });

  it('reports an unreadable source file', async () => {
    const { lines } = await issuesOf({ ...driverStatsYamlRepo(), 'data/driver_stats.parquet': 'not parquet' });
    expect(lines).toEqual([expect.stringMatching(/^error\[unreadable_source\]: features\.yaml: driver_hourly_stats_source\.path: cannot read the schema/)]);
  });

  it('reports a transformation that a YAML repo names but its module does not export', async () => {
    const { lines } = await issuesOf(yamlRepoWith([['function: convRatePlusValues', 'function: missing']]));
    expect(lines).toEqual(['error[unknown_transformation]: features.yaml: transformed_conv_rate.transformation: module transforms.ts does not export a function named missing']);
  });

  it('reports a transformation function that no repo module exports', async () => {
    const files = driverStatsTsRepo();
    files['features.ts'] = (files['features.ts'] as string).replace('transformation: convRatePlusValues,', 'transformation: (row) => ({ conv_rate_plus_val1: 1, conv_rate_plus_val2: 2 }),');
    const { lines } = await issuesOf(files);
    expect(lines).toEqual([expect.stringMatching(/^error\[unknown_transformation\]: features\.ts: transformed_conv_rate\.transformation: the transformation function .*is not a named export/)]);
  });

  it('reports a module that fails to load on one line', async () => {
    const { lines } = await issuesOf({ ...driverStatsTsRepo(), 'broken.ts': 'throw new Error("boom\\nsecond line");\n' });
    expect(lines).toEqual(['error[invalid_definition]: broken.ts: cannot load module: boom']);
  });

  it('reports a bad larder.yaml as invalid_config', async () => {
    const { lines } = await issuesOf({ ...driverStatsYamlRepo(), 'larder.yaml': 'project: p\nonline_store:\n  type: redis\n' });
    expect(lines).toEqual([expect.stringMatching(/^error\[invalid_config\]: larder\.yaml: online_store\.type: /)]);
    const missing = await issuesOf({ 'features.yaml': DRIVER_STATS_YAML });
    expect(missing.lines).toEqual([expect.stringMatching(/^error\[invalid_config\]: larder\.yaml: no larder\.yaml in /)]);
  });
});
