import type { FsError } from '../../src/core/errors.ts';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import { microsToRfc3339, nowMicros } from '../../src/core/time.ts';
import { formatReport } from '../../src/core/validation/expectation-violation.ts';
import { closeParquetWorkers } from '../parquet/index.ts';
import { computeDrift, DEFAULT_JS_THRESHOLD, DEFAULT_PSI_THRESHOLD, formatDrift } from '../validate/drift.ts';
import { repoRegistry } from '../validate/repo-registry.ts';
import { validateView } from '../validate/validate-view.ts';
import type { TimeWindow } from '../validate/view-batches.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, printError, resolveRepo, UsageError } from './cli-io.ts';
import { parseTimeArg } from './materialize.ts';

export const VALIDATE_HELP = `larder validate (--view NAME | --file FILE --against VIEW) [--start T] [--end T] [--json] [--repo DIR]
larder validate --view NAME --baseline T1..T2 --current T3..T4 [--threshold X] [--js-threshold Y] [--json] [--repo DIR]
  Check a view's expectations (range, allowed values, required, max null rate, min rows) over
  its source's rows with START <= event time <= END (ISO 8601 or "now"; default: every row), or
  over a .parquet/.csv/.arrow FILE: prints every violated expectation with counts and up to 5
  example rows; exit 1 when any fails. With --baseline/--current: compare the two windows per
  feature (PSI over the baseline's deciles for numbers, default threshold ${DEFAULT_PSI_THRESHOLD};
  Jensen-Shannon distance over top values for strings and bools, default ${DEFAULT_JS_THRESHOLD});
  exit 1 when any feature drifted. --json prints the report as one JSON document instead.`;

/** `T1..T2` (either side may be empty: open) as an inclusive window. */
export function parseWindowArg(name: string, text: string, now: number): TimeWindow {
  const parts = text.split('..');
  if (parts.length !== 2 || (parts[0].trim() === '' && parts[1].trim() === ''))
    throw new UsageError(`${name} ${JSON.stringify(text)}: give a window START..END (ISO 8601 or "now", e.g. 2025-01-01T00:00:00Z..2025-01-08T00:00:00Z)`);
  const start = parts[0].trim() === '' ? null : parseTimeArg(name, parts[0].trim(), now);
  const end = parts[1].trim() === '' ? null : parseTimeArg(name, parts[1].trim(), now);
  if (start !== null && end !== null && start > end) throw new UsageError(`${name} ${JSON.stringify(text)}: the start is after the end`);
  return { start, end };
}

function parseThreshold(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x <= 0) throw new UsageError(`${name} takes a positive number, got ${JSON.stringify(text)}`);
  return x;
}

const fmtWindow = (w: TimeWindow) =>
  w.start === null && w.end === null ? 'all rows' : `${w.start === null ? 'the beginning' : microsToRfc3339(Number(w.start))} .. ${w.end === null ? 'the end' : microsToRfc3339(Number(w.end))}`;

export async function validateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      repo: { type: 'string' },
      view: { type: 'string' },
      file: { type: 'string' },
      against: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      baseline: { type: 'string' },
      current: { type: 'string' },
      threshold: { type: 'string' },
      'js-threshold': { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  if (values.help) {
    io.out(VALIDATE_HELP);
    return EXIT_OK;
  }
  const drift = values.baseline !== undefined || values.current !== undefined;
  if (values.view !== undefined && values.file !== undefined) throw new UsageError('give --view NAME or --file FILE --against VIEW, not both');
  if (values.file !== undefined && values.against === undefined) throw new UsageError('--file FILE needs --against VIEW (the view whose expectations apply)');
  if (values.against !== undefined && values.file === undefined) throw new UsageError('--against VIEW goes with --file FILE');
  if (values.view === undefined && values.file === undefined) throw new UsageError('give --view NAME or --file FILE --against VIEW');
  const now = nowMicros();
  const dir = resolveRepo(io, values.repo);
  const viewName = values.view ?? values.against!;

  if (drift) {
    if (values.view === undefined) throw new UsageError('drift (--baseline/--current) compares windows of a view: give --view NAME');
    if (values.baseline === undefined || values.current === undefined) throw new UsageError('drift needs both --baseline T1..T2 and --current T3..T4');
    if (values.start !== undefined || values.end !== undefined) throw new UsageError('--start/--end do not apply with --baseline/--current');
    const baseline = parseWindowArg('--baseline', values.baseline, now);
    const current = parseWindowArg('--current', values.current, now);
    const psiThreshold = parseThreshold('--threshold', values.threshold, DEFAULT_PSI_THRESHOLD);
    const jsThreshold = parseThreshold('--js-threshold', values['js-threshold'], DEFAULT_JS_THRESHOLD);
    const view = await loadView(io, dir, viewName);
    if (!('view' in view)) return view.code;
    try {
      const r = await computeDrift({ dir, registry: view.registry, view: view.view, baseline, current, psiThreshold, jsThreshold });
      if (!r.ok) return printError(io, r.error);
      if (values.json) io.out(JSON.stringify(r.value, null, 2));
      else {
        io.out(`Drift of feature view ${viewName}: baseline ${fmtWindow(baseline)}, current ${fmtWindow(current)}`);
        for (const line of formatDrift(r.value)) io.out(line);
      }
      return r.value.features.some((f) => f.drifted) ? EXIT_USER : EXIT_OK;
    } finally {
      await closeParquetWorkers();
    }
  }

  if (values.threshold !== undefined || values['js-threshold'] !== undefined) throw new UsageError('--threshold/--js-threshold go with --baseline/--current');
  const window: TimeWindow = {
    start: values.start === undefined ? null : parseTimeArg('--start', values.start, now),
    end: values.end === undefined ? null : parseTimeArg('--end', values.end, now),
  };
  if (window.start !== null && window.end !== null && window.start > window.end) throw new UsageError('--start is after --end');
  const view = await loadView(io, dir, viewName);
  if (!('view' in view)) return view.code;
  try {
    const r = await validateView({ dir, registry: view.registry, view: view.view, window, ...(values.file !== undefined && { file: values.file }) });
    if (!r.ok) return printError(io, r.error);
    const { report, what, files } = r.value;
    if (values.json) {
      io.out(JSON.stringify({ ...report, source: what, files }, null, 2));
      return report.violations.length > 0 ? EXIT_USER : EXIT_OK;
    }
    io.out(`Validating feature view ${viewName} over ${what} (${fmtWindow(window)})`);
    for (const line of formatReport(report)) io.out(line);
    if (report.violations.some((v) => v.examples.length > 0) && files.length > 1)
      io.out(`  (rows are numbered across files: ${files.map((f) => `${f.file} from row ${f.firstRow}`).join(', ')})`);
    return report.violations.length > 0 ? EXIT_USER : EXIT_OK;
  } finally {
    await closeParquetWorkers();
  }
}

async function loadView(io: CliIo, dir: string, name: string): Promise<{ view: FeatureView; registry: RegistryIndex } | { code: number }> {
  const reg = await repoRegistry(dir);
  if (!reg.ok) return { code: printError(io, reg.error) };
  const view = reg.value.featureViews.get(name);
  if (view === undefined) {
    const e: FsError = { code: 'unknown_feature_view', message: `feature view "${name}" is not defined in ${dir} (views: ${[...reg.value.featureViews.keys()].join(', ') || 'none'})` };
    return { code: printError(io, e) };
  }
  return { view, registry: reg.value };
}
