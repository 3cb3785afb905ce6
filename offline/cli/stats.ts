import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { indexRegistry } from '../../src/core/registry/registry-index.ts';
import type { ViewStatistics } from '../../src/core/schema/statistics.ts';
import { toTfdvStatistics } from '../../src/core/statistics/tfdv.ts';
import { nowMicros } from '../../src/core/time.ts';
import { closeParquetWorkers } from '../parquet/index.ts';
import { nodeKernel } from '../parquet/kernel.ts';
import { fileStatistics } from '../stats/file-statistics.ts';
import { formatStatistics } from '../stats/format-statistics.ts';
import { viewStatistics } from '../stats/view-statistics.ts';
import { type CliIo, EXIT_OK, parseCommandArgs, printError, UsageError } from './cli-io.ts';
import { withRepoStores } from './repo-context.ts';
import { parseTimeArg } from './materialize.ts';
import { syncPushedFromR2 } from '../ingest/local-r2.ts';

export const STATS_HELP = `larder stats VIEW [--start T] [--end T] [--format json|tfdv] [--out FILE] [--repo DIR]
larder stats --file FILE [--format json|tfdv] [--out FILE]
  Per-feature statistics of a feature view's source (rows with START <= event time <= END when
  given) or of every column of a Parquet / CSV / Arrow file (or a glob of them): count, nulls,
  min, max, mean, std dev, quantiles p1..p99 (within 1%), a histogram, distinct count (HyperLogLog)
  and top values of strings, row group by row group in bounded memory. Prints a table, or JSON
  with --format json, or TFDV's DatasetFeatureStatisticsList JSON with --format tfdv; --out FILE
  writes that format (default json) to FILE instead. A view's statistics are also stored beside
  its registry, where larder describe, the catalog and GET /registry/feature-views/VIEW/statistics
  find them.`;

const FORMATS = ['json', 'tfdv'] as const;
type Format = (typeof FORMATS)[number];

function render(record: ViewStatistics, format: Format): string {
  return JSON.stringify(format === 'tfdv' ? toTfdvStatistics(record) : record, null, 2);
}

/** Write to a temporary file and rename it, so a failed run leaves nothing half written. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, `${text}\n`);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** A path relative to the working directory when it is inside it, else absolute. */
function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** A progress line on a terminal (stderr), at most 10 redraws a second; silent otherwise. */
function progressLine(label: string): { update(rows: number): void; clear(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(rows) {
      const t = performance.now();
      if (!tty || t - last < 100) return;
      last = t;
      process.stderr.write(`\r\x1b[K${label}: ${rows.toLocaleString('en-US')} rows read`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

export async function statsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    {
      repo: { type: 'string' },
      file: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
    },
    true,
  );
  if (values.help) {
    io.out(STATS_HELP);
    return EXIT_OK;
  }
  if (values.format !== undefined && !(FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format must be json or tfdv, got ${JSON.stringify(values.format)}`);
  }
  const format = values.format as Format | undefined;
  if (values.file !== undefined) {
    if (positionals.length > 0) throw new UsageError('stats takes either a VIEW or --file FILE, not both');
    if (values.start !== undefined || values.end !== undefined) throw new UsageError('--start and --end need a VIEW (a file has no event timestamp column declared)');
  } else if (positionals.length !== 1) throw new UsageError('stats takes one feature view name, or --file FILE');
  const now = nowMicros();
  const start = values.start === undefined ? null : Number(parseTimeArg('--start', values.start, now));
  const end = values.end === undefined ? null : Number(parseTimeArg('--end', values.end, now));
  if (start !== null && end !== null && start > end) throw new UsageError(`--start ${values.start} is after --end ${values.end}`);

  const progress = progressLine(values.file ?? positionals[0]);
  const onBatch = (rows: number) => progress.update(rows);
  try {
    const k = await nodeKernel();
    let record!: ViewStatistics;
    let stored: string | null = null;
    if (values.file !== undefined) {
      const r = await fileStatistics(k, io.cwd, values.file, { onBatch });
      if (!r.ok) return printError(io, r.error);
      record = r.value.record;
      for (const s of r.value.skipped) io.err(`note: column ${s.name} left out: ${s.reason}`);
    } else {
      const name = positionals[0];
      const code = await withRepoStores(io, values.repo, { online: false }, async ({ dir, config, stores }) => {
        const reg = await stores.registry.read(config.project);
        if (!reg.ok) return printError(io, reg.error);
        if (reg.value === null) return printError(io, { code: 'not_found', message: `nothing applied yet for ${config.project} (${stores.registryWhere}): run larder apply` });
        const pulled = await syncPushedFromR2(dir, config);
        if (!pulled.ok) return printError(io, pulled.error);
        const r = await viewStatistics(k, dir, indexRegistry(reg.value), name, { start, end, onBatch });
        if (!r.ok) return printError(io, r.error);
        record = r.value.record;
        const put = await stores.metadata.put(config.project, 'statistics', name, record);
        if (!put.ok) return printError(io, put.error);
        stored = `Stored the statistics of ${name} (${stores.registryWhere === '' ? 'metadata store' : `beside ${stores.registryWhere}`}).`;
        return EXIT_OK;
      });
      if (code !== EXIT_OK) return code;
    }
    progress.clear();
    if (values.out !== undefined) {
      const path = resolve(io.cwd, values.out);
      try {
        await writeAtomically(path, render(record, format ?? 'json'));
      } catch (e) {
        return printError(io, { code: 'io_error', message: `cannot write ${values.out}: ${(e as Error).message}` });
      }
      io.out(`${record.view}: ${record.rowCount.toLocaleString('en-US')} rows, ${record.features.length} features -> ${shownPath(io.cwd, path)} (${format ?? 'json'})`);
      if (stored) io.out(stored);
    } else if (format !== undefined) {
      io.out(render(record, format));
      if (stored) io.err(stored);
    } else {
      for (const line of formatStatistics(record)) io.out(line);
      if (stored) io.out(stored);
    }
    return EXIT_OK;
  } finally {
    progress.clear();
    await closeParquetWorkers();
  }
}
