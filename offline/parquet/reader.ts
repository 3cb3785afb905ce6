// Reading row groups: one batch per row group, in file order, decoded on
// worker threads a few row groups ahead of the consumer (bounded memory:
// `prefetch` decoded row groups plus the one being consumed).
import { availableParallelism } from 'node:os';
import { BufferPool } from './buffer-pool.ts';
import { columnBuffers } from './columns.ts';
import { FileCache, freshBuffer, runDecodeTask, type ColumnTask, type DecodedColumn, type DecodeTask } from './decode-task.ts';
import { pqErr, pqOk, ParquetReadError, type ParquetResult } from './errors.ts';
import { fileInternals, openParquet, type ParquetFile } from './footer.ts';
import { nodeKernel } from './kernel.ts';
import type { ColumnPlan } from './schema-map.ts';
import type { Batch, Column, TimeUnit } from './types.ts';
import { decodePool } from './worker-pool.ts';

export interface ReadOptions {
  /** Top-level column names, in the order wanted (default: every column). */
  readonly columns?: readonly string[];
  /** Row group indexes to read, in the order wanted (default: all). */
  readonly rowGroups?: readonly number[];
  /** 'us' converts every timestamp column to epoch microseconds (floor); 'native' keeps the file's unit. */
  readonly timestamps?: 'native' | 'us';
  /**
   * Decode threads: 0 decodes on the calling thread; 'auto' (default) uses
   * one worker per core, or none for small reads (< 8 MB of column chunks).
   */
  readonly workers?: number | 'auto';
  /** Row groups in flight ahead of the consumer (default: one per worker, at least 2). More costs memory and, on hosts where fresh memory is slow, time. */
  readonly prefetch?: number;
  /**
   * Recycle each batch's buffers once the consumer is done with it (after
   * onBatch resolves, or when the iterator is advanced). Much faster for
   * streaming; the consumer must copy anything it keeps.
   */
  readonly reuseBuffers?: boolean;
  /** false forces the fallback reader (hyparquet) for every column: for tests and as an escape hatch. */
  readonly fastPath?: boolean;
  /**
   * Decode these 8-byte columns (int64, timestamp, double) straight into shared memory: row r of
   * the file lands at element firstRow + r of `buffer`, so a consumer building one column over
   * the whole read gets it without copying, and the first touch of its memory happens on the
   * decode threads. Best effort (other types and the fallback reader decode as usual): compare
   * a batch column's buffer and offset with the slot before trusting it. Such buffers are never
   * recycled.
   */
  readonly into?: Readonly<Record<string, { readonly buffer: SharedArrayBuffer; readonly firstRow: number }>>;
}

export interface ReadSummary {
  readonly rows: number;
  readonly rowGroups: number;
  /** Column chunks decoded by the kernel vs the fallback reader. */
  readonly kernelChunks: number;
  readonly fallbackChunks: number;
  /** Distinct fallback reasons seen (e.g. 'encoding 5'). */
  readonly fallbackReasons: readonly string[];
}

const SMALL_READ = 8 << 20;

interface Plan {
  file: ParquetFile;
  groups: number[];
  columns: ColumnPlan[];
  workers: number;
  prefetch: number;
  unit: TimeUnit | undefined;
  fastPath: boolean;
  into: ReadOptions['into'];
}

