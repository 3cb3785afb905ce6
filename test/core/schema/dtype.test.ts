import { describe, expect, it } from 'vitest';
import { DTYPES, normalizeDtype, normalizeValueType } from '../../../src/core/schema/dtype.ts';
import { formatTtl, parseTtl } from '../../../src/core/schema/ttl.ts';

describe('dtypes', () => {
  it('accept the canonical names unchanged', () => {
    for (const d of DTYPES) expect(normalizeDtype(d)).toBe(d);
    expect(DTYPES).toHaveLength(16);
  });

  it("normalize Feast's spellings", () => {
    expect(normalizeDtype('Int64')).toBe('int64');
    expect(normalizeDtype('Float32')).toBe('float32');
    expect(normalizeDtype('String')).toBe('string');
    expect(normalizeDtype('Bool')).toBe('bool');
    expect(normalizeDtype('Bytes')).toBe('bytes');
    expect(normalizeDtype('UnixTimestamp')).toBe('unix_timestamp');
    expect(normalizeDtype('Array(Int64)')).toBe('list<int64>');
    expect(normalizeDtype('Array(UnixTimestamp)')).toBe('list<unix_timestamp>');
    expect(normalizeDtype('list<Float64>')).toBe('list<float64>');
  });

  it('refuse unknown types, nested lists and non-strings', () => {
    for (const bad of ['Float33', 'list<list<int64>>', 'Array()', 'map<string,int64>', '', 5, null, undefined]) {
      expect(normalizeDtype(bad)).toBeNull();
    }
  });

  it('allow only key types as join-key value types', () => {
    expect(normalizeValueType('Int64')).toBe('int64');
    expect(normalizeValueType('string')).toBe('string');
    expect(normalizeValueType('UnixTimestamp')).toBe('unix_timestamp');
    expect(normalizeValueType('float32')).toBeNull();
    expect(normalizeValueType('list<int64>')).toBeNull();
  });
});

describe('ttl', () => {
  it('parses seconds and durations', () => {
    expect(parseTtl(0)).toBe(0);
    expect(parseTtl(3600)).toBe(3600);
    expect(parseTtl('3600')).toBe(3600);
    expect(parseTtl('45s')).toBe(45);
    expect(parseTtl('30m')).toBe(1800);
    expect(parseTtl('2h')).toBe(7200);
    expect(parseTtl('1d')).toBe(86_400);
    expect(parseTtl('7d')).toBe(604_800);
    expect(parseTtl('2w')).toBe(1_209_600);
    expect(parseTtl('1h30m')).toBe(5400);
  });

  it('refuses the rest', () => {
    for (const bad of [-1, 1.5, '2x', '1.5h', 'h', '', '-1d', null, true, Number.NaN]) expect(parseTtl(bad)).toBeNull();
  });

  it('formats seconds back', () => {
    expect(formatTtl(0)).toBe('0 (unbounded)');
    expect(formatTtl(86_400)).toBe('1d');
    expect(formatTtl(5400)).toBe('90m');
    expect(formatTtl(61)).toBe('61s');
  });
});
