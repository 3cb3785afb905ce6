// larder's Node entry (`larder/offline`): loading feature repos, reading source schemas, the
// file registry store and the CLI. Re-exports the platform-neutral API as well.
export * from '../src/index.ts';

export { loadRepo } from './repo/load-repo.ts';
export type { LoadedRepo, LoadRepoOptions } from './repo/load-repo.ts';
export { CONFIG_FILE, loadConfig } from './repo/load-config.ts';
export { discoverDefinitionFiles } from './repo/discover-files.ts';
export { readSourceSchema, resolveSourceFiles } from './repo/source-schema/read-source-schema.ts';
export { driverStatsColumns, driverStatsParquet } from './repo/template/driver-stats-data.ts';
export type { DriverStatsColumns, DriverStatsOptions } from './repo/template/driver-stats-data.ts';
export { FileRegistryStore } from './stores/file-registry-store.ts';
export type { FileRegistryStoreOptions } from './stores/file-registry-store.ts';
export { openRegistryStore } from './cli/open-store.ts';
export { main } from './cli/main.ts';
export {
  openParquet,
  readRowGroups,
  iterateRowGroups,
  writeParquet,
  startParquetWorkers,
  closeParquetWorkers,
  toEpochMicros,
  stringAt,
  columnStrings,
  columnLength,
  ParquetReadError,
} from './parquet/index.ts';
export type {
  ParquetFile,
  ReadOptions,
  ReadSummary,
  WriteColumn,
  WriteOptions,
  WriteBatch,
  ParquetError,
  ParquetErrorCode,
  ParquetResult,
} from './parquet/index.ts';
export { getHistoricalFeatures } from './historical/get-historical-features.ts';
export type { HistoricalRequest, HistoricalProgress } from './historical/get-historical-features.ts';
export type { EntityInput, EntityRow } from './historical/entity-table.ts';
export { writeTable, writeParquetTable, writeCsvTable, writeArrowTable, outputFormatOf } from './historical/write-output.ts';
export type { OutputFormat } from './historical/write-output.ts';
export { writeHistoricalFeatures } from './historical/write-historical.ts';
export type { WriteHistoricalRequest, WriteHistoricalSummary } from './historical/write-historical.ts';
export { writeChunks, type TableChunks } from './historical/write-output.ts';
export { fileStatistics, type FileStatisticsOptions, type FileStatisticsResult } from './stats/file-statistics.ts';
export { viewStatistics, type ViewStatisticsOptions } from './stats/view-statistics.ts';
export { openIngest, push, writeToOnlineStore } from './ingest/ingest.ts';
export type { IngestOptions, IngestSession } from './ingest/ingest.ts';
export type { IngestRow, IngestRows } from './ingest/rows-frame.ts';
export { folderOfflineWriter } from './ingest/folder-offline-store.ts';
export type { OfflineWriter } from '../src/stores/offline/offline-writer.ts';
export type { PushSummary, PushTarget } from '../src/serving/push-rows.ts';
export { openLocalR2, pullPushedObjects, DEFAULT_OFFLINE_BUCKET } from './ingest/local-r2.ts';
export type { LocalR2, LocalR2Options } from './ingest/local-r2.ts';
export { validateView, type ValidateViewRequest, type ValidateViewResult } from './validate/validate-view.ts';
export { computeDrift, formatDrift, type DriftRequest, type DriftReport, type FeatureDrift } from './validate/drift.ts';
export { validateTable, trainingSetError } from './validate/validate-table.ts';
