import { indexRegistry } from '../../src/core/registry/registry-index.ts';
import { parseTtl } from '../../src/core/schema/ttl.ts';
import { microsToRfc3339, nowMicros, parseTimestamp } from '../../src/core/time.ts';
import type { ServingContext } from '../../src/serving/context.ts';
import { materialize, UNBOUNDED_START, type MaterializeMode, type ViewOutcome } from '../materialize/materialize.ts';
import type { ViewProgress } from '../materialize/materialize-view.ts';
import { remoteSink, type RemoteTarget } from '../materialize/remote-sink.ts';
import { metadataWatermarks, watermarkPath } from '../materialize/watermarks.ts';
import { closeParquetWorkers } from '../parquet/index.ts';
import { nodeKernel } from '../parquet/kernel.ts';
import { loadConfig } from '../repo/load-config.ts';
import { openRepoStores } from '../stores/open-online-store.ts';
import { type CliIo, EXIT_OK, EXIT_USER, parseCommandArgs, printError, printIssues, resolveRepo, UsageError } from './cli-io.ts';
import { syncPushedFromR2 } from '../ingest/local-r2.ts';
import { remoteOption } from './remote-target.ts';

export const MATERIALIZE_HELP = `larder materialize START END [--views a,b] [--remote URL [--token T]] [--repo DIR]
  Load the latest row per entity key with START <= event time <= END (ISO 8601, naive = UTC,
  or "now") of each online feature view into the online store larder.yaml names. Reads
  sources batch by batch in bounded memory; a stored value is never replaced by an older one.
  --remote URL writes into a deployed larder Worker (or larder serve) instead, through its
  POST /write-to-online-store in chunks of at most 400 rows and 1 MiB; --token T (or the
  LARDER_TOKEN environment variable) is sent as "Authorization: Bearer T".`;

export const MATERIALIZE_INCREMENTAL_HELP = `larder materialize-incremental END [--views a,b] [--lookback DUR] [--remote URL [--token T]] [--repo DIR]
  The same from each view's watermark (kept beside the registry) to END; a view's first run
  starts at END - ttl (ttl 0: from the beginning). --lookback (e.g. 2h) re-reads that much
  before the watermark for late-arriving rows. Watermarks move only after the rows are written,
  and are kept per target store (a --remote URL is a store of its own).`;

/** START / END: ISO 8601 or `now`, as epoch µs. */
export function parseTimeArg(name: string, text: string, now: number): bigint {
  if (text.trim().toLowerCase() === 'now') return BigInt(now);
  const us = parseTimestamp(text);
  if (us === null) throw new UsageError(`${name} ${JSON.stringify(text)} is not an ISO 8601 time or "now" (e.g. 2025-01-31T00:00:00Z)`);
  return BigInt(us);
}

function parseViews(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--views takes a comma-separated list of feature view names');
  return names;
}

const fmtTime = (us: bigint) => (us <= UNBOUNDED_START ? 'the beginning' : microsToRfc3339(Number(us)));
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The one-line summary of a view. */
export function formatOutcome(o: ViewOutcome): string {
  if (o.status === 'up_to_date') return `${o.view}: up to date (watermark ${o.watermark})`;
  const extra = [o.skipped > 0 ? `${plural(o.skipped, 'row')} kept newer stored values` : '', o.nullKeyRows > 0 ? `${plural(o.nullKeyRows, 'row')} with a null join key left out` : '']
    .filter(Boolean)
    .join('; ');
  return (
    `${o.view}: ${plural(o.rowsRead, 'row')} read from ${plural(o.files, 'file')}, ` +
    (o.flushes > 1 ? `${plural(o.written, 'row')} written in ${o.flushes} flushes` : `${plural(o.written, 'key')} written`) +
    ` (${fmtTime(o.window.start)} .. ${fmtTime(o.window.end)}) in ${(o.ms / 1000).toFixed(2)} s${extra ? `; ${extra}` : ''}`
  );
}

