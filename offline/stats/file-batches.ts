// Batches of one data file for statistics: Parquet row groups (decoded on the
// worker threads, a few in flight), Arrow record batches, 64 Ki CSV records.
// A thin adapter over the readers materialization uses, with the Parquet
// reader's own error codes kept (corrupt_file, unsupported_parquet, io_error).
import { extname } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { FileFormat } from '../../src/core/schema/data-source.ts';
import type { Dtype } from '../../src/core/schema/dtype.ts';
import { arrowBatches } from '../materialize/arrow-batches.ts';
import { csvBatches } from '../materialize/csv-batches.ts';
import type { SourceBatch } from '../materialize/source-batch.ts';
import { iterateRowGroups, openParquet, ParquetReadError, type ParquetFile } from '../parquet/index.ts';
import type { ColumnSchema } from '../parquet/types.ts';
import { readArrowColumns } from '../repo/source-schema/arrow-schema.ts';
import { readCsvColumns } from '../repo/source-schema/csv-schema.ts';
import { dtypeOfColumn } from './stats-dtype.ts';

/** The format of a data file from its extension, or null. */
export function formatOfPath(path: string): FileFormat | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.csv') return 'csv';
  if (ext === '.arrow' || ext === '.feather' || ext === '.ipc' || ext === '.arrows') return 'arrow';
  return null;
}

function parquetDtype(c: ColumnSchema): Dtype | null {
  switch (c.type) {
    case 'bool':
      return 'bool';
    case 'int32':
      return 'int32';
    case 'int64':
    case 'uint64':
      return 'int64';
    case 'float':
      return 'float32';
    case 'double':
      return 'float64';
    case 'string':
      return 'string';
    case 'binary':
      return 'bytes';
    case 'timestamp':
    case 'date':
      return 'unix_timestamp';
    case 'list': {
      const e = c.element ? parquetDtype(c.element) : null;
      return e === null || e.startsWith('list<') ? null : (`list<${e}>` as Dtype);
    }
    default:
      return null;
  }
}

export interface FileColumns {
  /** Columns that can be described, in file order, with the dtype each is read as. */
  readonly columns: readonly { readonly name: string; readonly dtype: Dtype }[];
  /** Columns left out (e.g. Parquet decimals, structs), with the reason. */
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  /** The opened Parquet file, reused by the scan. */
  readonly parquet?: ParquetFile;
}

/** The columns of a data file and their dtypes. */
export async function readFileColumns(path: string, format: FileFormat): Promise<Result<FileColumns>> {
  if (format === 'parquet') {
    const opened = await openParquet(path);
    if (!opened.ok) return err(opened.error.code, opened.error.message, opened.error.details);
    const columns: { name: string; dtype: Dtype }[] = [];
    const skipped: { name: string; reason: string }[] = [];
    for (const c of opened.value.schema) {
      const d = parquetDtype(c);
      if (d === null) skipped.push({ name: c.name, reason: c.reason ?? `${c.logical ?? c.physical} is not supported` });
      else columns.push({ name: c.name, dtype: d });
    }
    return ok({ columns, skipped, parquet: opened.value });
  }
  try {
    const types = format === 'csv' ? await readCsvColumns(path) : await readArrowColumns(path);
    return ok({ columns: [...types].map(([name, t]) => ({ name, dtype: dtypeOfColumn(t) })), skipped: [] });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'io_error' : 'corrupt_file';
    return err(code, `${path}: ${(e as Error).message}`, { file: path });
  }
}

export interface ParquetScanOptions {
  /** Decode threads (default: the reader's choice, one per core for big reads). */
  readonly workers?: number | 'auto';
  readonly prefetch?: number;
}

async function* parquetBatches(file: ParquetFile, columns: readonly string[], o: ParquetScanOptions): AsyncGenerator<Result<SourceBatch>> {
  try {
    const it = iterateRowGroups(file, {
      columns,
      timestamps: 'us',
      reuseBuffers: true,
      ...(o.workers !== undefined && { workers: o.workers }),
      ...(o.prefetch !== undefined && { prefetch: o.prefetch }),
    });
    for await (const b of it) yield ok({ numRows: b.numRows, columns: b.columns });
  } catch (e) {
    if (e instanceof ParquetReadError) {
      yield err(e.code, e.message, e.details ?? { file: file.path });
      return;
    }
    yield err('corrupt_file', `${file.path}: ${(e as Error).message}`, { file: file.path });
  }
}

/** The batches of one file with the named columns. Buffers may be recycled once the next batch is asked for. */
export async function* fileBatches(
  path: string,
  format: FileFormat,
  columns: readonly string[],
  options: ParquetScanOptions & { readonly parquet?: ParquetFile } = {},
): AsyncGenerator<Result<SourceBatch>> {
  if (format === 'parquet') {
    let file = options.parquet;
    if (file === undefined) {
      const opened = await openParquet(path);
      if (!opened.ok) {
        yield err(opened.error.code, opened.error.message, opened.error.details);
        return;
      }
      file = opened.value;
    }
    yield* parquetBatches(file, columns, options);
    return;
  }
  const batches = format === 'csv' ? csvBatches(path, columns) : arrowBatches(path, columns);
  for await (const r of batches) {
    if (!r.ok && r.error.code === 'corrupt_data') {
      yield err('corrupt_file', r.error.message, r.error.details);
      return;
    }
    yield r;
  }
}
