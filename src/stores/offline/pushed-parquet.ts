// Pushed rows as one Parquet file (hyparquet-writer: pure JS, runs in workerd
// and Node). Columns keep the batch source's names and larder's dtypes:
// int32 INT32, int64 INT64, float32 FLOAT, float64 DOUBLE, bool BOOLEAN,
// string STRING, bytes BYTE_ARRAY, unix_timestamp and the event/created
// times TIMESTAMP(MICROS, UTC), list<T> a 3-level LIST of T. Every column is
// OPTIONAL (nulls allowed); list elements are REQUIRED.
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { err, ok, type Result } from '../../core/errors.ts';

type SchemaElement = NonNullable<Parameters<typeof parquetWrite>[0]['schema']>[number];

export interface PushedColumn {
  /** Batch-source column name. */
  readonly name: string;
  /** larder dtype (`unix_timestamp` for time columns; values are bigint epoch µs). */
  readonly dtype: string;
  /** One value per row in the codec's JS form: int64 bigint, bytes Uint8Array, times bigint µs, lists arrays; null = null. */
  readonly values: readonly unknown[];
}

export interface PushedTable {
  readonly rows: number;
  readonly columns: readonly PushedColumn[];
}

/** Key-value metadata written into every pushed file. */
export const PUSHED_FORMAT = { key: 'larder.pushed', version: '1' } as const;

type Leaf = Pick<SchemaElement, 'type' | 'converted_type' | 'logical_type'>;

const LEAF: Readonly<Record<string, Leaf>> = {
  int32: { type: 'INT32' },
  int64: { type: 'INT64' },
  float32: { type: 'FLOAT' },
  float64: { type: 'DOUBLE' },
  bool: { type: 'BOOLEAN' },
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
  bytes: { type: 'BYTE_ARRAY' },
  unix_timestamp: { type: 'INT64', converted_type: 'TIMESTAMP_MICROS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } },
};

function schemaOf(c: PushedColumn): Result<SchemaElement[]> {
  const list = /^list<(.+)>$/.exec(c.dtype);
  const leaf = LEAF[list ? list[1] : c.dtype];
  if (leaf === undefined) return err('unsupported', `column "${c.name}": dtype ${c.dtype} cannot be written to Parquet`);
  if (!list) return ok([{ name: c.name, repetition_type: 'OPTIONAL', ...leaf }]);
  return ok([
    { name: c.name, repetition_type: 'OPTIONAL', converted_type: 'LIST', logical_type: { type: 'LIST' }, num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', repetition_type: 'REQUIRED', ...leaf },
  ]);
}

/** Encode a pushed batch as Parquet bytes (deterministic: equal input gives equal bytes). */
export function encodePushedParquet(table: PushedTable): Result<Uint8Array> {
  const schema: SchemaElement[] = [{ name: 'root', num_children: table.columns.length }];
  for (const c of table.columns) {
    if (c.values.length !== table.rows) return err('invalid_argument', `column "${c.name}" has ${c.values.length} values, expected ${table.rows}`);
    const s = schemaOf(c);
    if (!s.ok) return s;
    schema.push(...s.value);
  }
  try {
    const writer = new ByteWriter();
    parquetWrite({
      writer,
      schema,
      columnData: table.columns.map((c) => ({ name: c.name, data: c.values as unknown[] })),
      rowGroupSize: Math.max(1, table.rows),
      kvMetadata: [{ key: PUSHED_FORMAT.key, value: PUSHED_FORMAT.version }],
      createdBy: 'larder',
    });
    return ok(new Uint8Array(writer.getBuffer()));
  } catch (e) {
    return err('invalid_rows', `pushed rows cannot be written as Parquet: ${(e as Error).message}`);
  }
}
