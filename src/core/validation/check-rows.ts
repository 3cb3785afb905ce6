// The ingestion entry point: check rows the write path has parsed (before
// encoding) against their view's expectations.
import type { FeatureView } from '../schema/feature-view.ts';
import { type CheckColumn, type CheckerOptions, ExpectationChecker, viewTargets } from './expectation-checker.ts';
import type { ExpectationReport } from './expectation-violation.ts';

/**
 * Rows as `parseViewRows` (src/serving/write-rows.ts) returns them: `values[r].values[f]` is
 * row r's value of `view.features[f]` in codec form (null = null). Structural, so core does
 * not depend on the serving layer.
 */
export interface ParsedValueRows {
  readonly rows: number;
  readonly values: readonly { readonly values: readonly unknown[] }[];
}

/**
 * Check parsed rows against the view's expectations. By default only row-level ones (range,
 * allowed values, required): a pushed batch is not a dataset, so max null rate and min rows
 * are left to `larder validate` and training-set validation (`{ datasetLevel: true }` adds them).
 * Row indexes in examples are indexes into `parsed.values`. Pure and cheap: O(rows x checked
 * features); a view without expectations costs one scan of its fields.
 */
export function checkRowExpectations(view: FeatureView, parsed: ParsedValueRows, options: CheckerOptions = {}): ExpectationReport {
  const targets = viewTargets(view);
  const checker = new ExpectationChecker(view, targets, { ...options, datasetLevel: options.datasetLevel ?? false });
  if (targets.length === 0) {
    checker.addBatch(parsed.rows, {});
    return checker.finish();
  }
  const columns = new Map<string, CheckColumn>();
  for (const t of targets) {
    const f = view.features.indexOf(t.field);
    const col: unknown[] = new Array(parsed.rows);
    for (let r = 0; r < parsed.rows; r++) col[r] = parsed.values[r].values[f] ?? null;
    columns.set(t.column, { values: col });
  }
  checker.addBatch(parsed.rows, columns);
  return checker.finish();
}
