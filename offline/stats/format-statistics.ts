// The readable form of a ViewStatistics record: one table of every feature,
// then per feature its quantiles, histogram or top values.
import type { FeatureStatistics, ViewStatistics } from '../../src/core/schema/statistics.ts';
import { formatTable } from '../cli/format-table.ts';

/** Numbers short enough for a table: up to 6 significant digits, integers as they are. */
export function fmtNum(x: number | null | undefined): string {
  if (x === null || x === undefined) return '-';
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e9)) return x.toExponential(4);
  return String(Number(x.toPrecision(6)));
}

const pct = (r: number) => `${(100 * r).toFixed(r > 0 && r < 0.001 ? 3 : 1)}%`;

function detail(f: FeatureStatistics): string[] {
  const out: string[] = [];
  if (f.valuesPerRow) out.push(`  values per row: min ${fmtNum(f.valuesPerRow.min)}, max ${fmtNum(f.valuesPerRow.max)}, mean ${fmtNum(f.valuesPerRow.mean)}`);
  if (f.numeric) {
    const q = f.numeric.quantiles;
    out.push(`  quantiles: p1 ${fmtNum(q.p1)}  p5 ${fmtNum(q.p5)}  p25 ${fmtNum(q.p25)}  p50 ${fmtNum(q.p50)}  p75 ${fmtNum(q.p75)}  p95 ${fmtNum(q.p95)}  p99 ${fmtNum(q.p99)}`);
    if (f.numeric.zeros > 0 || f.numeric.nans > 0) out.push(`  zeros ${f.numeric.zeros}, NaN ${f.numeric.nans}`);
    const h = f.numeric.histogram;
    const most = Math.max(1, ...h.map((b) => b.count));
    for (const b of h) out.push(`  [${fmtNum(b.low)}, ${fmtNum(b.high)}] ${'#'.repeat(Math.round((30 * b.count) / most)).padEnd(30)} ${b.count}`);
  }
  if (f.string) {
    const s = f.string;
    out.push(`  length: min ${fmtNum(s.minLength)}, avg ${fmtNum(s.avgLength)}, max ${fmtNum(s.maxLength)}`);
    if (s.topValues.length > 0) {
      const shown = s.topValues.slice(0, 10).map((t) => `${JSON.stringify(t.value.length > 40 ? `${t.value.slice(0, 39)}…` : t.value)} ${t.count}`);
      out.push(`  top values${s.topValuesError > 0 ? ` (counts may be low by up to ${s.topValuesError})` : ''}: ${shown.join(', ')}`);
    }
  }
  return out;
}

export function formatStatistics(r: ViewStatistics): string[] {
  const window = r.window.start === null && r.window.end === null ? '' : ` in [${r.window.start ?? '-inf'}, ${r.window.end ?? '+inf'}]`;
  const head = `${r.view}: ${r.rowCount.toLocaleString('en-US')} rows${window}, computed ${r.computedAt}`;
  const rows = r.features.map((f) => {
    const n = f.numeric;
    const s = f.string;
    return [
      f.name,
      f.dtype,
      String(f.count),
      String(f.nulls),
      pct(f.nullRate),
      n ? fmtNum(n.min) : '-',
      n ? fmtNum(n.max) : '-',
      n ? fmtNum(n.mean) : '-',
      n ? fmtNum(n.stdDev) : '-',
      n ? fmtNum(n.quantiles.p50) : '-',
      `~${fmtNum(f.distinct)}`,
      s && s.topValues.length > 0 ? `${JSON.stringify(s.topValues[0].value.slice(0, 24))} (${s.topValues[0].count})` : '-',
    ];
  });
  const table = formatTable(['FEATURE', 'DTYPE', 'COUNT', 'NULLS', 'NULL%', 'MIN', 'MAX', 'MEAN', 'STDDEV', 'P50', 'DISTINCT', 'TOP'], rows);
  const details = r.features.flatMap((f) => [`${f.name}:`, ...detail(f)]);
  return [head, '', ...table, '', ...details];
}
