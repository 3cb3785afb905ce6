// Drift between two event-time windows of a view's source, per feature:
// population stability index over the baseline's deciles for numeric features,
// Jensen-Shannon distance over the top values for strings and booleans (nulls
// are a bucket of their own in both). Two passes over the source in bounded
// memory: pass 1 finds the buckets (statistics kernel: quantile sketch, top
// values), pass 2 counts both windows into them exactly.
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import type { ValueColumn } from '../../src/core/validation/expectation-checker.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import {
  finalizeNumeric,
  finalizeString,
  mergeNumericStats,
  mergeStringStats,
  numericStats,
  type NumericStatsState,
  stringStatsOf,
  type StringStatsState,
} from '../../src/kernel/stats.ts';
import { nodeKernel } from '../parquet/kernel.ts';
import { bucketOf, jensenShannonDistance, populationStabilityIndex } from './drift-metrics.ts';
import { type CheckBatch, openViewBatches, type TimeWindow, windowSelection } from './view-batches.ts';

export const DEFAULT_PSI_THRESHOLD = 0.2;
export const DEFAULT_JS_THRESHOLD = 0.1;
const DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const TOP_VALUES = 20;

export interface DriftRequest {
  readonly dir: string;
  readonly registry: RegistryIndex;
  readonly view: FeatureView;
  readonly baseline: TimeWindow;
  readonly current: TimeWindow;
  /** Features to compare (default: every feature of the view). */
  readonly features?: readonly string[];
  /** PSI above which a numeric feature drifted (default 0.2). */
  readonly psiThreshold?: number;
  /** Jensen-Shannon distance above which a categorical feature drifted (default 0.1). */
  readonly jsThreshold?: number;
  readonly kernel?: KernelInstance;
}

export interface FeatureDrift {
  readonly feature: string;
  readonly dtype: string;
  /** null: not compared (lists and bytes). */
  readonly metric: 'psi' | 'js_distance' | null;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly drifted: boolean;
  readonly baseline: { readonly rows: number; readonly nulls: number };
  readonly current: { readonly rows: number; readonly nulls: number };
  /** A short description: means for numbers, the most common value's share for categories, or why not compared. */
  readonly detail: string;
}

export interface DriftReport {
  readonly view: string;
  readonly baselineRows: number;
  readonly currentRows: number;
  readonly features: readonly FeatureDrift[];
}

type Kind = 'numeric' | 'categorical' | 'skip';
const kindOf = (dtype: string): Kind =>
  dtype === 'string' || dtype === 'bool' ? 'categorical' : dtype.startsWith('list<') || dtype === 'bytes' ? 'skip' : 'numeric';

interface Side {
  rows: number;
  nulls: number;
  sum: number;
  finite: number;
}
const side = (): Side => ({ rows: 0, nulls: 0, sum: 0, finite: 0 });

interface FeatureState {
  readonly name: string;
  readonly dtype: string;
  readonly kind: Kind;
  readonly sides: [Side, Side];
  // pass 1
  numeric: NumericStatsState | null;
  strings: [StringStatsState | null, StringStatsState | null];
  // pass 2
  edges: number[];
  categories: Map<string, number>;
  counts: [number[], number[]];
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'bigint') return Number(v);
  return null;
}
const isNull = (c: ValueColumn, i: number): boolean => (c.validity != null && c.validity[i] === 0) || c.values[i] === null || c.values[i] === undefined;
const asCategory = (v: unknown): string => (typeof v === 'string' ? v : String(v));

async function eachBatch(req: DriftRequest, features: readonly string[], fn: (b: CheckBatch, sel: [Uint8Array | null, Uint8Array | null]) => Result<void>): Promise<Result<void>> {
  const opened = await openViewBatches({ dir: req.dir, registry: req.registry, view: req.view, features, eventTimes: true });
  if (!opened.ok) return opened;
  for await (const r of opened.value.batches) {
    if (!r.ok) return r;
    const b = r.value;
    const sel: [Uint8Array | null, Uint8Array | null] = [windowSelection(b.eventTs, b.numRows, req.baseline), windowSelection(b.eventTs, b.numRows, req.current)];
    const done = fn(b, sel);
    if (!done.ok) return done;
  }
  return ok(undefined);
}

const selected = (sel: Uint8Array | null, i: number) => sel === null || sel[i] !== 0;

