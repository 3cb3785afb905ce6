import { ok, type Result } from '../../src/core/errors.ts';
import type { EncodedRow, WriteSummary } from '../../src/core/online-store.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import type { LatestWindow } from '../../src/kernel/pit-join.ts';
import type { ServingContext } from '../../src/serving/context.ts';
import { writeEncodedRows } from '../../src/serving/write-rows.ts';
import { LatestCandidates } from './latest-candidates.ts';
import { readSource, resolveSourceFiles } from './read-source.ts';
import { selectLatest } from './select-latest.ts';
import type { BatchOrigin } from './source-batch.ts';
import type { ViewPlan } from './view-plan.ts';

export interface MaterializeViewOptions {
  /** Inclusive event-time window, epoch µs. */
  readonly window: LatestWindow;
  /** Candidates (distinct entity keys) held before they are written out (bounds memory; default 500,000). */
  readonly maxCandidates?: number;
  /** Approximate bytes of candidates held before they are written out (default 128 MiB; see LatestCandidates.bytes). */
  readonly maxHeldBytes?: number;
  /** Rows per store write (default 1,000). */
  readonly writeChunk?: number;
  /** Where rows go (default: the context's online store, refreshing precomputed services). */
  readonly write?: RowSink;
  readonly onProgress?: (p: ViewProgress) => void;
}

/** Writes one chunk of a view's rows; newer stored values must win. */
export type RowSink = (view: FeatureView, rows: readonly EncodedRow[]) => Promise<Result<WriteSummary>>;

export interface ViewProgress {
  readonly view: string;
  readonly origin: BatchOrigin;
  readonly rowsRead: number;
}

export interface ViewSummary {
  readonly view: string;
  /** Data files read. */
  readonly files: number;
  readonly rowsRead: number;
  /** Rows left out because a join key was null. */
  readonly nullKeyRows: number;
  /** Entity keys with a row in the window (exact with one flush; a key may count once per flush). */
  readonly keys: number;
  /** Times the candidates were written out (1 unless a memory bound was reached). */
  readonly flushes: number;
  /** Store rows written (new, or not older than what was stored). */
  readonly written: number;
  /** Rows the store kept because it held a newer value. */
  readonly skipped: number;
  readonly window: LatestWindow;
  readonly ms: number;
}

/**
 * Materialize one view over an inclusive window: read its source batch by
 * batch, keep the latest row per entity key, and write the winners in chunks
 * (newer values in the store win; precomputed services refresh). Memory holds
 * the batches in flight plus the candidates, compact copies of at most
 * `maxCandidates` rows in about `maxHeldBytes`: it grows with the distinct
 * keys (up to those bounds), never with the rows read. Past either bound the
 * candidates are written out early (the store's newer-wins rule keeps the end
 * state the same).
 */
export async function materializeView(ctx: ServingContext, repoDir: string, plan: ViewPlan, options: MaterializeViewOptions): Promise<Result<ViewSummary>> {
  const t0 = performance.now();
  const maxCandidates = options.maxCandidates ?? 500_000;
  const maxHeldBytes = options.maxHeldBytes ?? 128 << 20;
  const writeChunk = options.writeChunk ?? 1000;
  const write: RowSink = options.write ?? ((view, rows) => writeEncodedRows(ctx, view, rows));
  const candidates = new LatestCandidates();
  let rowsRead = 0;
  let nullKeyRows = 0;
  let keys = 0;
  let written = 0;
  let skipped = 0;
  let flushes = 0;

  const flush = async (): Promise<Result<void>> => {
    const count = candidates.size;
    if (count === 0) return ok(undefined);
    flushes++;
    keys += count;
    // Chunks of rows with their own compact buffers: stores (and the platform proxy's RPC) see exactly each row's bytes.
    for (const chunk of candidates.drain(writeChunk)) {
      const w = await write(plan.view, chunk);
      if (!w.ok) {
        candidates.clear();
        return w;
      }
      written += w.value.written;
      skipped += w.value.skipped;
    }
    return ok(undefined);
  };

  for await (const r of readSource(repoDir, plan.source, plan.columns)) {
    if (!r.ok) return r;
    const { batch, origin } = r.value;
    const sel = selectLatest(ctx.kernel, plan, batch, options.window, candidates.beaten);
    if (!sel.ok) return { ok: false, error: { ...sel.error, message: `${origin.file}: ${sel.error.message}` } };
    rowsRead += batch.numRows;
    nullKeyRows += sel.value.nullKeys;
    candidates.offer(sel.value.rows, sel.value.groups);
    options.onProgress?.({ view: plan.view.name, origin, rowsRead });
    if (candidates.size >= maxCandidates || candidates.bytes >= maxHeldBytes) {
      const f = await flush();
      if (!f.ok) return f;
    }
  }
  const f = await flush();
  if (!f.ok) return f;
  const files = (await resolveSourceFiles(repoDir, plan.source.path, plan.source.format)).length;
  return ok({ view: plan.view.name, files, rowsRead, nullKeyRows, keys, flushes, written, skipped, window: options.window, ms: performance.now() - t0 });
}
