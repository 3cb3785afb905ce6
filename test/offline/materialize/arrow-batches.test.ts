import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bool, DateDay, Float32, Float64, Int32, Int64, Table, TimestampMicrosecond, Uint32, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { arrowBatches, recordBatchColumns } from '../../../offline/materialize/arrow-batches.ts';
import { jsValueAt } from '../../../offline/materialize/column-values.ts';
import type { SourceBatch } from '../../../offline/materialize/source-batch.ts';

const N = 37;
const nullAt = (i: number) => i % 7 === 3;

/** µs timestamps built exactly (Arrow's builders take ms numbers). */
function timestamps(values: (bigint | null)[]) {
  const data = new BigInt64Array(values.length);
  const nullBitmap = new Uint8Array((values.length + 7) >> 3);
  let nullCount = 0;
  values.forEach((v, i) => (v === null ? nullCount++ : ((data[i] = v), (nullBitmap[i >> 3] |= 1 << (i & 7)))));
  return makeVector(makeData({ type: new TimestampMicrosecond(), length: values.length, data, nullBitmap, nullCount }));
}

const rows = Array.from({ length: N }, (_, i) => ({
  i64: nullAt(i) ? null : BigInt(i) * 1_000_000_007n - 5n,
  i32: nullAt(i) ? null : i * 3 - 50,
  u32: nullAt(i) ? null : 4_000_000_000 + i,
  f32: nullAt(i) ? null : i / 4,
  f64: nullAt(i) ? null : i / 3,
  flag: nullAt(i) ? null : i % 3 === 0,
  label: nullAt(i) ? null : `row-${i}-${'x'.repeat(i % 5)}`,
  ts: nullAt(i) ? null : 1_735_689_600_000_000n + BigInt(i) * 1_000_001n,
  day: nullAt(i) ? null : 20_000 + i,
}));

function table(): Table {
  return new Table({
    i64: vectorFromArray(rows.map((r) => r.i64), new Int64()),
    i32: vectorFromArray(rows.map((r) => r.i32), new Int32()),
    u32: vectorFromArray(rows.map((r) => r.u32), new Uint32()),
    f32: vectorFromArray(rows.map((r) => r.f32), new Float32()),
    f64: vectorFromArray(rows.map((r) => r.f64), new Float64()),
    flag: vectorFromArray(rows.map((r) => r.flag), new Bool()),
    label: vectorFromArray(rows.map((r) => r.label), new Utf8()),
    ts: timestamps(rows.map((r) => r.ts)),
    day: vectorFromArray(rows.map((r) => (r.day === null ? null : new Date(r.day * 86_400_000))), new DateDay()),
  });
}

const COLUMNS = ['i64', 'i32', 'u32', 'f32', 'f64', 'flag', 'label', 'ts', 'day'];

/** Every value of a batch, as jsValueAt reads it (timestamps and dates as µs). */
function values(b: SourceBatch): unknown[][] {
  return Array.from({ length: b.numRows }, (_, i) => COLUMNS.map((c) => jsValueAt(b.columns[c], i)));
}

function expected(from: number, to: number): unknown[][] {
  return rows.slice(from, to).map((r) => [
    r.i64, r.i32, r.u32 === null ? null : BigInt(r.u32), r.f32, r.f64, r.flag, r.label, r.ts, r.day === null ? null : BigInt(r.day) * 86_400_000_000n,
  ]);
}

describe('arrow batches', () => {
  it('reads a whole in-memory record batch', () => {
    const [rb] = table().batches;
    const b = recordBatchColumns(rb, COLUMNS);
    expect(b.columns.i64.type).toBe('int64'); // the typed path, not per-value getters
    expect(b.columns.label.type).toBe('string');
    expect(values(b)).toEqual(expected(0, N));
  });

  it('reads sliced in-memory data from the slice, not from the buffer start (value buffers are already sliced, bitmaps are not)', () => {
    for (const [from, to] of [[1, 2], [3, 20], [9, 37], [17, 30], [0, 37]]) {
      const sliced = table().slice(from, to);
      expect(sliced.batches).toHaveLength(1);
      const b = recordBatchColumns(sliced.batches[0], COLUMNS);
      expect(b.numRows).toBe(to - from);
      expect(values(b), `slice ${from}..${to}`).toEqual(expected(from, to));
    }
  });

  it('reads an IPC file written from a sliced table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'larder-arrow-'));
    const path = join(dir, 'sliced.arrow');
    await writeFile(path, tableToIPC(table().slice(5, 33), 'file'));
    const got: unknown[][] = [];
    for await (const r of arrowBatches(path, COLUMNS)) {
      if (!r.ok) throw new Error(r.error.message);
      got.push(...values(r.value));
    }
    expect(got).toEqual(expected(5, 33));
  });
});
