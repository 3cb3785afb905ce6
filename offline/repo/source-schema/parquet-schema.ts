import { asyncBufferFromFile, parquetMetadataAsync, parquetSchema, type SchemaElement, type SchemaTree } from 'hyparquet';
import type { ColumnType } from '../../../src/core/registry/source-schema.ts';

function leafType(e: SchemaElement): ColumnType {
  const lt = e.logical_type;
  const ct = e.converted_type;
  switch (e.type) {
    case 'BOOLEAN':
      return { kind: 'bool' };
    case 'INT32':
      if (lt?.type === 'DATE' || ct === 'DATE') return { kind: 'date' };
      if (lt?.type === 'INTEGER') {
        // Unsigned values need the next signed width.
        const bits = lt.isSigned ? lt.bitWidth : lt.bitWidth * 2;
        return { kind: 'int', bits: bits <= 8 ? 8 : bits <= 16 ? 16 : bits <= 32 ? 32 : 64 };
      }
      if (ct === 'UINT_32') return { kind: 'int', bits: 64 };
      if (lt?.type === 'DECIMAL' || ct === 'DECIMAL') return { kind: 'other', name: 'decimal' };
      if (lt?.type === 'TIME' || ct === 'TIME_MILLIS') return { kind: 'other', name: 'time' };
      return { kind: 'int', bits: 32 };
    case 'INT64':
      if (lt?.type === 'TIMESTAMP' || ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS') return { kind: 'timestamp' };
      if (lt?.type === 'DECIMAL' || ct === 'DECIMAL') return { kind: 'other', name: 'decimal' };
      if (lt?.type === 'TIME' || ct === 'TIME_MICROS') return { kind: 'other', name: 'time' };
      if ((lt?.type === 'INTEGER' && !lt.isSigned) || ct === 'UINT_64') return { kind: 'other', name: 'uint64' };
      return { kind: 'int', bits: 64 };
    case 'INT96':
      return { kind: 'timestamp' };
    case 'FLOAT':
      return { kind: 'float', bits: 32 };
    case 'DOUBLE':
      return { kind: 'float', bits: 64 };
    case 'BYTE_ARRAY':
      if (lt?.type === 'STRING' || lt?.type === 'ENUM' || lt?.type === 'JSON' || ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON') {
        return { kind: 'string' };
      }
      return { kind: 'bytes' };
    case 'FIXED_LEN_BYTE_ARRAY':
      if (lt?.type === 'FLOAT16') return { kind: 'float', bits: 16 };
      if (lt?.type === 'DECIMAL' || ct === 'DECIMAL') return { kind: 'other', name: 'decimal' };
      return { kind: 'bytes' };
    default:
      return { kind: 'other', name: String(e.type) };
  }
}

function columnType(node: SchemaTree): ColumnType {
  const e = node.element;
  if (node.children.length === 0) {
    const t = leafType(e);
    return e.repetition_type === 'REPEATED' ? { kind: 'list', element: t } : t;
  }
  if (e.logical_type?.type === 'LIST' || e.converted_type === 'LIST') {
    // LIST -> repeated group -> element (or a legacy repeated leaf).
    let inner = node.children[0] as SchemaTree;
    if (inner.children.length === 1) inner = inner.children[0] as SchemaTree;
    else if (inner.children.length > 1) return { kind: 'other', name: 'struct list' };
    return { kind: 'list', element: inner.children.length === 0 ? leafType(inner.element) : columnType(inner) };
  }
  if (e.logical_type?.type === 'MAP' || e.converted_type === 'MAP') return { kind: 'other', name: 'map' };
  return { kind: 'other', name: 'struct' };
}

/** Top-level columns of a Parquet file, from its footer only. */
export async function readParquetColumns(path: string): Promise<Map<string, ColumnType>> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const tree = parquetSchema(metadata);
  return new Map(tree.children.map((c) => [c.element.name, columnType(c)]));
}
