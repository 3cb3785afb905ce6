// Batches of a feature view's rows for checking: its source (or any Parquet,
// CSV or Arrow file), file by file through the materializer's readSource, with
// each needed feature as a CheckColumn (typed arrays where the reader gives
// them) and the event times when a window is asked for. One batch at a time:
// memory stays bounded by the reader's batch size.
import { isAbsolute, resolve } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import { formatOfPath } from '../../src/core/registry/build-sources.ts';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import type { FileSource } from '../../src/core/schema/data-source.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import type { Field } from '../../src/core/schema/field.ts';
import type { CheckColumn } from '../../src/core/validation/expectation-checker.ts';
import type { FieldType } from '../../src/kernel/codec.ts';
import { NULL_TS } from '../../src/kernel/pit-join.ts';
import { isNullAt, jsValueAt, timestampMicros } from '../materialize/column-values.ts';
import { readSource } from '../materialize/read-source.ts';
import type { BatchOrigin, SourceColumn } from '../materialize/source-batch.ts';
import { planView } from '../materialize/view-plan.ts';
import { readSourceSchema } from '../repo/source-schema/read-source-schema.ts';
import { coerceValue } from '../sources/feature-column.ts';

/** An inclusive event-time window in epoch µs; null bounds are open. */
export interface TimeWindow {
  readonly start: bigint | null;
  readonly end: bigint | null;
}

export interface CheckBatch {
  readonly numRows: number;
  /** Index of the batch's first row among all rows read (file by file, in file name order). */
  readonly rowOffset: number;
  /** The features asked for, by feature name. */
  readonly columns: ReadonlyMap<string, CheckColumn>;
  /** Event times in µs (NULL_TS when null), when asked for. */
  readonly eventTs: BigInt64Array | null;
  readonly origin: BatchOrigin;
}

export interface ViewBatchesRequest {
  readonly dir: string;
  readonly registry: RegistryIndex;
  readonly view: FeatureView;
  /** Features to read (names of the view's features). */
  readonly features: readonly string[];
  /** Read the event-time column too. */
  readonly eventTimes: boolean;
  /** Hand string columns over as UTF-8 bytes (Utf8Column) instead of decoded strings. */
  readonly utf8?: boolean;
  /** Read this Parquet / CSV / Arrow file (path relative to `dir` or absolute) instead of the view's source. */
  readonly file?: string;
}

export interface ViewBatches {
  /** What is read, for messages: the source name or the file. */
  readonly what: string;
  readonly batches: AsyncGenerator<Result<CheckBatch>>;
}

const utf8 = new TextDecoder();

/** A source column as the checker reads it, in the field's codec form. */
export function toCheckColumn(c: SourceColumn, dtype: FieldType, n: number, asUtf8 = false): CheckColumn {
  switch (c.type) {
    case 'double':
    case 'float':
    case 'int32':
    case 'int64':
      if (dtype === 'float64' || dtype === 'float32' || dtype === 'int32' || dtype === 'int64') return { values: c.values, validity: c.validity };
      break;
    case 'string':
      if (dtype === 'string' && asUtf8) return { utf8: { offsets: c.offsets, data: c.data }, validity: c.validity };
      if (dtype === 'string') {
        const values: (string | null)[] = new Array(n);
        for (let i = 0; i < n; i++) values[i] = c.validity !== null && c.validity[i] === 0 ? null : utf8.decode(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
        return { values };
      }
      break;
    case 'text':
    case 'js': {
      const values: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) values[i] = isNullAt(c, i) ? null : coerceValue(dtype, c.values[i]);
      return { values, raw: c.values };
    }
    default:
      break;
  }
  const values: unknown[] = new Array(n);
  const raw: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = jsValueAt(c, i);
    raw[i] = v;
    values[i] = v === null ? null : c.type === 'timestamp' || c.type === 'date' ? (dtype === 'unix_timestamp' ? v : coerceValue(dtype, v)) : coerceValue(dtype, v);
  }
  return { values, raw };
}

