// The one place that knows how to read a file source: its files in name order,
// each a batch at a time (a Parquet row group, an Arrow record batch, 64 Ki
// CSV records). Swap a reader here without touching the materializer.
import { relative } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { FileFormat, FileSource } from '../../src/core/schema/data-source.ts';
import { iterateRowGroups, openParquet } from '../parquet/index.ts';
import { resolveSourceFiles } from '../repo/source-schema/read-source-schema.ts';
import { arrowBatches } from './arrow-batches.ts';
import { csvBatches } from './csv-batches.ts';
import type { BatchOrigin, SourceBatch } from './source-batch.ts';

type Parts = AsyncGenerator<Result<{ batch: SourceBatch; part: number; parts: number | null }>>;

/** Shared memory that whole-source 8-byte columns may be decoded into (Parquet only; see ReadOptions.into). */
export type SourcePlacement = Readonly<Record<string, SharedArrayBuffer>>;

async function* parquetParts(path: string, columns: readonly string[], place?: SourcePlacement, firstRow = 0): Parts {
  const opened = await openParquet(path);
  if (!opened.ok) {
    yield err('corrupt_data', opened.error.message, opened.error.details);
    return;
  }
  const parts = opened.value.rowGroups.length;
  try {
    // Buffers are recycled when the iterator advances: the materializer copies what it keeps.
    const into = place && Object.fromEntries(Object.entries(place).map(([name, buffer]) => [name, { buffer, firstRow }]));
    for await (const b of iterateRowGroups(opened.value, { columns, timestamps: 'us', reuseBuffers: true, ...(into && { into }) })) {
      yield ok({ batch: { numRows: b.numRows, columns: b.columns }, part: b.rowGroup, parts });
    }
  } catch (e) {
    yield err(/no column/.test((e as Error).message) ? 'invalid_rows' : 'corrupt_data', (e as Error).message, { file: path });
  }
}

async function* numbered(batches: AsyncGenerator<Result<SourceBatch>>): Parts {
  let part = 0;
  for await (const r of batches) yield r.ok ? ok({ batch: r.value, part: part++, parts: null }) : r;
}

const READERS: Readonly<Record<FileFormat, (path: string, columns: readonly string[], place?: SourcePlacement, firstRow?: number) => Parts>> = {
  parquet: parquetParts,
  arrow: (path, columns) => numbered(arrowBatches(path, columns)),
  csv: (path, columns) => numbered(csvBatches(path, columns)),
};

/**
 * The batches of a file source, file by file in name order, with only the
 * named columns. Stops after the first error. `place`: decode these Parquet
 * columns into shared memory, source row i at element i (best effort).
 */
export async function* readSource(
  repoDir: string,
  source: FileSource,
  columns: readonly string[],
  place?: SourcePlacement,
): AsyncGenerator<Result<{ batch: SourceBatch; origin: BatchOrigin }>> {
  const files = await resolveSourceFiles(repoDir, source.path, source.format);
  let rows = 0;
  for (let f = 0; f < files.length; f++) {
    const file = relative(repoDir, files[f]).replace(/\\/g, '/');
    for await (const r of READERS[source.format](files[f], columns, place, rows)) {
      if (!r.ok) {
        yield r;
        return;
      }
      rows += r.value.batch.numRows;
      yield ok({ batch: r.value.batch, origin: { file, fileIndex: f, files: files.length, part: r.value.part, parts: r.value.parts } });
    }
  }
}

export { resolveSourceFiles };