/** Compare the distributions of a view's features in two windows. */
export async function computeDrift(req: DriftRequest): Promise<Result<DriftReport>> {
  const k = req.kernel ?? (await nodeKernel());
  const psiThreshold = req.psiThreshold ?? DEFAULT_PSI_THRESHOLD;
  const jsThreshold = req.jsThreshold ?? DEFAULT_JS_THRESHOLD;
  const names = req.features ?? req.view.features.map((f) => f.name);
  const states: FeatureState[] = [];
  for (const name of names) {
    const f = req.view.features.find((x) => x.name === name);
    if (f === undefined) return err('unknown_feature', `feature view "${req.view.name}" has no feature "${name}"`, { featureView: req.view.name, feature: name });
    states.push({ name, dtype: f.dtype, kind: kindOf(f.dtype), sides: [side(), side()], numeric: null, strings: [null, null], edges: [], categories: new Map(), counts: [[], []] });
  }
  const read = states.filter((s) => s.kind !== 'skip').map((s) => s.name);

  // Pass 1: row and null counts, means, the baseline's quantile sketch, both windows' top values.
  const p1 = await eachBatch(req, read, (b, sel) => {
    for (const s of states) {
      if (s.kind === 'skip') continue;
      const c = b.columns.get(s.name)! as ValueColumn; // strings decoded (no utf8 option)
      for (let w = 0; w < 2; w++) {
        const sd = s.sides[w];
        const m = sel[w];
        if (s.kind === 'numeric') {
          // Only the baseline feeds the quantile sketch; the current window needs counts and sums.
          const values = w === 0 ? new Float64Array(b.numRows) : null;
          const valid = w === 0 ? new Uint8Array(b.numRows) : null;
          for (let i = 0; i < b.numRows; i++) {
            if (!selected(m, i)) continue;
            sd.rows++;
            const v = isNull(c, i) ? null : asNumber(c.values[i]);
            if (v === null) {
              sd.nulls++;
              continue;
            }
            if (values !== null) {
              values[i] = v;
              valid![i] = 1;
            }
            if (Number.isFinite(v)) {
              sd.sum += v;
              sd.finite++;
            }
          }
          if (values !== null) {
            const st = numericStats(k, values, valid!);
            if (!st.ok) return st;
            const merged = s.numeric === null ? st : mergeNumericStats(k, s.numeric, st.value);
            if (!merged.ok) return merged;
            s.numeric = merged.value;
          }
        } else {
          const values: (string | null)[] = new Array(b.numRows).fill(null);
          for (let i = 0; i < b.numRows; i++) {
            if (!selected(m, i)) continue;
            sd.rows++;
            if (isNull(c, i)) sd.nulls++;
            else values[i] = asCategory(c.values[i]);
          }
          const st = stringStatsOf(k, values);
          if (!st.ok) return st;
          const prev = s.strings[w];
          const merged = prev === null ? st : mergeStringStats(k, prev, st.value);
          if (!merged.ok) return merged;
          s.strings[w] = merged.value;
        }
      }
    }
    return ok(undefined);
  });
  if (!p1.ok) return p1;
  const first = states.find((s) => s.kind !== 'skip');
  const baselineRows = first?.sides[0].rows ?? 0;
  const currentRows = first?.sides[1].rows ?? 0;
  if (first !== undefined && baselineRows === 0) return err('invalid_argument', `the baseline window holds no rows of ${req.view.name}`);
  if (first !== undefined && currentRows === 0) return err('invalid_argument', `the current window holds no rows of ${req.view.name}`);

  // Buckets: the baseline's distinct deciles; the union of both windows' top values, plus "other".
  for (const s of states) {
    if (s.kind === 'numeric') {
      if (s.numeric === null) continue;
      const fin = finalizeNumeric(k, s.numeric, { quantiles: DECILES });
      if (!fin.ok) return fin;
      s.edges = [...new Set(fin.value.quantiles.map((q) => q.value).filter((v): v is number => v !== null && Number.isFinite(v)))].sort((a, b) => a - b);
      const n = s.edges.length + 2; // + the value buckets beyond the last edge, + nulls
      s.counts = [new Array(n).fill(0), new Array(n).fill(0)];
    } else if (s.kind === 'categorical') {
      for (const st of s.strings) {
        if (st === null) continue;
        const fin = finalizeString(k, st, { topK: TOP_VALUES });
        if (!fin.ok) return fin;
        for (const t of fin.value.topValues) if (!s.categories.has(t.value)) s.categories.set(t.value, s.categories.size);
      }
      const n = s.categories.size + 2; // + other, + nulls
      s.counts = [new Array(n).fill(0), new Array(n).fill(0)];
    }
  }

  // Pass 2: exact counts of both windows in those buckets.
  const p2 = await eachBatch(req, read, (b, sel) => {
    for (const s of states) {
      if (s.kind === 'skip') continue;
      const c = b.columns.get(s.name)! as ValueColumn; // strings decoded (no utf8 option)
      const nullBucket = s.counts[0].length - 1;
      for (let w = 0; w < 2; w++) {
        const counts = s.counts[w];
        const m = sel[w];
        for (let i = 0; i < b.numRows; i++) {
          if (!selected(m, i)) continue;
          if (isNull(c, i)) {
            counts[nullBucket]++;
            continue;
          }
          if (s.kind === 'numeric') {
            const v = asNumber(c.values[i]);
            counts[v === null ? nullBucket : bucketOf(s.edges, v)]++;
          } else {
            counts[s.categories.get(asCategory(c.values[i])) ?? s.categories.size]++;
          }
        }
      }
    }
    return ok(undefined);
  });
  if (!p2.ok) return p2;

  const features = states.map((s): FeatureDrift => {
    const [bs, cs] = s.sides;
    const sides = { baseline: { rows: bs.rows, nulls: bs.nulls }, current: { rows: cs.rows, nulls: cs.nulls } };
    if (s.kind === 'skip') return { feature: s.name, dtype: s.dtype, metric: null, value: null, threshold: null, drifted: false, ...sides, detail: `not compared (${s.dtype})` };
    if (s.kind === 'numeric') {
      const psi = populationStabilityIndex(s.counts[0], s.counts[1]);
      const mean = (x: Side) => (x.finite === 0 ? 'n/a' : String(Number((x.sum / x.finite).toPrecision(4))));
      return { feature: s.name, dtype: s.dtype, metric: 'psi', value: psi, threshold: psiThreshold, drifted: psi > psiThreshold, ...sides, detail: `mean ${mean(bs)} -> ${mean(cs)}` };
    }
    const js = jensenShannonDistance(s.counts[0], s.counts[1]);
    const names = [...s.categories.keys()];
    const top = (counts: number[], rows: number) => {
      let best = -1;
      for (let i = 0; i < names.length; i++) if (best < 0 || counts[i] > counts[best]) best = i;
      return best < 0 || rows === 0 ? 'n/a' : `${JSON.stringify(names[best])} ${(counts[best] / rows).toFixed(2)}`;
    };
    return { feature: s.name, dtype: s.dtype, metric: 'js_distance', value: js, threshold: jsThreshold, drifted: js > jsThreshold, ...sides, detail: `top ${top(s.counts[0], bs.rows)} -> ${top(s.counts[1], cs.rows)}` };
  });
  return ok({ view: req.view.name, baselineRows, currentRows, features });
}

/** Report lines: a header, then one line per feature (drifted ones marked). */
export function formatDrift(r: DriftReport): string[] {
  const drifted = r.features.filter((f) => f.drifted);
  const lines = [
    `${r.view}: ${drifted.length === 0 ? 'no feature drifted' : `${drifted.length} of ${r.features.length} features drifted`} (baseline ${r.baselineRows.toLocaleString('en-US')} rows, current ${r.currentRows.toLocaleString('en-US')} rows)`,
  ];
  for (const f of r.features) {
    if (f.metric === null) {
      lines.push(`  ${f.feature}: ${f.detail}`);
      continue;
    }
    const nulls = `nulls ${(f.baseline.nulls / Math.max(1, f.baseline.rows)).toFixed(2)} -> ${(f.current.nulls / Math.max(1, f.current.rows)).toFixed(2)}`;
    lines.push(`  ${f.drifted ? 'DRIFT ' : 'ok    '}${f.feature}: ${f.metric === 'psi' ? 'PSI' : 'JS distance'} ${f.value!.toFixed(4)} (threshold ${f.threshold}); ${f.detail}; ${nulls}`);
  }
  return lines;
}
