import { resolve } from 'node:path';
import type { HistoricalProgress } from '../historical/get-historical-features.ts';
import { writeHistoricalFeatures } from '../historical/write-historical.ts';
import { outputFormatOf } from '../historical/write-output.ts';
import { closeParquetWorkers } from '../parquet/index.ts';
import { trainingSetReport } from '../validate/validate-table.ts';
import { type CliIo, EXIT_OK, parseCommandArgs, printError, resolveRepo, UsageError } from './cli-io.ts';

export const HISTORICAL_HELP = `larder historical --entities FILE (--features view:feat,... | --service NAME) --out FILE
                  [--full-feature-names] [--filter-by-created-timestamp] [--validate] [--repo DIR]
  Point-in-time-correct training data: every entity row (FILE: .parquet, .csv or .arrow, with an
  event_timestamp column or one timestamp column) with each feature's latest value at or before
  the row's time (within the view's ttl), one output row per input row, in order. --out is
  .parquet, .csv or .arrow, streamed in chunks of 1 Mi rows (features spill to a temp directory
  beside it when the output is large) to a temporary file renamed into place. --validate checks
  the output against the views' expectations first: on failure it prints the report, writes
  nothing and exits 1.`;

/** A progress line on a terminal (stderr), at most 10 redraws a second; silent otherwise. */
function progressLine(): { update(p: HistoricalProgress): void; clear(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      if (!tty) return;
      const t = performance.now();
      if (t - last < 100) return;
      last = t;
      const what = p.phase === 'write' ? 'writing' : `${p.view}: ${p.phase === 'read' ? 'reading' : 'joining'}`;
      process.stderr.write(`\r\x1b[K${what} ${p.rows.toLocaleString('en-US')} rows`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

export async function historicalCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      repo: { type: 'string' },
      entities: { type: 'string' },
      features: { type: 'string' },
      service: { type: 'string' },
      out: { type: 'string' },
      'full-feature-names': { type: 'boolean' },
      'filter-by-created-timestamp': { type: 'boolean' },
      validate: { type: 'boolean' },
    },
    false,
  );
  if (values.help) {
    io.out(HISTORICAL_HELP);
    return EXIT_OK;
  }
  if (values.entities === undefined) throw new UsageError('--entities FILE is required');
  if (values.out === undefined) throw new UsageError('--out FILE is required');
  if ((values.features === undefined) === (values.service === undefined)) throw new UsageError('give exactly one of --features view:feature,... and --service NAME');
  if (outputFormatOf(values.out) === null) throw new UsageError(`--out ${values.out}: use a .parquet, .csv or .arrow file`);
  const features = values.features?.split(',').map((s) => s.trim()).filter(Boolean);
  if (features !== undefined && features.length === 0) throw new UsageError('--features takes view:feature references separated by commas');
  const progress = progressLine();
  const started = performance.now();
  try {
    const out = resolve(io.cwd, values.out);
    const r = await writeHistoricalFeatures({
      repo: resolveRepo(io, values.repo),
      entities: resolve(io.cwd, values.entities),
      ...(features ? { features } : { featureService: values.service! }),
      fullFeatureNames: values['full-feature-names'] ?? false,
      filterByCreatedTimestamp: values['filter-by-created-timestamp'] ?? false,
      onProgress: (p) => progress.update(p),
      validate: values.validate ?? false,
      out,
    });
    progress.clear();
    if (!r.ok) {
      for (const line of trainingSetReport(r.error)) io.out(line);
      return printError(io, r.error);
    }
    const secs = ((performance.now() - started) / 1000).toFixed(2);
    io.out(`Wrote ${r.value.rows.toLocaleString('en-US')} rows x ${r.value.columns} columns to ${values.out} in ${secs} s.`);
    return EXIT_OK;
  } finally {
    progress.clear();
    await closeParquetWorkers();
  }
}
