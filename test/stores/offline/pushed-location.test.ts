import { describe, expect, it } from 'vitest';
import { pushedDir, pushedObjectKey, utcDay } from '../../../src/stores/offline/pushed-location.ts';

describe('pushed-row locations', () => {
  it('put pushed rows beside a file, inside a directory, or under the static part of a glob', () => {
    expect(pushedDir('data/driver_stats.parquet')).toEqual({ ok: true, value: 'data/_pushed/driver_stats' });
    expect(pushedDir('./data/driver_stats.parquet')).toEqual({ ok: true, value: 'data/_pushed/driver_stats' });
    expect(pushedDir('stats.parquet')).toEqual({ ok: true, value: '_pushed/stats' });
    expect(pushedDir('data/stats/')).toEqual({ ok: true, value: 'data/stats/_pushed' });
    expect(pushedDir('data/stats/*.parquet')).toEqual({ ok: true, value: 'data/stats/_pushed/_' });
    expect(pushedDir('data/**/part-*.parquet')).toEqual({ ok: true, value: 'data/_pushed/___part-_' });
  });

  it('refuse paths outside the repo', () => {
    for (const p of ['/abs/data.parquet', '../up/data.parquet', 'C:/x/data.parquet', ''])
      expect(pushedDir(p)).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });

  it('name one object per batch by the UTC day of its earliest event and a safe batch id', () => {
    const us = Date.UTC(2025, 2, 1, 23, 59, 59) * 1000;
    expect(utcDay(us)).toBe('2025-03-01');
    expect(pushedObjectKey('data/d.parquet', 'parquet', us, 'm-abc/../x')).toEqual({ ok: true, value: 'data/_pushed/d/2025-03-01/m-abc_.._x.parquet' });
    expect(pushedObjectKey('data/d.csv', 'csv', us, 'b')).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});