function plan(file: ParquetFile, opts: ReadOptions): ParquetResult<Plan> {
  const { plans, chunks } = fileInternals(file);
  const byName = new Map(plans.map((p) => [p.schema.name, p]));
  const names = opts.columns ?? plans.map((p) => p.schema.name);
  const columns: ColumnPlan[] = [];
  for (const name of names) {
    const p = byName.get(name);
    if (!p) return pqErr('invalid_argument', `${file.path}: no column named ${JSON.stringify(name)}`, { file: file.path, column: name });
    if (p.schema.type === 'unsupported') {
      return pqErr('unsupported_parquet', `${file.path}: column ${name}: ${p.schema.reason}`, { file: file.path, column: name });
    }
    columns.push(p);
  }
  const groups = opts.rowGroups ? [...opts.rowGroups] : file.rowGroups.map((g) => g.index);
  for (const g of groups) {
    if (!Number.isInteger(g) || g < 0 || g >= file.rowGroups.length) {
      return pqErr('invalid_argument', `${file.path}: no row group ${g} (the file has ${file.rowGroups.length})`, { file: file.path });
    }
  }
  let bytes = 0;
  for (const g of groups) for (const c of columns) bytes += chunks[g][c.leaf].length;
  const cores = Math.max(1, availableParallelism());
  const workers = opts.workers === undefined || opts.workers === 'auto' ? (bytes < SMALL_READ ? 0 : cores) : Math.max(0, Math.floor(opts.workers));
  const prefetch = Math.max(1, Math.floor(opts.prefetch ?? Math.max(2, workers)));
  return pqOk({ file, groups, columns, workers, prefetch, unit: opts.timestamps === 'us' ? 'us' : undefined, fastPath: opts.fastPath !== false, into: opts.into });
}

/** Tasks of one row group: all its columns at once, or one task per column when there are few row groups to spread. */
function tasksFor(p: Plan, g: number, split: boolean): DecodeTask[] {
  const { chunks } = fileInternals(p.file);
  const info = p.file.rowGroups[g];
  const cols: ColumnTask[] = p.columns.map((c) => ({
    schema: p.fastPath ? c.schema : { ...c.schema, fastPath: false },
    physical: c.physical,
    typeLength: c.typeLength,
    maxDef: c.maxDef,
    maxRep: c.maxRep,
    widenUint32: c.widenUint32,
    chunk: chunks[g][c.leaf],
    ...(p.into?.[c.schema.name] && { into: { buffer: p.into[c.schema.name].buffer, byteOffset: 8 * (p.into[c.schema.name].firstRow + info.rowStart) } }),
  }));
  const base = {
    path: p.file.path,
    byteLength: p.file.byteLength,
    mtimeMs: p.file.mtimeMs,
    rowGroup: g,
    rowStart: info.rowStart,
    numRows: info.numRows,
    ...(p.unit ? { timestampUnit: p.unit } : {}),
  };
  if (!split || cols.length <= 1) return [{ ...base, columns: cols }];
  return cols.map((c) => ({ ...base, columns: [c] }));
}

interface Stats {
  kernel: number;
  fallback: number;
  reasons: Set<string>;
}

/**
 * A placed column with its values viewed through the caller's own SharedArrayBuffer object:
 * a worker's answer carries a clone of it (same memory, another object), and callers find
 * their values in place by comparing buffers.
 */
function placedView(p: Plan, g: number, name: string, c: Column): Column {
  const into = p.into?.[name];
  if (!into || !('values' in c)) return c;
  const at = 8 * (into.firstRow + p.file.rowGroups[g].rowStart);
  const n = c.values.length;
  switch (c.type) {
    case 'int64':
    case 'timestamp':
      return { ...c, values: new BigInt64Array(into.buffer, at, n) };
    case 'uint64':
      return { ...c, values: new BigUint64Array(into.buffer, at, n) };
    case 'double':
      return { ...c, values: new Float64Array(into.buffer, at, n) };
    default:
      return c;
  }
}

function assemble(p: Plan, g: number, parts: DecodedColumn[][], stats: Stats): Batch {
  const byName = new Map<string, Column>();
  for (const part of parts) {
    for (const d of part) {
      byName.set(d.name, d.placed ? placedView(p, g, d.name, d.column) : d.column);
      if (d.path === 'kernel') stats.kernel++;
      else {
        stats.fallback++;
        stats.reasons.add(d.path.replace(/^fallback: /, ''));
      }
    }
  }
  const columns: Record<string, Column> = {};
  for (const c of p.columns) columns[c.schema.name] = byName.get(c.schema.name)!;
  const info = p.file.rowGroups[g];
  return { numRows: info.numRows, rowGroup: g, rowStart: info.rowStart, columns };
}

/** A batch's own buffers, to recycle (placed columns live in the consumer's shared memory: never recycled). */
function batchBuffers(b: Batch): ArrayBuffer[] {
  const s = new Set<ArrayBuffer>();
  for (const c of Object.values(b.columns)) columnBuffers(c, s);
  return [...s].filter((x) => x instanceof ArrayBuffer);
}

