// Plain-TS reference statistics (exact: sorts, two-pass moments, counting maps),
// independent of the kernel, for checking `larder stats`.

export interface RefNumeric {
  rows: number;
  count: number;
  nulls: number;
  nans: number;
  zeros: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  stdDev: number | null;
  /** Exact element of rank floor(q (n - 1)) among non-NaN values. */
  quantile(q: number): number | null;
  distinct: number;
}

export function refNumeric(values: readonly (number | null)[]): RefNumeric {
  const present = values.filter((v): v is number => v !== null);
  const ordered = present.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const finite = ordered.filter(Number.isFinite);
  let mean: number | null = null;
  let stdDev: number | null = null;
  if (finite.length > 0) {
    mean = finite.reduce((s, v) => s + v, 0) / finite.length;
    const m = mean;
    stdDev = Math.sqrt(finite.reduce((s, v) => s + (v - m) ** 2, 0) / finite.length);
  }
  return {
    rows: values.length,
    count: present.length,
    nulls: values.length - present.length,
    nans: present.length - ordered.length,
    zeros: present.filter((v) => v === 0).length,
    min: ordered.length ? ordered[0] : null,
    max: ordered.length ? ordered[ordered.length - 1] : null,
    mean,
    stdDev,
    quantile: (q) => (ordered.length ? ordered[Math.floor(q * (ordered.length - 1))] : null),
    distinct: new Set(ordered.map((v) => (Object.is(v, -0) ? 0 : v))).size,
  };
}

export interface RefString {
  rows: number;
  count: number;
  nulls: number;
  distinct: number;
  avgLength: number | null;
  minLength: number | null;
  maxLength: number | null;
  /** value -> exact count, by count descending then value. */
  counts: [string, number][];
}

const enc = new TextEncoder();

export function refString(values: readonly (string | null)[]): RefString {
  const present = values.filter((v): v is string => v !== null);
  const lengths = present.map((v) => enc.encode(v).length);
  const m = new Map<string, number>();
  for (const v of present) m.set(v, (m.get(v) ?? 0) + 1);
  return {
    rows: values.length,
    count: present.length,
    nulls: values.length - present.length,
    distinct: m.size,
    avgLength: lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : null,
    minLength: lengths.length ? Math.min(...lengths) : null,
    maxLength: lengths.length ? Math.max(...lengths) : null,
    counts: [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
  };
}
