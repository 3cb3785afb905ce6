// Columns and schemas of the Parquet reader and writer.
//
// A column is typed arrays, never one JS value per row:
// - values are row-aligned (one slot per row; null rows hold 0 / false / empty);
// - validity is 1 byte per row (1 = present, 0 = null), or null when the
//   batch has no nulls in that column (not a bitmap: a byte per row is what
//   the kernels consume and what costs nothing to index);
// - strings and binaries are offsets (numRows + 1 Int32) into one UTF-8 /
//   byte buffer: value i is data[offsets[i] .. offsets[i + 1]);
// - timestamps are BigInt64Array in the file's unit (or µs when asked);
// - lists are offsets (numRows + 1) into an element column.

export type TimeUnit = 'ms' | 'us' | 'ns';

export type ColumnType =
  | 'bool'
  | 'int32'
  | 'int64'
  | 'uint64'
  | 'float'
  | 'double'
  | 'string'
  | 'binary'
  | 'timestamp'
  | 'date'
  | 'list';

interface Base {
  /** 1 byte per row, 1 = present; null when no row is null. */
  readonly validity: Uint8Array | null;
}

export interface BoolColumn extends Base { readonly type: 'bool'; readonly values: Uint8Array }
export interface Int32Column extends Base { readonly type: 'int32'; readonly values: Int32Array }
/** Days since 1970-01-01. */
export interface DateColumn extends Base { readonly type: 'date'; readonly values: Int32Array }
export interface Int64Column extends Base { readonly type: 'int64'; readonly values: BigInt64Array }
export interface Uint64Column extends Base { readonly type: 'uint64'; readonly values: BigUint64Array }
export interface FloatColumn extends Base { readonly type: 'float'; readonly values: Float32Array }
export interface DoubleColumn extends Base { readonly type: 'double'; readonly values: Float64Array }
export interface TimestampColumn extends Base {
  readonly type: 'timestamp';
  /** Epoch time in `unit`. */
  readonly values: BigInt64Array;
  readonly unit: TimeUnit;
  /** Parquet isAdjustedToUTC: true for instants, false for naive (local) timestamps. larder reads naive as UTC. */
  readonly utc: boolean;
}
export interface BytesColumn extends Base {
  readonly type: 'string' | 'binary';
  readonly offsets: Int32Array;
  readonly data: Uint8Array;
}
export interface ListColumn extends Base {
  readonly type: 'list';
  /** Row i holds elements offsets[i] .. offsets[i + 1] of `element`. */
  readonly offsets: Int32Array;
  readonly element: Column;
}

export type Column =
  | BoolColumn
  | Int32Column
  | DateColumn
  | Int64Column
  | Uint64Column
  | FloatColumn
  | DoubleColumn
  | TimestampColumn
  | BytesColumn
  | ListColumn;

/** One row group's worth of the selected columns. */
export interface Batch {
  readonly numRows: number;
  /** Index of the row group in the file. */
  readonly rowGroup: number;
  /** Index of this batch's first row in the file. */
  readonly rowStart: number;
  readonly columns: Readonly<Record<string, Column>>;
}

/** A top-level column of a Parquet file as the reader presents it. */
export interface ColumnSchema {
  readonly name: string;
  /** What the reader returns; 'unsupported' columns cannot be selected (see `reason`). */
  readonly type: ColumnType | 'unsupported';
  /** Parquet physical type of the leaf (INT64, BYTE_ARRAY, ...); 'GROUP' for groups. */
  readonly physical: string;
  /** Parquet logical / converted type, spelled out (e.g. 'TIMESTAMP(us, UTC)', 'STRING', 'DECIMAL(10,2)'). */
  readonly logical?: string;
  readonly nullable: boolean;
  readonly unit?: TimeUnit;
  readonly utc?: boolean;
  /** For lists: the element. */
  readonly element?: ColumnSchema;
  /** True when the WASM kernel decodes it (subject to the encodings found in each page). */
  readonly fastPath: boolean;
  readonly reason?: string;
}

export interface RowGroupInfo {
  readonly index: number;
  readonly numRows: number;
  readonly rowStart: number;
  /** Compressed bytes of all its column chunks. */
  readonly compressedBytes: number;
}
