import { describe, expect, it } from 'vitest';
import { microsToRfc3339, parseTimestamp, withinTtl } from '../../src/core/time.ts';

describe('time rules', () => {
  it('formats µs as RFC 3339 with Z, fraction only when needed', () => {
    expect(microsToRfc3339(0)).toBe('1970-01-01T00:00:00Z');
    expect(microsToRfc3339(Date.UTC(2021, 11, 31, 23) * 1000)).toBe('2021-12-31T23:00:00Z');
    expect(microsToRfc3339(Date.UTC(2021, 11, 31, 23) * 1000 + 1500)).toBe('2021-12-31T23:00:00.0015Z');
    expect(microsToRfc3339(-1)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('parses ISO strings, naive as UTC, with zones and fractions', () => {
    expect(parseTimestamp('2025-01-01T10:00:00Z')).toBe(Date.UTC(2025, 0, 1, 10) * 1000);
    expect(parseTimestamp('2025-01-01 10:00:00')).toBe(Date.UTC(2025, 0, 1, 10) * 1000);
    expect(parseTimestamp('2025-01-01')).toBe(Date.UTC(2025, 0, 1) * 1000);
    expect(parseTimestamp('2025-01-01T12:00:00+02:00')).toBe(Date.UTC(2025, 0, 1, 10) * 1000);
    expect(parseTimestamp('2025-01-01T10:00:00.123456Z')).toBe(Date.UTC(2025, 0, 1, 10) * 1000 + 123456);
    expect(parseTimestamp('2025-01-01T10:00:00.123456789Z')).toBe(Date.UTC(2025, 0, 1, 10) * 1000 + 123456);
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseTimestamp('2025-13-45')).toBeNull();
  });

  it('applies ttl inclusively, 0 meaning unbounded', () => {
    expect(withinTtl(100, 200, 100)).toBe(true);
    expect(withinTtl(99, 200, 100)).toBe(false);
    expect(withinTtl(-1e15, 200, 0)).toBe(true);
  });
});