/** The scan: batches in order, each a Result; stops after the first error. */
async function* scan(source: string | ParquetFile, opts: ReadOptions, stats: Stats): AsyncGenerator<ParquetResult<Batch>> {
  let file: ParquetFile;
  if (typeof source === 'string') {
    const opened = await openParquet(source);
    if (!opened.ok) {
      yield opened;
      return;
    }
    file = opened.value;
  } else file = source;
  const planned = plan(file, opts);
  if (!planned.ok) {
    yield planned;
    return;
  }
  const p = planned.value;
  const reuse = opts.reuseBuffers === true;

  if (p.workers === 0) {
    const k = await nodeKernel();
    const files = new FileCache();
    const pool = new BufferPool();
    try {
      for (const g of p.groups) {
        const parts: DecodedColumn[][] = [];
        for (const t of tasksFor(p, g, false)) {
          const r = await runDecodeTask(k, files, t, reuse ? pool.take : freshBuffer);
          if (!r.ok) {
            yield r;
            return;
          }
          parts.push(r.value);
        }
        const batch = assemble(p, g, parts, stats);
        yield pqOk(batch);
        if (reuse) for (const b of batchBuffers(batch)) pool.put(b);
      }
    } finally {
      files.closeAll();
    }
    return;
  }

  const pool = decodePool(p.workers);
  const split = p.groups.length < 2 * p.workers;
  let recycle: ArrayBuffer[] = [];
  const inflight: Promise<ParquetResult<DecodedColumn[]>[]>[] = [];
  let next = 0;
  const submit = () => {
    while (inflight.length < p.prefetch && next < p.groups.length) {
      const g = p.groups[next++];
      const tasks = tasksFor(p, g, split);
      inflight.push(Promise.all(tasks.map((t, i) => pool.run(t, reuse, i === 0 ? recycle.splice(0) : []))));
    }
  };
  submit();
  for (let i = 0; i < p.groups.length; i++) {
    const results = await inflight.shift()!;
    const failed = results.find((r) => !r.ok);
    if (failed) {
      // Let the tasks already sent finish before returning (their buffers are dropped).
      await Promise.allSettled(inflight);
      yield failed as ParquetResult<never>;
      return;
    }
    const batch = assemble(p, p.groups[i], results.map((r) => (r as { value: DecodedColumn[] }).value), stats);
    submit();
    yield pqOk(batch);
    if (reuse) {
      recycle.push(...batchBuffers(batch));
      if (next >= p.groups.length) {
        pool.recycle(recycle);
        recycle = [];
      }
    }
  }
}

/**
 * Read row groups in order, calling onBatch (awaited) once per row group.
 * Errors come back as values: corrupt_file (with the file name), io_error,
 * unsupported_parquet, invalid_argument.
 */
export async function readRowGroups(
  source: string | ParquetFile,
  opts: ReadOptions & { onBatch: (batch: Batch) => void | Promise<void> },
): Promise<ParquetResult<ReadSummary>> {
  const stats: Stats = { kernel: 0, fallback: 0, reasons: new Set() };
  let rows = 0;
  let groups = 0;
  for await (const r of scan(source, opts, stats)) {
    if (!r.ok) return r;
    await opts.onBatch(r.value);
    rows += r.value.numRows;
    groups++;
  }
  return pqOk({ rows, rowGroups: groups, kernelChunks: stats.kernel, fallbackChunks: stats.fallback, fallbackReasons: [...stats.reasons] });
}

/**
 * The same as an async iterator: one batch per row group, in order. Throws a
 * ParquetReadError (with `code`) on failure. With reuseBuffers, a batch is
 * valid until the next iteration step.
 */
export async function* iterateRowGroups(source: string | ParquetFile, opts: ReadOptions = {}): AsyncGenerator<Batch, void, undefined> {
  const stats: Stats = { kernel: 0, fallback: 0, reasons: new Set() };
  for await (const r of scan(source, opts, stats)) {
    if (!r.ok) throw new ParquetReadError(r.error);
    yield r.value;
  }
}
