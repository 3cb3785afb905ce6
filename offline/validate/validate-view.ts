// `larder validate --view` / `--file --against`: every expectation of a view
// over its source's rows in a window (or a file), streamed batch by batch.
import { ok, type Result } from '../../src/core/errors.ts';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import { ExpectationChecker } from '../../src/core/validation/expectation-checker.ts';
import type { ExpectationReport } from '../../src/core/validation/expectation-violation.ts';
import { openViewBatches, type TimeWindow, windowSelection } from './view-batches.ts';

export interface ValidateViewRequest {
  readonly dir: string;
  readonly registry: RegistryIndex;
  readonly view: FeatureView;
  /** Check this file (relative to `dir` or absolute) instead of the view's source. */
  readonly file?: string;
  readonly window?: TimeWindow;
  /** Examples kept per violated expectation (default 5). */
  readonly maxExamples?: number;
}

export interface ValidateViewResult {
  readonly report: ExpectationReport;
  /** What was read: `source NAME` or the file. */
  readonly what: string;
  /** Files read and the index of each one's first row (example rows count across files). */
  readonly files: readonly { readonly file: string; readonly firstRow: number }[];
}

export async function validateView(req: ValidateViewRequest): Promise<Result<ValidateViewResult>> {
  const window = req.window ?? { start: null, end: null };
  const bounded = window.start !== null || window.end !== null;
  const checker = ExpectationChecker.forView(req.view, { datasetLevel: true, ...(req.maxExamples !== undefined && { maxExamples: req.maxExamples }) });
  const opened = await openViewBatches({
    dir: req.dir,
    registry: req.registry,
    view: req.view,
    features: checker.columns,
    eventTimes: bounded,
    utf8: true,
    ...(req.file !== undefined && { file: req.file }),
  });
  if (!opened.ok) return opened;
  const files: { file: string; firstRow: number }[] = [];
  for await (const r of opened.value.batches) {
    if (!r.ok) return r;
    const b = r.value;
    if (files.at(-1)?.file !== b.origin.file) files.push({ file: b.origin.file, firstRow: b.rowOffset });
    checker.addBatch(b.numRows, b.columns, b.rowOffset, windowSelection(b.eventTs, b.numRows, window));
  }
  return ok({ report: checker.finish(), what: opened.value.what, files });
}
