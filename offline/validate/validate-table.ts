// Validating a training set (historical retrieval's output table) against the
// expectations of the views its features come from, before it is written.
import type { Table } from 'apache-arrow';
import type { FsError } from '../../src/core/errors.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import { type CheckTarget, ExpectationChecker } from '../../src/core/validation/expectation-checker.ts';
import { type ExpectationReport, formatReport, formatViolation } from '../../src/core/validation/expectation-violation.ts';

/** Rows handed to the checker at a time (bounded extra memory per column). */
const CHUNK_ROWS = 65_536;

/** A requested view and its output columns (ResolvedView from feature-refs.ts fits). */
export interface TableView {
  readonly view: FeatureView;
  readonly features: readonly { readonly name: string; readonly outputName: string }[];
}

/**
 * Check every output column of a view feature against its expectations (range, allowed values,
 * required, max null rate; a view's min rows against the table's rows). One report per view
 * with expectations, in request order; a view requested twice (aliases) is checked once with all its columns.
 */
export function validateTable(table: Table, views: readonly TableView[]): ExpectationReport[] {
  const byView = new Map<string, { view: FeatureView; targets: CheckTarget[] }>();
  for (const rv of views) {
    const entry = byView.get(rv.view.name) ?? { view: rv.view, targets: [] };
    for (const f of rv.features) {
      const field = rv.view.features.find((x) => x.name === f.name);
      if (field?.expectations !== undefined && !entry.targets.some((t) => t.column === f.outputName)) entry.targets.push({ column: f.outputName, field });
    }
    byView.set(rv.view.name, entry);
  }
  const reports: ExpectationReport[] = [];
  for (const { view, targets } of byView.values()) {
    if (targets.length === 0 && view.minRows === undefined) continue;
    const checker = new ExpectationChecker(view, targets, { datasetLevel: true });
    const vectors = targets.map((t) => ({ column: t.column, vector: table.getChild(t.column) }));
    for (let start = 0; start < table.numRows; start += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, table.numRows - start);
      const columns = new Map(vectors.map(({ column, vector }) => [column, { values: Array.from({ length: n }, (_, i) => (vector === null ? null : vector.get(start + i))) }]));
      checker.addBatch(n, columns, start);
    }
    reports.push(checker.finish());
  }
  return reports;
}

/** The error for a training set that breaks expectations: code `expectation_failed`, the reports in details. */
export function trainingSetError(reports: readonly ExpectationReport[]): FsError | null {
  const failed = reports.filter((r) => r.violations.length > 0);
  if (failed.length === 0) return null;
  const first = failed[0];
  const count = failed.reduce((a, r) => a + r.violations.length, 0);
  return {
    code: 'expectation_failed',
    message: `the training set breaks ${count === 1 ? 'an expectation' : `${count} expectations`} of ${failed.map((r) => r.view).join(', ')}: ${first.view}: ${formatViolation(first.violations[0])}${count > 1 ? ` (and ${count - 1} more)` : ''}`,
    details: { reports: failed },
  };
}

/** Report lines of an `expectation_failed` error from `trainingSetError` (empty for other errors). */
export function trainingSetReport(e: FsError): string[] {
  const reports = e.code === 'expectation_failed' ? (e.details as { reports?: ExpectationReport[] } | undefined)?.reports : undefined;
  return reports === undefined ? [] : reports.flatMap(formatReport);
}
