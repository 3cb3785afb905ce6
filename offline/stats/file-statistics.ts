// `larder stats --file`: statistics of every column of data files (Parquet,
// CSV, Arrow IPC; one file or a glob of files of one format, read in name order).
import { basename } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { ViewStatistics } from '../../src/core/schema/statistics.ts';
import { viewStatisticsRecord } from '../../src/core/statistics/view-statistics-record.ts';
import { nowMicros } from '../../src/core/time.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { DEFAULT_HLL_PRECISION } from '../../src/kernel/stats.ts';
import type { SourceBatch } from '../materialize/source-batch.ts';
import { resolveSourceFiles } from '../repo/source-schema/read-source-schema.ts';
import { type ComputeOptions, computeStatistics, type StatsField } from './compute-statistics.ts';
import { fileBatches, formatOfPath, type ParquetScanOptions, readFileColumns } from './file-batches.ts';

export interface FileStatisticsOptions extends Omit<ComputeOptions, 'window'>, ParquetScanOptions {
  /** epoch µs of "now" for computedAt */
  readonly now?: () => number;
}

export interface FileStatisticsResult {
  readonly record: ViewStatistics;
  readonly files: readonly string[];
  /** Columns that could not be described, with the reason. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}

/** Statistics of every describable column of `pattern` (a path or glob, relative to `cwd`). */
export async function fileStatistics(k: KernelInstance, cwd: string, pattern: string, options: FileStatisticsOptions = {}): Promise<Result<FileStatisticsResult>> {
  const format = formatOfPath(pattern.replace(/[*?{}[\]]+$/, '')) ?? formatOfPath(pattern);
  if (format === null) return err('invalid_argument', `${pattern}: unknown file type (use .parquet, .csv or .arrow / .feather)`);
  const files = await resolveSourceFiles(cwd, pattern, format);
  if (files.length === 0) return err('not_found', `no file matches ${pattern}`, { file: pattern });
  const first = await readFileColumns(files[0], format);
  if (!first.ok) return first;
  const fields: StatsField[] = first.value.columns.map((c) => ({ name: c.name, column: c.name, dtype: c.dtype }));
  const names = fields.map((f) => f.column);
  async function* all(): AsyncGenerator<Result<SourceBatch>> {
    for (let i = 0; i < files.length; i++) {
      const parquet = i === 0 ? first.ok && first.value.parquet : undefined;
      yield* fileBatches(files[i], format!, names, { ...options, ...(parquet ? { parquet } : {}) });
    }
  }
  const computed = await computeStatistics(k, all(), fields, options);
  if (!computed.ok) return computed;
  const record = viewStatisticsRecord({
    view: files.length === 1 ? basename(files[0]) : pattern,
    computedAt: (options.now ?? nowMicros)(),
    window: { start: null, end: null },
    rowCount: computed.value.rowCount,
    hllPrecision: options.hllPrecision ?? DEFAULT_HLL_PRECISION,
    features: computed.value.features,
  });
  return ok({ record, files, skipped: first.value.skipped });
}
