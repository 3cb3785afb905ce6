import { describe, expect, it } from 'vitest';
import { inferCsvType, parseCsvRecords } from '../../../offline/repo/source-schema/csv-schema.ts';
import { readSourceSchema } from '../../../offline/repo/source-schema/read-source-schema.ts';
import { driverStatsParquet } from '../../../offline/repo/template/driver-stats-data.ts';
import { loadRepo } from '../../../offline/repo/load-repo.ts';
import { makeRepo } from '../support/repo-fixture.ts';

describe('source schemas', () => {
  it('reads the Parquet footer of the init data set', async () => {
    const dir = await makeRepo({ 'data/a/part-1.parquet': driverStatsParquet({ endMs: 0, days: 1 }) });
    for (const path of ['data/a/part-1.parquet', 'data/a', 'data/*/*.parquet']) {
      const r = await readSourceSchema(dir, path, 'parquet');
      expect(r.status === 'ok' && Object.fromEntries(r.schema.columns)).toEqual({
        driver_id: { kind: 'int', bits: 64 },
        event_timestamp: { kind: 'timestamp' },
        created: { kind: 'timestamp' },
        conv_rate: { kind: 'float', bits: 32 },
        acc_rate: { kind: 'float', bits: 32 },
        avg_daily_trips: { kind: 'int', bits: 64 },
      });
    }
    expect(await readSourceSchema(dir, 'data/none/*.parquet', 'parquet')).toEqual({ status: 'not_found' });
  });

  it('parses CSV with quotes and infers column types', () => {
    expect(parseCsvRecords('a,b\n"x, ""y""",2\r\n3,\n', 10)).toEqual([['a', 'b'], ['x, "y"', '2'], ['3', '']]);
    expect(inferCsvType(['1', '-2', ''])).toEqual({ kind: 'int', bits: null });
    expect(inferCsvType(['1', '2.5e3'])).toEqual({ kind: 'float', bits: null });
    expect(inferCsvType(['true', 'FALSE'])).toEqual({ kind: 'bool' });
    expect(inferCsvType(['2025-01-01', '2025-01-02'])).toEqual({ kind: 'date' });
    expect(inferCsvType(['2025-01-01T00:00:00Z', '2025-01-02'])).toEqual({ kind: 'timestamp' });
    expect(inferCsvType(['', ''])).toEqual({ kind: 'unknown' });
    expect(inferCsvType(['1', 'x'])).toEqual({ kind: 'string' });
  });

  it('reports invalid YAML with its line, and ignores YAML files without definitions (warning)', async () => {
    const dir = await makeRepo({ 'larder.yaml': 'project: p\n', 'a.yaml': 'entities:\n  - name: [\n', 'docker-compose.yaml': 'services: {}\n' });
    const r = await loadRepo(dir);
    expect(r.issues.map((i) => [i.severity, i.code, i.file])).toEqual([
      ['error', 'invalid_definition', 'a.yaml:3'],
      ['warning', 'invalid_definition', 'docker-compose.yaml'],
    ]);
  });
});
