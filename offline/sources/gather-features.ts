// The second pass of a historical join: stream a view's source again, reading
// only the feature columns, and copy each chosen row's values straight into
// the output columns (one slot per entity row). Source feature values are
// never held in memory: a batch at a time, in source order, so the matched
// pairs (sorted by source row) are consumed front to back.
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { FeatureValue, FieldType } from '../../src/kernel/codec.ts';
import type { GatherOrder } from '../../src/kernel/pit-join.ts';
import { isNullAt, jsValueAt, unitToMicros } from '../materialize/column-values.ts';
import { readSource } from '../materialize/read-source.ts';
import type { SourceColumn } from '../materialize/source-batch.ts';
import type { ViewPlan } from '../materialize/view-plan.ts';
import { coerceValue, typedCtor, type FeatureColumn, type TypedValues } from './feature-column.ts';
import { ScratchMemory } from './scratch-memory.ts';

export interface GatherTarget {
  /** Matched (entity row, source row) pairs in ascending source row order. */
  readonly order: GatherOrder;
  /** Entity rows (the output length). */
  readonly rows: number;
}

function emptyColumn(dtype: FieldType, n: number, memory: ScratchMemory): FeatureColumn {
  const ctor = typedCtor(dtype);
  if (ctor === undefined) return { kind: 'js', dtype, values: new Array<FeatureValue>(n).fill(null) };
  return { kind: 'typed', dtype, values: memory.take(ctor as never, n) as TypedValues, validity: memory.take(Uint8Array, n) };
}

/** True when a source column's values can be copied as they are into a `dtype` column. */
export function directCopy(dtype: FieldType, c: SourceColumn): boolean {
  switch (dtype) {
    case 'float64':
      return c.type === 'double';
    case 'float32':
      return c.type === 'float';
    case 'int64':
      return c.type === 'int64';
    case 'int32':
      return c.type === 'int32';
    case 'bool':
      return c.type === 'bool';
    case 'unix_timestamp':
      return c.type === 'timestamp' && c.unit === 'us';
    default:
      return false;
  }
}

/** Copy pairs [p0, p1) of `order` (source rows offset by `start`) from column c into out. */
function copyPairs(out: FeatureColumn, c: SourceColumn, order: GatherOrder, p0: number, p1: number, start: number, bad: { n: number }): void {
  const { entityRows, featureRows } = order;
  if (out.kind === 'typed' && directCopy(out.dtype, c)) {
    const src = (c as { values: Float64Array }).values;
    const dst = out.values as Float64Array;
    const valid = c.validity;
    const dstValid = out.validity;
    if (valid === null) {
      for (let p = p0; p < p1; p++) {
        const i = entityRows[p];
        dst[i] = src[featureRows[p] - start];
        dstValid[i] = 1;
      }
      return;
    }
    for (let p = p0; p < p1; p++) {
      const i = entityRows[p];
      const j = featureRows[p] - start;
      dst[i] = src[j];
      dstValid[i] = valid[j];
    }
    return;
  }
  for (let p = p0; p < p1; p++) {
    const i = entityRows[p];
    const j = featureRows[p] - start;
    let v: FeatureValue = null;
    if (!isNullAt(c, j)) {
      const raw = c.type === 'timestamp' ? unitToMicros(c.values[j], c.unit) : jsValueAt(c, j);
      const x = coerceValue(out.dtype, raw);
      if (x === undefined) bad.n++;
      else v = x;
    }
    if (out.kind === 'js') out.values[i] = v;
    else if (v !== null) {
      (out.values as unknown as unknown[])[i] = out.dtype === 'bool' ? (v ? 1 : 0) : v;
      out.validity[i] = 1;
    }
  }
}

/**
 * For every target, the named features of the chosen source rows (nulls where
 * an entity row chose none), reading the view's source once. The output
 * columns may be carved from `scratch`: buffers nobody uses any more (see
 * scratch-memory.ts).
 */
export async function gatherViewFeatures(
  repoDir: string,
  plan: ViewPlan,
  features: readonly string[],
  targets: readonly GatherTarget[],
  scratch: readonly ArrayBufferLike[] = [],
): Promise<Result<Map<string, FeatureColumn>[]>> {
  const wanted = plan.features.filter((f) => features.includes(f.name));
  const need = targets.reduce((t, x) => t + x.rows * wanted.reduce((b, f) => b + (typedCtor(f.dtype)?.BYTES_PER_ELEMENT ?? 0) + 1, 0), 0);
  const memory = new ScratchMemory(scratch, need);
  const outs = targets.map((t) => new Map(wanted.map((f) => [f.name, emptyColumn(f.dtype, t.rows, memory)])));
  memory.release();
  const anyMatch = targets.some((t) => t.order.featureRows.length > 0);
  if (wanted.length === 0 || !anyMatch) return ok(outs);
  const columns = [...new Set(wanted.map((f) => f.column))];
  const cursor = targets.map(() => 0);
  const bad = { n: 0 };
  let start = 0;
  for await (const r of readSource(repoDir, plan.source, columns)) {
    if (!r.ok) return err(r.error.code, `feature view "${plan.view.name}": ${r.error.message}`, r.error.details);
    const { batch } = r.value;
    const end = start + batch.numRows;
    targets.forEach((t, ti) => {
      const rowsOf = t.order.featureRows;
      const p0 = cursor[ti];
      // First pair at or past `end` (pairs are sorted by source row).
      let lo = p0;
      let hi = rowsOf.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (rowsOf[mid] < end) lo = mid + 1;
        else hi = mid;
      }
      const p1 = lo;
      if (p1 === p0) return;
      for (const f of wanted) copyPairs(outs[ti].get(f.name)!, batch.columns[f.column], t.order, p0, p1, start, bad);
      cursor[ti] = p1;
    });
    start = end;
    if (targets.every((t, ti) => cursor[ti] >= t.order.featureRows.length)) break;
  }
  return ok(outs);
}
