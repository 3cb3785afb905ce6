// Statistics of a stream of batches: one accumulator per field, fed batch by
// batch (a Parquet row group, an Arrow record batch, 64 Ki CSV rows), so the
// memory held is the current batch plus a few KiB of sketch state per field.
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { Dtype } from '../../src/core/schema/dtype.ts';
import type { FeatureStatistics } from '../../src/core/schema/statistics.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { NULL_TS } from '../../src/kernel/pit-join.ts';
import { timestampMicros } from '../materialize/column-values.ts';
import type { SourceBatch } from '../materialize/source-batch.ts';
import { type AccumulatorOptions, FeatureAccumulator } from './feature-accumulator.ts';
import { statsKindOf } from './stats-dtype.ts';
import { statsInput } from './stats-input.ts';

export interface StatsField {
  /** The feature's name in the record. */
  readonly name: string;
  /** The source column holding it. */
  readonly column: string;
  readonly dtype: Dtype;
}

/** Keep only rows whose `column` (an event timestamp) lies in [start, end] (epoch µs, inclusive; null = unbounded). */
export interface StatsWindowFilter {
  readonly column: string;
  readonly start: bigint | null;
  readonly end: bigint | null;
}

export interface ComputeOptions extends AccumulatorOptions {
  readonly window?: StatsWindowFilter;
  /** Called after each batch with the rows read so far (for progress lines). */
  readonly onBatch?: (rowsRead: number) => void;
}

export interface ComputedStatistics {
  /** Rows described (inside the window). */
  readonly rowCount: number;
  /** Rows read (before the window filter). */
  readonly rowsRead: number;
  readonly batches: number;
  readonly features: FeatureStatistics[];
}

/** Ascending indexes of the rows in the window (null rows never are), or null when every row is. */
function windowKeep(batch: SourceBatch, w: StatsWindowFilter): Uint32Array | null {
  const col = batch.columns[w.column];
  const ts = timestampMicros(col, batch.numRows);
  const lo = w.start ?? NULL_TS + 1n;
  const hi = w.end ?? 9223372036854775807n;
  const keep = new Uint32Array(batch.numRows);
  let m = 0;
  for (let i = 0; i < batch.numRows; i++) {
    const t = ts[i];
    if (t !== NULL_TS && t >= lo && t <= hi) keep[m++] = i;
  }
  return m === batch.numRows ? null : keep.subarray(0, m);
}

/** Describe `fields` over every batch; stops at the first error (of a batch or of a value). */
export async function computeStatistics(
  k: KernelInstance,
  batches: AsyncIterable<Result<SourceBatch>>,
  fields: readonly StatsField[],
  options: ComputeOptions = {},
): Promise<Result<ComputedStatistics>> {
  const acc = fields.map((f) => new FeatureAccumulator(f.name, f.dtype, options));
  const kinds = fields.map((f) => statsKindOf(f.dtype));
  let rowCount = 0;
  let rowsRead = 0;
  let count = 0;
  for await (const r of batches) {
    if (!r.ok) return r;
    const batch = r.value;
    const keep = options.window ? windowKeep(batch, options.window) : null;
    for (let j = 0; j < fields.length; j++) {
      const col = batch.columns[fields[j].column];
      if (col === undefined) return err('invalid_rows', `no column ${JSON.stringify(fields[j].column)} in the source`, { column: fields[j].column });
      const input = statsInput(col, batch.numRows, keep, kinds[j].kind, kinds[j].element, fields[j].column);
      if (!input.ok) return input;
      const added = acc[j].add(k, input.value);
      if (!added.ok) return added;
    }
    rowsRead += batch.numRows;
    rowCount += keep === null ? batch.numRows : keep.length;
    count++;
    options.onBatch?.(rowsRead);
  }
  const features: FeatureStatistics[] = [];
  for (const a of acc) {
    const f = a.finish(k);
    if (!f.ok) return f;
    features.push(f.value);
  }
  return ok({ rowCount, rowsRead, batches: count, features });
}