/** Rows of `eventTs` inside the window (null times are outside any bounded window); null when the window is unbounded. */
export function windowSelection(eventTs: BigInt64Array | null, n: number, w: TimeWindow): Uint8Array | null {
  if (w.start === null && w.end === null) return null;
  const sel = new Uint8Array(n);
  if (eventTs === null) return sel;
  const lo = w.start ?? NULL_TS + 1n;
  const hi = w.end ?? 0x7fff_ffff_ffff_ffffn;
  for (let i = 0; i < n; i++) {
    const t = eventTs[i];
    sel[i] = t !== NULL_TS && t >= lo && t <= hi ? 1 : 0;
  }
  return sel;
}

/** The source (or file) to read and which column feeds each requested feature. */
async function plan(req: ViewBatchesRequest): Promise<Result<{ source: FileSource; what: string; columnOf: Map<string, string>; event: string }>> {
  const p = planView(req.registry, req.view);
  if (!p.ok) return p;
  const fields = new Map(req.view.features.map((f) => [f.name, f]));
  for (const name of req.features) if (!fields.has(name)) return err('unknown_feature', `feature view "${req.view.name}" has no feature "${name}"`, { featureView: req.view.name, feature: name });
  let source = p.value.source;
  let what = `source ${source.name}`;
  if (req.file !== undefined) {
    const format = formatOfPath(req.file);
    if (format === null) return err('invalid_argument', `${req.file}: use a .parquet, .csv or .arrow file`);
    source = { ...source, path: isAbsolute(req.file) ? req.file : resolve(req.dir, req.file), format };
    what = req.file;
  }
  const schema = await readSourceSchema(req.dir, source.path, source.format);
  if (schema.status === 'not_found') return err('not_found', `${what}: no data file at ${source.path}`, { path: source.path });
  if (schema.status === 'unreadable') return err('corrupt_file', `${what}: ${schema.message}`);
  const has = (c: string) => schema.schema.columns.has(c);
  const columnOf = new Map<string, string>();
  for (const name of req.features) {
    const mapped = p.value.features.find((f) => f.name === name)!.column;
    // A file checked --against a view may hold the feature under its own name or its source column name.
    const col = has(mapped) ? mapped : has(name) ? name : null;
    if (col === null) return err('invalid_rows', `${what} has no column "${mapped}" for feature ${name} of view ${req.view.name}`, { column: mapped });
    columnOf.set(name, col);
  }
  if (req.eventTimes && !has(source.timestampField))
    return err('invalid_rows', `${what} has no event-time column "${source.timestampField}" (needed for --start/--end)`, { column: source.timestampField });
  return ok({ source, what, columnOf, event: source.timestampField });
}

/** Open a view's rows for checking; errors found before reading (unknown feature, missing column) come back at once. */
export async function openViewBatches(req: ViewBatchesRequest): Promise<Result<ViewBatches>> {
  const p = await plan(req);
  if (!p.ok) return p;
  const { source, what, columnOf, event } = p.value;
  const fields = new Map<string, Field>(req.view.features.map((f) => [f.name, f]));
  const columns = [...new Set([...columnOf.values(), ...(req.eventTimes ? [event] : [])])];
  async function* batches(): AsyncGenerator<Result<CheckBatch>> {
    let rowOffset = 0;
    for await (const r of readSource(req.dir, source, columns)) {
      if (!r.ok) {
        yield r;
        return;
      }
      const { batch, origin } = r.value;
      const n = batch.numRows;
      const cols = new Map<string, CheckColumn>();
      for (const [name, col] of columnOf) cols.set(name, toCheckColumn(batch.columns[col]!, fields.get(name)!.dtype as FieldType, n, req.utf8 ?? false));
      const eventTs = req.eventTimes ? timestampMicros(batch.columns[event]!, n) : null;
      yield ok({ numRows: n, rowOffset, columns: cols, eventTs, origin });
      rowOffset += n;
    }
  }
  return ok({ what, batches: batches() });
}
