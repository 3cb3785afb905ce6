// Lists (Parquet-reader list columns and JS arrays), empty inputs, infinities,
// and the window filter's null timestamps, through computeStatistics.
import { describe, expect, it } from 'vitest';
import type { SourceBatch } from '../../../offline/materialize/source-batch.ts';
import { nodeKernel } from '../../../offline/parquet/kernel.ts';
import { computeStatistics } from '../../../offline/stats/compute-statistics.ts';
import { ok, type Result } from '../../../src/core/errors.ts';
import { refNumeric, refString } from './reference-stats.ts';

async function* of(...batches: SourceBatch[]): AsyncGenerator<Result<SourceBatch>> {
  for (const b of batches) yield ok(b);
}

const enc = new TextEncoder();

describe('computeStatistics edge cases', () => {
  it('list columns: rows and nulls per row, values per row, element statistics', async () => {
    const k = await nodeKernel();
    const lists: (number[] | null)[] = [[1, 2, 3], null, [], [4.5], [2, 2], null, [10, -1, 0, 7]];
    // The Parquet reader's shape: offsets over an element column.
    const offsets = new Int32Array(lists.length + 1);
    const flat: number[] = [];
    lists.forEach((l, i) => {
      for (const x of l ?? []) flat.push(x);
      offsets[i + 1] = flat.length;
    });
    const parquetLike: SourceBatch = {
      numRows: lists.length,
      columns: {
        xs: { type: 'list', offsets, element: { type: 'double', values: Float64Array.from(flat), validity: null }, validity: Uint8Array.from(lists, (l) => (l === null ? 0 : 1)) },
        tags: { type: 'js', values: [['a', 'b'], null, [], ['a'], ['c', 'a'], null, ['b']], validity: null },
      },
    };
    const r = await computeStatistics(k, of(parquetLike, parquetLike), [
      { name: 'xs', column: 'xs', dtype: 'list<float64>' },
      { name: 'tags', column: 'tags', dtype: 'list<string>' },
    ]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [xs, tags] = r.value.features;
    const ref = refNumeric([...flat, ...flat]);
    expect(xs).toMatchObject({ rows: 14, count: 10, nulls: 4, valuesPerRow: { min: 0, max: 4, mean: 2 } });
    expect(xs.numeric).toMatchObject({ min: ref.min, max: ref.max, zeros: 2 });
    expect(xs.numeric!.mean).toBeCloseTo(ref.mean!, 12);
    expect(tags).toMatchObject({ rows: 14, count: 10, nulls: 4, valuesPerRow: { min: 0, max: 2, mean: 1.2 } });
    const rs = refString(['a', 'b', 'a', 'c', 'a', 'b', 'a', 'b', 'a', 'c', 'a', 'b']);
    expect(tags.string!.topValues).toEqual(rs.counts.map(([value, count]) => ({ value, count })));
  });

  it('no batches at all: counts are zero, summaries empty, of the right kind', async () => {
    const k = await nodeKernel();
    const r = await computeStatistics(k, of(), [
      { name: 'x', column: 'x', dtype: 'float64' },
      { name: 's', column: 's', dtype: 'string' },
    ]);
    expect(r.ok && r.value.rowCount).toBe(0);
    if (!r.ok) return;
    expect(r.value.features[0]).toMatchObject({ rows: 0, count: 0, nullRate: 0, numeric: { min: null, histogram: [] } });
    expect(r.value.features[1]).toMatchObject({ rows: 0, count: 0, string: { avgLength: null, topValues: [] } });
    expect(r.value.features[1].numeric).toBeUndefined();
  });

  it('infinities: min/max are null in JSON, mean over finite values, histogram finite only', async () => {
    const k = await nodeKernel();
    const values = Float64Array.from([1, 2, Infinity, 3, -Infinity, Number.NaN, 4]);
    const r = await computeStatistics(k, of({ numRows: 7, columns: { x: { type: 'double', values, validity: null } } }), [{ name: 'x', column: 'x', dtype: 'float64' }]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const x = r.value.features[0];
    expect(x).toMatchObject({ count: 7, nulls: 0, numeric: { min: null, max: null, mean: 2.5, nans: 1 } });
    expect(x.numeric!.histogram.reduce((s, b) => s + b.count, 0)).toBe(4);
    expect(JSON.parse(JSON.stringify(x))).toEqual(x);
  });

  it('a window leaves out rows with a null event time; CSV text parses, bad numbers are invalid_rows', async () => {
    const k = await nodeKernel();
    const batch: SourceBatch = {
      numRows: 4,
      columns: {
        ts: { type: 'text', values: ['2025-01-01T00:00:00Z', '', '2025-01-03T00:00:00Z', '2025-01-02T00:00:00Z'], validity: null },
        v: { type: 'text', values: ['1.5', '2', '', 'inf'], validity: null },
        s: { type: 'text', values: ['a', 'b', '', 'é'], validity: null },
      },
    };
    const window = { column: 'ts', start: 1_735_689_600_000_000n, end: 1_735_776_000_000_000n };
    const r = await computeStatistics(k, of(batch), [
      { name: 'v', column: 'v', dtype: 'float64' },
      { name: 's', column: 's', dtype: 'string' },
    ], { window });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ rowCount: 2, rowsRead: 4 });
    expect(r.value.features[0]).toMatchObject({ rows: 2, count: 2, numeric: { mean: 1.5, min: 1.5, max: null } });
    expect(r.value.features[1]).toMatchObject({ rows: 2, count: 2, string: { minLength: 1, maxLength: enc.encode('é').length } });
    const bad = await computeStatistics(k, of({ numRows: 1, columns: { v: { type: 'text', values: ['abc'], validity: null } } }), [{ name: 'v', column: 'v', dtype: 'int64' }]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_rows', message: 'v: row 1 holds "abc", not a number' } });
  });
});
