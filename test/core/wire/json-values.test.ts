import { describe, expect, it } from 'vitest';
import { fromJsonKey, toJsonValue } from '../../../src/core/wire/json-values.ts';

describe('JSON wire values', () => {
  it('renders every dtype the Feast way', () => {
    expect(toJsonValue('int64', 9007199254740991n)).toBe(9007199254740991);
    expect(toJsonValue('float32', Math.fround(0.7))).toBe(Math.fround(0.7));
    expect(toJsonValue('float64', Number.NaN)).toBeNull();
    expect(toJsonValue('unix_timestamp', 1_700_000_000_999_999n)).toBe(1_700_000_000);
    expect(toJsonValue('bytes', new Uint8Array([0, 255]))).toBe('AP8=');
    expect(toJsonValue('list<int64>', [1n, -2n])).toEqual([1, -2]);
    expect(toJsonValue('list<bytes>', [new Uint8Array([1])])).toEqual(['AQ==']);
    expect(toJsonValue('string', 'héllo')).toBe('héllo');
    expect(toJsonValue('bool', false)).toBe(false);
    expect(toJsonValue('int32', null)).toBeNull();
  });

  it('parses join keys strictly by type', () => {
    expect(fromJsonKey('int64', 1001)).toBe(1001n);
    expect(fromJsonKey('int64', '9223372036854775807')).toBe(9223372036854775807n);
    expect(fromJsonKey('int64', '9223372036854775808')).toBeUndefined();
    expect(fromJsonKey('int64', 1.5)).toBeUndefined();
    expect(fromJsonKey('int64', 2 ** 60)).toBeUndefined();
    expect(fromJsonKey('int32', 2 ** 31)).toBeUndefined();
    expect(fromJsonKey('int32', -5)).toBe(-5);
    expect(fromJsonKey('string', 'a')).toBe('a');
    expect(fromJsonKey('string', null)).toBeUndefined();
    expect(fromJsonKey('bytes', 'AP8=')).toEqual(new Uint8Array([0, 255]));
    expect(fromJsonKey('bytes', '%%%')).toBeUndefined();
    expect(fromJsonKey('unix_timestamp', 1700000000)).toBe(1700000000n);
  });
});
