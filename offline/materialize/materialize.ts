import { err, ok, type Result } from '../../src/core/errors.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import { microsToRfc3339, parseTimestamp } from '../../src/core/time.ts';
import { NULL_TS, type LatestWindow } from '../../src/kernel/pit-join.ts';
import type { ServingContext } from '../../src/serving/context.ts';
import { viewTable } from '../../src/serving/view-table.ts';
import { materializeView, type RowSink, type ViewProgress, type ViewSummary } from './materialize-view.ts';
import { planView } from './view-plan.ts';
import { fileWatermarks, type WatermarkStore } from './watermarks.ts';

/** The earliest event time a window can start at (i64 MIN is the null timestamp). */
export const UNBOUNDED_START = NULL_TS + 1n;

export type MaterializeMode =
  /** `materialize START END`: the inclusive window, epoch µs. */
  | { readonly kind: 'range'; readonly start: bigint; readonly end: bigint }
  /** `materialize-incremental END`: from each view's watermark minus `lookback` (µs); first run from END - ttl. */
  | { readonly kind: 'incremental'; readonly end: bigint; readonly lookback: bigint };

export interface MaterializeRequest {
  readonly ctx: ServingContext;
  readonly repoDir: string;
  readonly mode: MaterializeMode;
  /** View names (default: every online view). */
  readonly views?: readonly string[];
  /**
   * Where watermarks are kept (a JSON file at `path`, or a WatermarkStore),
   * and a description of the online store they belong to (another store's
   * watermark is not used).
   */
  readonly watermarks: { readonly path: string; readonly store: string } | { readonly marks: WatermarkStore; readonly store: string };
  /** Memory bounds of a view's run (see MaterializeViewOptions). */
  readonly maxCandidates?: number;
  readonly maxHeldBytes?: number;
  readonly writeChunk?: number;
  /** Where rows go (default: ctx.online, refreshing precomputed services); e.g. remoteSink for --remote. */
  readonly write?: RowSink;
  readonly onProgress?: (p: ViewProgress) => void;
  /** Called as each view finishes (after its watermark moved). */
  readonly onView?: (outcome: ViewOutcome) => void;
}

export type ViewOutcome =
  | ({ readonly status: 'done' } & ViewSummary)
  /** Incremental run with nothing new: the watermark is already past END. */
  | { readonly status: 'up_to_date'; readonly view: string; readonly watermark: string };

function selectViews(ctx: ServingContext, names: readonly string[] | undefined): Result<FeatureView[]> {
  if (names === undefined) return ok([...ctx.registry.featureViews.values()].filter((v) => v.online).sort((a, b) => (a.name < b.name ? -1 : 1)));
  const out: FeatureView[] = [];
  for (const name of names) {
    const v = ctx.registry.featureViews.get(name);
    if (!v) {
      const known = [...ctx.registry.featureViews.keys()].join(', ') || 'none';
      return err('unknown_feature_view', `unknown feature view "${name}" (views: ${known})`, { featureView: name });
    }
    if (!v.online) return err('invalid_argument', `feature view "${name}" is not online (online: false): nothing to materialize`, { featureView: name });
    out.push(v);
  }
  return ok(out);
}

function windowFor(view: FeatureView, mode: MaterializeMode, mark: { watermark: string } | undefined): LatestWindow {
  if (mode.kind === 'range') return { start: mode.start, end: mode.end };
  if (mark !== undefined) return { start: BigInt(parseTimestamp(mark.watermark) ?? 0) - mode.lookback, end: mode.end };
  return { start: view.ttlSeconds > 0 ? mode.end - BigInt(view.ttlSeconds) * 1_000_000n : UNBOUNDED_START, end: mode.end };
}

/**
 * Materialize online views into the online store: per view, the latest row
 * per entity key in its window, then its watermark moves (only after the
 * rows are written, so a killed run is simply run again). Views run one
 * after another; the first failure stops the run.
 */
export async function materialize(req: MaterializeRequest): Promise<Result<ViewOutcome[]>> {
  const views = selectViews(req.ctx, req.views);
  if (!views.ok) return views;
  const marks = 'marks' in req.watermarks ? req.watermarks.marks : fileWatermarks(req.watermarks.path, req.ctx.project);
  const out: ViewOutcome[] = [];
  for (const view of views.value) {
    const plan = planView(req.ctx.registry, view);
    if (!plan.ok) return plan;
    const table = viewTable(view);
    const read = await marks.read(view.name);
    if (!read.ok) return read;
    const stored = read.value ?? undefined;
    const mark = stored !== undefined && stored.table === table && stored.store === req.watermarks.store ? stored : undefined;
    const window = windowFor(view, req.mode, mark);
    if (window.start > window.end) {
      const outcome: ViewOutcome = { status: 'up_to_date', view: view.name, watermark: mark?.watermark ?? '' };
      req.onView?.(outcome);
      out.push(outcome);
      continue;
    }
    const done = await materializeView(req.ctx, req.repoDir, plan.value, {
      window,
      ...(req.maxCandidates !== undefined && { maxCandidates: req.maxCandidates }),
      ...(req.maxHeldBytes !== undefined && { maxHeldBytes: req.maxHeldBytes }),
      ...(req.writeChunk !== undefined && { writeChunk: req.writeChunk }),
      ...(req.write && { write: req.write }),
      ...(req.onProgress && { onProgress: req.onProgress }),
    });
    if (!done.ok) return done;
    // A range run never moves a watermark back (an old back-fill after incremental runs).
    const prev = mark === undefined ? null : parseTimestamp(mark.watermark);
    const next = prev !== null && req.mode.kind === 'range' && BigInt(prev) > window.end ? BigInt(prev) : window.end;
    const w = await marks.write(view.name, { watermark: microsToRfc3339(Number(next)), table, store: req.watermarks.store, updated_at: new Date().toISOString() });
    if (!w.ok) return w;
    const outcome: ViewOutcome = { status: 'done', ...done.value };
    req.onView?.(outcome);
    out.push(outcome);
  }
  return ok(out);
}
