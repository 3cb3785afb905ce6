// The pushed-batch encoders (Parquet via hyparquet-writer, Arrow IPC via
// apache-arrow) in Node and in workerd: every dtype, nulls, lists, µs times;
// deterministic bytes.
import { tableFromIPC } from 'apache-arrow';
import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { encodePushedArrow } from '../../../src/stores/offline/pushed-arrow.ts';
import { encodePushedParquet, type PushedTable } from '../../../src/stores/offline/pushed-parquet.ts';

const US = 1_735_689_600_123_457n; // 2025-01-01T00:00:00.123457Z
const table: PushedTable = {
  rows: 2,
  columns: [
    { name: 'ts', dtype: 'unix_timestamp', values: [US, US + 1n] },
    { name: 'created', dtype: 'unix_timestamp', values: [null, US] },
    { name: 'driver_id', dtype: 'int64', values: [1001n, 9007199254740993n] },
    { name: 'i32', dtype: 'int32', values: [-5, null] },
    { name: 'f32', dtype: 'float32', values: [Math.fround(0.1), null] },
    { name: 'f64', dtype: 'float64', values: [0.1, -2.5] },
    { name: 'flag', dtype: 'bool', values: [true, null] },
    { name: 'label', dtype: 'string', values: ['zürich', null] },
    { name: 'photo', dtype: 'bytes', values: [new Uint8Array([0, 255]), null] },
    { name: 'ratings', dtype: 'list<float64>', values: [[1.5, 2], null] },
    { name: 'tags', dtype: 'list<string>', values: [[], ['a', 'b']] },
  ],
};

describe('pushed-batch encoders', () => {
  it('Parquet: readable, typed, deterministic', async () => {
    const a = encodePushedParquet(table);
    const b = encodePushedParquet(table);
    if (!a.ok || !b.ok) throw new Error('encode failed');
    expect(a.value).toEqual(b.value);
    const rows = await parquetReadObjects({ file: a.value.buffer.slice(a.value.byteOffset, a.value.byteOffset + a.value.byteLength) as ArrayBuffer });
    expect(rows[0]).toMatchObject({ driver_id: 1001n, i32: -5, f64: 0.1, flag: true, label: 'zürich', ratings: [1.5, 2], tags: [] });
    expect(rows[1]).toMatchObject({ driver_id: 9007199254740993n, i32: null, flag: null, label: null, photo: null, ratings: null, tags: ['a', 'b'] });
    expect(rows[0].f32).toBeCloseTo(0.1, 6);
    expect((rows[0].ts as Date).toISOString()).toBe('2025-01-01T00:00:00.123Z');
    expect(rows[0].created).toBeNull();
  });

  it('Arrow IPC file: readable with exact µs and typed columns', () => {
    const a = encodePushedArrow(table);
    if (!a.ok) throw new Error(a.error.message);
    const t = tableFromIPC(a.value);
    expect(t.numRows).toBe(2);
    expect(Array.from(t.getChild('ts')!.data[0].values as BigInt64Array)).toEqual([US, US + 1n]);
    expect(t.getChild('created')!.get(0)).toBeNull();
    expect(t.getChild('driver_id')!.get(1)).toBe(9007199254740993n);
    expect(t.getChild('label')!.get(0)).toBe('zürich');
    expect(Array.from(t.getChild('photo')!.get(0) as Uint8Array)).toEqual([0, 255]);
    expect(Array.from(t.getChild('ratings')!.get(0)!.toArray())).toEqual([1.5, 2]);
    expect(t.getChild('ratings')!.get(1)).toBeNull();
    expect(Array.from(t.getChild('tags')!.get(1)!.toArray())).toEqual(['a', 'b']);
    expect(String(t.schema.fields.find((f) => f.name === 'ts')!.type)).toBe('Timestamp<MICROSECOND, UTC>');
  });

  it('refuse unknown dtypes and ragged columns with codes', () => {
    expect(encodePushedParquet({ rows: 1, columns: [{ name: 'x', dtype: 'map<string>', values: [null] }] })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(encodePushedArrow({ rows: 2, columns: [{ name: 'x', dtype: 'int64', values: [1n] }] })).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
  });
});
