import { z } from 'zod';
import { Field } from './field.ts';
import { objectMeta, SortedRecord } from './meta.ts';
import { Name } from './name.ts';

export const FILE_FORMATS = ['parquet', 'csv', 'arrow'] as const;
export const FileFormat = z.enum(FILE_FORMATS);
export type FileFormat = z.output<typeof FileFormat>;

/** Rows in files: Parquet, CSV or Arrow IPC; `path` is relative to the repo and may be a glob. */
export const FileSource = z.strictObject({
  type: z.literal('file'),
  name: Name,
  path: z.string().min(1),
  format: FileFormat,
  /** Source column holding the event time. */
  timestampField: z.string().min(1),
  /** Source column holding the time a row was written, or null. */
  createdTimestampColumn: z.string().min(1).nullable(),
  /** Source column name -> feature or join-key name. */
  fieldMapping: SortedRecord,
  /** Column used only to prune files by date, or null. */
  datePartitionColumn: z.string().min(1).nullable(),
  ...objectMeta,
});
export type FileSource = z.output<typeof FileSource>;

/** Rows pushed over HTTP; history lives in its batch source (a file source). */
export const PushSource = z.strictObject({
  type: z.literal('push'),
  name: Name,
  batchSource: Name,
  ...objectMeta,
});
export type PushSource = z.output<typeof PushSource>;

/** Values supplied with each request, consumed by on-demand feature views. */
export const RequestSource = z.strictObject({
  type: z.literal('request'),
  name: Name,
  schema: z.array(Field),
  ...objectMeta,
});
export type RequestSource = z.output<typeof RequestSource>;

export const DataSource = z.discriminatedUnion('type', [FileSource, PushSource, RequestSource]);
export type DataSource = z.output<typeof DataSource>;
export type DataSourceType = DataSource['type'];
