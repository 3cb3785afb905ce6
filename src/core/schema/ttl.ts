/**
 * ttl: a non-negative integer number of seconds, or a duration like `45s`, `30m`, `2h`, `1d`,
 * `7d`, `2w` (units may be combined: `1h30m`). 0 means unbounded. Stored as seconds.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

export function parseTtl(input: unknown): number | null {
  if (typeof input === 'number') return Number.isSafeInteger(input) && input >= 0 ? input : null;
  if (typeof input !== 'string') return null;
  const s = input.trim().toLowerCase();
  if (/^\d+$/.test(s)) return parseTtl(Number(s));
  if (!/^(\d+[smhdw])+$/.test(s)) return null;
  let total = 0;
  for (const m of s.matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
  return Number.isSafeInteger(total) ? total : null;
}

/** Seconds back to the shortest duration string (for display). */
export function formatTtl(seconds: number): string {
  if (seconds === 0) return '0 (unbounded)';
  for (const [unit, size] of [['w', 604_800], ['d', 86_400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
