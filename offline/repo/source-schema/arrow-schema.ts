import { open } from 'node:fs/promises';
import { type DataType, Precision, RecordBatchReader, Type } from 'apache-arrow';
import { LarderError } from '../../../src/core/errors.ts';
import { checkArrowFile } from '../../arrow/check-arrow-file.ts';
import type { ColumnType } from '../../../src/core/registry/source-schema.ts';

function columnType(t: DataType): ColumnType {
  switch (t.typeId) {
    case Type.Int:
    case Type.Int8:
    case Type.Int16:
    case Type.Int32:
    case Type.Int64:
    case Type.Uint8:
    case Type.Uint16:
    case Type.Uint32:
    case Type.Uint64: {
      const { bitWidth, isSigned } = t as unknown as { bitWidth: 8 | 16 | 32 | 64; isSigned: boolean };
      if (isSigned) return { kind: 'int', bits: bitWidth };
      if (bitWidth === 64) return { kind: 'other', name: 'uint64' };
      return { kind: 'int', bits: bitWidth === 32 ? 64 : ((bitWidth * 2) as 16 | 32) };
    }
    case Type.Float:
    case Type.Float16:
    case Type.Float32:
    case Type.Float64: {
      const p = (t as unknown as { precision: Precision }).precision;
      return { kind: 'float', bits: p === Precision.HALF ? 16 : p === Precision.SINGLE ? 32 : 64 };
    }
    case Type.Bool:
      return { kind: 'bool' };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { kind: 'string' };
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return { kind: 'bytes' };
    case Type.Timestamp:
    case Type.TimestampSecond:
    case Type.TimestampMillisecond:
    case Type.TimestampMicrosecond:
    case Type.TimestampNanosecond:
      return { kind: 'timestamp' };
    case Type.Date:
    case Type.DateDay:
    case Type.DateMillisecond:
      return { kind: 'date' };
    case Type.List:
    case Type.FixedSizeList: {
      const child = (t as unknown as { children: { type: DataType }[] }).children[0];
      return { kind: 'list', element: child === undefined ? { kind: 'unknown' } : columnType(child.type) };
    }
    case Type.Dictionary:
      return columnType((t as unknown as { dictionary: DataType }).dictionary);
    case Type.Null:
      return { kind: 'unknown' };
    default:
      return { kind: 'other', name: String(t) };
  }
}

/** Columns of an Arrow IPC file (or stream), reading only the schema. */
export async function readArrowColumns(path: string): Promise<Map<string, ColumnType>> {
  const checked = await checkArrowFile(path); // corrupt metadata must not hang apache-arrow
  // Callers prefix the path themselves.
  if (!checked.ok && checked.error.code !== 'io_error') throw new LarderError({ ...checked.error, message: checked.error.message.replace(`${path}: `, '') });
  const handle = await open(path, 'r');
  try {
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    return new Map(reader.schema.fields.map((f) => [f.name, columnType(f.type)]));
  } finally {
    await handle.close().catch(() => undefined);
  }
}
