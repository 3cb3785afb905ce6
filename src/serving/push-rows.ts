// Push: the one core behind `POST /push` (JSON and Arrow bodies), the queue
// consumer and the Node SDK. Every view fed by the push source validates the
// frame (parseViewRows, the single row-validation function) before anything
// is written; then the batch is appended to the historical store (one
// Parquet or Arrow IPC object per batch, in the batch source's format, under a
// deterministic key) and written online.
import { err, ok, type Result } from '../core/errors.ts';
import type { FileSource } from '../core/schema/data-source.ts';
import { fromJsonKey } from '../core/wire/json-values.ts';
import type { OfflineWriter } from '../stores/offline/offline-writer.ts';
import { pushedObjectKey } from '../stores/offline/pushed-location.ts';
import { encodePushedArrow } from '../stores/offline/pushed-arrow.ts';
import { encodePushedParquet, type PushedColumn } from '../stores/offline/pushed-parquet.ts';
import type { ServingContext } from './context.ts';
import type { EntityColumns } from './entity-keys.ts';
import { encodeParsedRows, parseViewRows, writeViewsRows, type ParsedRows, type ViewRows } from './write-rows.ts';

export const PUSH_TARGETS = ['online', 'offline', 'online_and_offline'] as const;
export type PushTarget = (typeof PUSH_TARGETS)[number];

export interface PushOptions {
  readonly to: PushTarget;
  /** The historical store; required when `to` includes offline. */
  readonly offline?: OfflineWriter;
  /**
   * Names the offline object (a queue message id, say). Default: a digest of
   * the batch's Parquet bytes, so pushing the same rows again overwrites the
   * same object instead of adding a copy.
   */
  readonly batchId?: string;
}

export interface PushSummary {
  readonly rows: number;
  /** Online rows stored (all views) and rows skipped because a newer value was stored. */
  readonly written: number;
  readonly skipped: number;
  /** Online views updated. */
  readonly views: string[];
  /** The offline object written, or null when the push was online only. */
  readonly offlineKey: string | null;
  /** Rows kept although they break an expectation (views with `on_violation: accept`), summed over views. */
  readonly violations?: number;
}

/** A validated push batch: per fed view, the parsed rows. */
interface ValidatedPush {
  readonly batchSource: FileSource;
  readonly parsed: readonly ParsedRows[];
  readonly rows: number;
}

/** Validate a frame against every view the push source feeds; nothing is written. */
export function validatePush(ctx: ServingContext, pushSource: string, df: EntityColumns): Result<ValidatedPush> {
  const src = ctx.registry.sources.get(pushSource);
  if (!src || src.type !== 'push') return err('not_found', `unknown push source "${pushSource}"`, { pushSource });
  const batchSource = ctx.registry.sources.get(src.batchSource);
  if (batchSource?.type !== 'file')
    return err('invalid_argument', `push source "${pushSource}" has no file batch source`, { pushSource });
  const views = [...ctx.registry.featureViews.values()].filter((v) => v.source === pushSource);
  if (views.length === 0) return err('invalid_argument', `push source "${pushSource}" feeds no feature view`, { pushSource });
  const parsed: ParsedRows[] = [];
  for (const view of views) {
    const p = parseViewRows(ctx, view, df);
    if (!p.ok) return p;
    parsed.push(p.value);
  }
  return ok({ batchSource, parsed, rows: parsed[0].rows });
}

/**
 * The batch as batch-source columns: event (and created) time, every join
 * key and every feature of the fed views, named as in the source
 * (field_mapping reversed), typed by the views' dtypes.
 */
