// One batch of source rows, as every reader (Parquet, Arrow IPC, CSV) hands
// it to the materializer. Typed columns are the Parquet reader's own shapes
// (values row-aligned, validity one byte per row or null); CSV gives text and
// odd Arrow types give JS values, converted per value on the slow path.
import type { Column } from '../parquet/types.ts';

/** CSV: one string per row; '' is null. */
export interface TextColumn {
  readonly type: 'text';
  readonly values: readonly string[];
  readonly validity: null;
}

/** Anything else: one JS value per row (null = null). */
export interface JsColumn {
  readonly type: 'js';
  readonly values: readonly unknown[];
  readonly validity: null;
}

export type SourceColumn = Column | TextColumn | JsColumn;

export interface SourceBatch {
  readonly numRows: number;
  /** The requested columns, by source column name. */
  readonly columns: Readonly<Record<string, SourceColumn>>;
}

/** Where a batch came from, for progress and error messages. */
export interface BatchOrigin {
  /** Data file, relative to the repo. */
  readonly file: string;
  /** Index of the file among the source's files, and their count. */
  readonly fileIndex: number;
  readonly files: number;
  /** Row group (Parquet) or batch (Arrow, CSV) index within the file, and the count when known. */
  readonly part: number;
  readonly parts: number | null;
}