/** A progress bar on a terminal (stderr), redrawn at most 10 times a second; nothing when stderr is not a TTY. */
function progressBar(): { update(p: ViewProgress): void; clear(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  let view = '';
  let t0 = 0;
  return {
    update(p) {
      if (!tty) return;
      const t = performance.now();
      if (p.view !== view) {
        view = p.view;
        t0 = t;
      }
      if (t - last < 100) return;
      last = t;
      const { origin } = p;
      // Files count equally; inside a file, row groups (Parquet) or nothing known (Arrow, CSV: the file's start).
      const inFile = origin.parts === null ? 0 : (origin.part + 1) / Math.max(1, origin.parts);
      const done = Math.min(1, (origin.fileIndex + inFile) / Math.max(1, origin.files));
      const width = 24;
      const filled = Math.round(done * width);
      const rate = t > t0 ? Math.round(p.rowsRead / ((t - t0) / 1000)) : 0;
      const where = origin.parts === null ? `file ${origin.fileIndex + 1}/${origin.files}` : `file ${origin.fileIndex + 1}/${origin.files}, row group ${origin.part + 1}/${origin.parts}`;
      const cols = process.stderr.columns || 100;
      const line = `${p.view} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)}% ${p.rowsRead.toLocaleString('en-US')} rows, ${rate.toLocaleString('en-US')} rows/s (${where})`;
      process.stderr.write(`\r\x1b[K${line.slice(0, Math.max(20, cols - 1))}`);
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

async function run(io: CliIo, repo: string | undefined, mode: MaterializeMode, views: string[] | undefined, remote: RemoteTarget | null): Promise<number> {
  const dir = resolveRepo(io, repo);
  const loaded = await loadConfig(dir);
  if ('issues' in loaded) {
    printIssues(io, loaded.issues);
    return EXIT_USER;
  }
  const { config } = loaded;
  const pulled = await syncPushedFromR2(dir, config);
  if (!pulled.ok) return printError(io, pulled.error);
  // With --remote only the registry is opened locally (the Worker writes its own store).
  const stores = await openRepoStores(dir, config, { online: remote === null });
  if (!stores.ok) return printError(io, stores.error);
  const target = remote === null ? stores.value.onlineWhere : `remote ${remote.url}`;
  const progress = progressBar();
  try {
    const reg = await stores.value.registry.read(config.project);
    if (!reg.ok) return printError(io, reg.error);
    if (reg.value === null) return printError(io, { code: 'not_found', message: `nothing applied yet for ${config.project} (${stores.value.registryWhere}): run larder apply` });
    const ctx: ServingContext = {
      project: config.project,
      kernel: await nodeKernel(),
      registry: indexRegistry(reg.value),
      online: stores.value.online,
      transforms: new Map(),
      now: nowMicros,
    };
    let count = 0;
    const r = await materialize({
      ctx,
      repoDir: dir,
      mode,
      ...(views && { views }),
      ...(remote && { write: remoteSink(ctx.kernel, ctx.registry, remote) }),
      watermarks: { marks: metadataWatermarks(stores.value.metadata, config.project, watermarkPath(dir, config)), store: target },
      onProgress: (p) => progress.update(p),
      onView: (o) => {
        progress.clear();
        io.out(formatOutcome(o));
        count++;
      },
    });
    progress.clear();
    if (!r.ok) return printError(io, r.error);
    io.out(count === 0 ? `No online feature views in ${config.project}.` : `Materialized ${plural(count, 'view')} into ${target}.`);
    return EXIT_OK;
  } finally {
    progress.clear();
    await stores.value.close();
    await closeParquetWorkers();
  }
}

export async function materializeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { repo: { type: 'string' }, views: { type: 'string' }, remote: { type: 'string' }, token: { type: 'string' } }, true);
  if (values.help) {
    io.out(MATERIALIZE_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 2) throw new UsageError('materialize takes START and END (ISO 8601 or "now")');
  const now = nowMicros();
  const start = parseTimeArg('START', positionals[0], now);
  const end = parseTimeArg('END', positionals[1], now);
  if (start > end) throw new UsageError(`START ${positionals[0]} is after END ${positionals[1]}`);
  return run(io, values.repo, { kind: 'range', start, end }, parseViews(values.views), remoteOption(values));
}

export async function materializeIncrementalCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { repo: { type: 'string' }, views: { type: 'string' }, lookback: { type: 'string' }, remote: { type: 'string' }, token: { type: 'string' } },
    true,
  );
  if (values.help) {
    io.out(MATERIALIZE_INCREMENTAL_HELP);
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError('materialize-incremental takes END (ISO 8601 or "now")');
  const end = parseTimeArg('END', positionals[0], nowMicros());
  let lookback = 0n;
  if (values.lookback !== undefined) {
    const s = parseTtl(values.lookback);
    if (s === null) throw new UsageError(`--lookback ${JSON.stringify(values.lookback)} is not a duration (e.g. 30m, 2h, 1d, or seconds)`);
    lookback = BigInt(s) * 1_000_000n;
  }
  return run(io, values.repo, { kind: 'incremental', end, lookback }, parseViews(values.views), remoteOption(values));
}
