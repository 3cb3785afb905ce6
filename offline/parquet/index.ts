// larder's Parquet reader and writer for the offline (Node) side.
export { openParquet, type ParquetFile } from './footer.ts';
export { readRowGroups, iterateRowGroups, type ReadOptions, type ReadSummary } from './reader.ts';
export { writeParquet, type WriteColumn, type WriteOptions, type WriteSummary, type WriteBatch } from './writer.ts';
export { closeParquetWorkers, startParquetWorkers } from './worker-pool.ts';
export { toEpochMicros, stringAt, columnStrings, columnLength } from './columns.ts';
export { ParquetReadError, type ParquetError, type ParquetErrorCode, type ParquetResult } from './errors.ts';
export type * from './types.ts';
