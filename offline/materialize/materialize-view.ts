import { ok, type Result } from '../../src/core/errors.ts';
import type { EncodedRow } from '../../src/core/online-store.ts';
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
  /** Candidates held before they are written out (bounds memory; default 200,000). */
  readonly maxCandidates?: number;
  /**
   * Bytes of encoded batches held before the candidates are written out
   * (default 64 MiB): candidates are views into their batch's buffers, so a
   * few survivors can keep a whole batch's buffer alive.
   */
  readonly maxHeldBytes?: number;
  /** Rows per store write (default 1,000). */
  readonly writeChunk?: number;
  readonly onProgress?: (p: ViewProgress) => void;
}

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
 * one batch plus at most `maxCandidates` rows in at most `maxHeldBytes` of
 * encoded batches; past either, the candidates are written out early (the
 * store's newer-wins rule keeps the end state the same).
 */
export async function materializeView(ctx: ServingContext, repoDir: string, plan: ViewPlan, options: MaterializeViewOptions): Promise<Result<ViewSummary>> {
  const t0 = performance.now();
  const maxCandidates = options.maxCandidates ?? 200_000;
  const maxHeldBytes = options.maxHeldBytes ?? 64 << 20;
  const writeChunk = options.writeChunk ?? 1000;
  let heldBytes = 0;
  const candidates = new LatestCandidates();
  let rowsRead = 0;
  let nullKeyRows = 0;
  let keys = 0;
  let written = 0;
  let skipped = 0;
  let flushes = 0;

  const flush = async (): Promise<Result<void>> => {
    const rows: EncodedRow[] = candidates.drain();
    heldBytes = 0;
    if (rows.length > 0) flushes++;
    keys += rows.length;
    for (let i = 0; i < rows.length; i += writeChunk) {
      // Compact copies: stores (and the platform proxy's RPC) see exactly each row's bytes.
      const chunk = rows.slice(i, i + writeChunk).map((r) => ({ ...r, entityKey: r.entityKey.slice(), value: r.value.slice() }));
      const w = await writeEncodedRows(ctx, plan.view, chunk);
      if (!w.ok) return w;
      written += w.value.written;
      skipped += w.value.skipped;
    }
    return ok(undefined);
  };

  for await (const r of readSource(repoDir, plan.source, plan.columns)) {
    if (!r.ok) return r;
    const { batch, origin } = r.value;
    const sel = selectLatest(ctx.kernel, plan, batch, options.window);
    if (!sel.ok) return { ok: false, error: { ...sel.error, message: `${origin.file}: ${sel.error.message}` } };
    rowsRead += batch.numRows;
    nullKeyRows += sel.value.nullKeys;
    candidates.offer(sel.value.rows);
    heldBytes += sel.value.bytes;
    options.onProgress?.({ view: plan.view.name, origin, rowsRead });
    if (candidates.size >= maxCandidates || heldBytes >= maxHeldBytes) {
      const f = await flush();
      if (!f.ok) return f;
    }
  }
  const f = await flush();
  if (!f.ok) return f;
  const files = (await resolveSourceFiles(repoDir, plan.source.path, plan.source.format)).length;
  return ok({ view: plan.view.name, files, rowsRead, nullKeyRows, keys, flushes, written, skipped, window: options.window, ms: performance.now() - t0 });
}