export function pushedColumns(v: ValidatedPush, df: EntityColumns): PushedColumn[] {
  const src = v.batchSource;
  const inverse = new Map(Object.entries(src.fieldMapping).map(([from, to]) => [to, from]));
  const columnOf = (name: string) => inverse.get(name) ?? name;
  const first = v.parsed[0];
  const cols: PushedColumn[] = [{ name: src.timestampField, dtype: 'unix_timestamp', values: first.values.map((r) => r.eventTs) }];
  if (src.createdTimestampColumn !== null)
    cols.push({ name: src.createdTimestampColumn, dtype: 'unix_timestamp', values: first.values.map((r) => r.createdTs ?? null) });
  const seen = new Set(cols.map((c) => c.name));
  const add = (c: PushedColumn) => {
    if (seen.has(c.name)) return;
    seen.add(c.name);
    cols.push(c);
  };
  for (const p of v.parsed) {
    for (const jk of p.view.entityColumns) {
      const raw = df[jk.name];
      add({
        name: columnOf(jk.name),
        dtype: jk.dtype,
        values: raw.map((x) => {
          const k = fromJsonKey(jk.dtype, x);
          // unix_timestamp keys are epoch seconds on the wire; the file holds µs.
          return jk.dtype === 'unix_timestamp' && typeof k === 'bigint' ? k * 1_000_000n : (k ?? null);
        }),
      });
    }
    p.view.features.forEach((f, i) => add({ name: columnOf(f.name), dtype: f.dtype, values: p.values.map((r) => r.values[i]) }));
  }
  return cols;
}

async function digestHex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Append a validated batch to the historical store; returns the object key. */
async function writeOffline(v: ValidatedPush, df: EntityColumns, offline: OfflineWriter, batchId: string | undefined): Promise<Result<string>> {
  const table = { rows: v.rows, columns: pushedColumns(v, df) };
  // In the batch source's own format, so its readers read pushed files too (CSV sources: pushedObjectKey refuses).
  const bytes = v.batchSource.format === 'arrow' ? encodePushedArrow(table) : encodePushedParquet(table);
  if (!bytes.ok) return bytes;
  let earliest = Number.POSITIVE_INFINITY;
  for (const r of v.parsed[0].values) earliest = Math.min(earliest, Number(r.eventTs));
  const id = batchId ?? `b-${await digestHex(bytes.value)}`;
  const key = pushedObjectKey(v.batchSource.path, v.batchSource.format, earliest, id);
  if (!key.ok) return key;
  const w = await offline.put(key.value, bytes.value);
  return w.ok ? ok(key.value) : w;
}

/**
 * Push a frame to every view fed by `pushSource`. Validation covers every fed
 * view first, so an invalid batch writes nothing anywhere. With
 * `online_and_offline` the offline object is written first: when the online
 * write then fails, retrying overwrites the same object (same key) rather
 * than appending a duplicate. The online write is one unit (writeViewsRows):
 * every fed view and every precomputed service projecting one, computed
 * first and written with one `writeTables` call, so on D1 or SQLite a failed
 * push leaves no online table half-written (KV: best effort, a retry repairs).
 */
export async function pushFrame(ctx: ServingContext, pushSource: string, df: EntityColumns, options: PushOptions): Promise<Result<PushSummary>> {
  const toOffline = options.to !== 'online';
  const toOnline = options.to !== 'offline';
  if (toOffline && options.offline === undefined)
    return err('unsupported', `push to "${options.to}" needs an offline store, and none is configured here`, { to: options.to });
  const v = validatePush(ctx, pushSource, df);
  if (!v.ok) return v;
  if (v.value.rows === 0) return ok({ rows: 0, written: 0, skipped: 0, views: [], offlineKey: null });

  // Encode every fed view first; the online write below is one unit for all of them.
  const online: ViewRows[] = [];
  if (toOnline) {
    for (const p of v.value.parsed) {
      if (!p.view.online) continue;
      const enc = encodeParsedRows(ctx, p);
      if (!enc.ok) return enc;
      online.push({ view: p.view, rows: enc.value });
    }
  }

  let offlineKey: string | null = null;
  if (toOffline) {
    const k = await writeOffline(v.value, df, options.offline!, options.batchId);
    if (!k.ok) return k;
    offlineKey = k.value;
  }

  let written = 0;
  let skipped = 0;
  if (online.length > 0) {
    // Every fed view and every precomputed service projecting one: one writeTables call.
    const w = await writeViewsRows(ctx, online);
    if (!w.ok) return w;
    for (const s of w.value) {
      written += s.written;
      skipped += s.skipped;
    }
  }
  const violations = v.value.parsed.reduce((a, p) => a + p.violations, 0);
  return ok({ rows: v.value.rows, written, skipped, views: online.map((o) => o.view.name), offlineKey, ...(violations > 0 ? { violations } : {}) });
}
