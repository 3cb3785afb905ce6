// The feature-vector codec over the WASM kernel (assembly/codec.ts documents
// the byte layout, format version 1). One row holds one view's values for one
// entity: event and created timestamps (epoch microseconds), then each field.
//
// Decoded values: bool -> boolean; int32, float32, float64 -> number;
// int64, unix_timestamp -> bigint (microseconds for timestamps); string ->
// string; bytes -> Uint8Array; list<T> -> T[]; null -> null.
export {
  CODEC_VERSION,
  FIELD_TYPE_CODE,
  FIELD_TYPES,
  codecSchema,
  type CodecSchema,
  type DecodedColumn,
  type DecodedColumns,
  type DecodedFeature,
  type DecodedRow,
  type EncodedRows,
  type FeatureValue,
  type FieldColumn,
  type FieldType,
  type ListFieldType,
  type RowBatch,
  type RowValues,
  type ScalarFieldType,
  type SchemaInput,
} from './codec-schema.ts';
export { CODEC_ERROR_REASONS } from './codec-support.ts';
export { encodeRow, encodeRows, encodeValueRows, rowsToBatch } from './codec-encode.ts';
export { columnValue, decodeColumns, decodeFeature, decodeRow, type DecodeColumnsOptions } from './codec-decode.ts';
