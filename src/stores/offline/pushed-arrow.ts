// Pushed rows as one Arrow IPC file, for batch sources in Arrow IPC format
// (apache-arrow: runs in workerd and Node). Types as for Parquet: int32 Int32,
// int64 Int64, float32 Float32, float64 Float64, bool Bool, string Utf8,
// bytes Binary, unix_timestamp and the event/created times
// Timestamp(MICROSECOND, UTC), list<T> List<T> (no list<unix_timestamp>).
import {
  Binary, Bool, Field, Float32, Float64, Int32, Int64, List, makeData, makeVector, Table, TimeUnit, Timestamp, Utf8,
  tableToIPC, vectorFromArray, type DataType, type Vector,
} from 'apache-arrow';
import { err, ok, type Result } from '../../core/errors.ts';
import type { PushedTable } from './pushed-parquet.ts';

const SCALAR: Readonly<Record<string, () => DataType>> = {
  int32: () => new Int32(),
  int64: () => new Int64(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  bool: () => new Bool(),
  string: () => new Utf8(),
  bytes: () => new Binary(),
};

/** Timestamps from bigint µs, exactly (Arrow's builders take ms numbers). */
function timestampVector(values: readonly unknown[]): Vector {
  const n = values.length;
  const data = new BigInt64Array(n);
  const bitmap = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    data[i] = BigInt(v as bigint);
    bitmap[i >> 3] |= 1 << (i & 7);
  }
  return makeVector(makeData({ type: new Timestamp(TimeUnit.MICROSECOND, 'UTC'), length: n, data, nullCount: nulls, nullBitmap: nulls > 0 ? bitmap : null }));
}

/** Encode a pushed batch as an Arrow IPC file. */
export function encodePushedArrow(table: PushedTable): Result<Uint8Array> {
  const vectors: Record<string, Vector> = {};
  try {
    for (const c of table.columns) {
      if (c.values.length !== table.rows) return err('invalid_argument', `column "${c.name}" has ${c.values.length} values, expected ${table.rows}`);
      if (c.dtype === 'unix_timestamp') {
        vectors[c.name] = timestampVector(c.values);
        continue;
      }
      const list = /^list<(.+)>$/.exec(c.dtype);
      const inner = SCALAR[list ? list[1] : c.dtype];
      if (inner === undefined) return err('unsupported', `column "${c.name}": dtype ${c.dtype} cannot be written to an Arrow file`);
      const type = list ? new List(new Field('item', inner(), false)) : inner();
      vectors[c.name] = vectorFromArray(c.values as unknown[], type as never);
    }
    return ok(tableToIPC(new Table(vectors), 'file'));
  } catch (e) {
    return err('invalid_rows', `pushed rows cannot be written as Arrow: ${(e as Error).message}`);
  }
}
