// `--remote URL`: materialized rows go to a deployed larder Worker (or
// `larder serve`) through its `POST /write-to-online-store`, in chunks within
// its request limits. The Worker validates, encodes and writes them with the
// same newer-wins rule and refreshes precomputed services, so a chunk sent
// twice (a retry, a rerun) changes nothing.
import { bytesToBase64 } from '../../src/core/base64.ts';
import { err, ok, type FsErrorCode, type Result } from '../../src/core/errors.ts';
import type { EncodedRow, WriteSummary } from '../../src/core/online-store.ts';
import type { RegistryIndex } from '../../src/core/registry/registry-index.ts';
import type { FeatureView } from '../../src/core/schema/feature-view.ts';
import { microsToRfc3339 } from '../../src/core/time.ts';
import { decodeRow, type FeatureValue, type FieldType } from '../../src/kernel/codec.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import type { KeyValue } from '../../src/kernel/keys.ts';
import { NULL_TS } from '../../src/kernel/pit-join.ts';
import { viewTimestampColumns } from '../../src/serving/view-columns.ts';
import { viewFieldTypes } from '../../src/serving/view-table.ts';
import { DEFAULT_LIMITS } from '../../src/worker/limits.ts';
import { entityKeyValues } from './entity-key-values.ts';
import type { RowSink } from './materialize-view.ts';

export interface RemoteTarget {
  /** The Worker's base URL, e.g. https://features.example.workers.dev */
  readonly url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Rows per request (default and cap: the Worker's 400-row limit). */
  readonly maxRows?: number;
  /** Bytes per request body (default: just under the Worker's 1 MiB limit). */
  readonly maxBodyBytes?: number;
  /** Attempts per request on network errors, 429 and 5xx (default 4). */
  readonly attempts?: number;
  readonly fetch?: typeof fetch;
}

/** A decoded feature value as JSON the write endpoint parses back to the same value. */
function jsonValue(dtype: FieldType, v: FeatureValue): unknown {
  if (v === null) return null;
  if (dtype.startsWith('list<')) {
    const inner = dtype.slice(5, -1) as FieldType;
    return (v as FeatureValue[]).map((x) => jsonValue(inner, x));
  }
  switch (dtype) {
    case 'int64':
      return String(v); // exact past 2^53
    case 'unix_timestamp':
      return microsToRfc3339(Number(v)); // µs exact (epoch seconds would lose them)
    case 'bytes':
      return bytesToBase64(v as Uint8Array);
    case 'float32':
    case 'float64':
      return Number.isFinite(v as number) ? v : null; // JSON has no NaN / Infinity
    default:
      return v;
  }
}

function jsonKey(v: KeyValue): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (v instanceof Uint8Array) return bytesToBase64(v);
  return v;
}

/** The `df` of one chunk: join keys, the event and created timestamp columns, and every feature. */
export function rowsToFrame(k: KernelInstance, registry: RegistryIndex, view: FeatureView, rows: readonly EncodedRow[]): Result<Record<string, unknown[]>> {
  const ts = viewTimestampColumns(registry, view);
  const types = viewFieldTypes(view);
  const df: Record<string, unknown[]> = {};
  for (const jk of view.entityColumns) df[jk.name] = [];
  df[ts.event] = [];
  if (ts.created !== null) df[ts.created] = [];
  for (const f of view.features) df[f.name] = [];
  for (const r of rows) {
    const keys = entityKeyValues(r.entityKey);
    if (!keys.ok) return keys;
    for (const jk of view.entityColumns) {
      const v = keys.value.get(jk.name);
      if (v === undefined) return err('corrupt_data', `entity key of view "${view.name}" has no "${jk.name}"`);
      df[jk.name].push(jsonKey(v));
    }
    const d = decodeRow(k, types, r.value);
    if (!d.ok) return d;
    df[ts.event].push(microsToRfc3339(r.eventTs));
    if (ts.created !== null) df[ts.created].push(r.createdTs === Number(NULL_TS) ? null : microsToRfc3339(r.createdTs));
    view.features.forEach((f, i) => df[f.name].push(jsonValue(types[i], d.value.values[i])));
  }
  return ok(df);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A row sink that POSTs chunks to `<url>/write-to-online-store`, splitting any that would pass the body limit. */
export function remoteSink(k: KernelInstance, registry: RegistryIndex, target: RemoteTarget): RowSink {
  const maxRows = Math.max(1, Math.min(target.maxRows ?? DEFAULT_LIMITS.maxWriteRows, DEFAULT_LIMITS.maxWriteRows));
  const maxBody = target.maxBodyBytes ?? DEFAULT_LIMITS.maxBodyBytes - 4096;
  const attempts = target.attempts ?? 4;
  const doFetch = target.fetch ?? fetch;
  const endpoint = `${target.url.replace(/\/+$/, '')}/write-to-online-store`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;

  async function post(body: string): Promise<Result<WriteSummary>> {
    let last: { code: FsErrorCode; message: string } = { code: 'store_unavailable', message: '' };
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) await sleep(200 * 2 ** attempt);
      let res: Response;
      try {
        res = await doFetch(endpoint, { method: 'POST', headers, body });
      } catch (e) {
        last = { code: 'store_unavailable', message: `${endpoint}: ${(e as Error).message}` };
        continue;
      }
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      if (res.ok) {
        const w = json as { written?: unknown; skipped?: unknown } | null;
        if (typeof w?.written !== 'number' || typeof w.skipped !== 'number') return err('store_unavailable', `${endpoint}: unexpected answer ${text.slice(0, 200)}`);
        return ok({ written: w.written, skipped: w.skipped });
      }
      const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
      last = { code: (e?.code as FsErrorCode) ?? 'store_unavailable', message: `${endpoint} answered ${res.status}: ${e?.message ?? text.slice(0, 200)}` };
      if (res.status !== 429 && res.status < 500) break; // the request itself is wrong: retrying will not help
    }
    return err(last.code, last.message);
  }

  async function send(view: FeatureView, rows: readonly EncodedRow[]): Promise<Result<WriteSummary>> {
    const df = rowsToFrame(k, registry, view, rows);
    if (!df.ok) return df;
    const body = JSON.stringify({ feature_view_name: view.name, df: df.value });
    if (Buffer.byteLength(body) > maxBody && rows.length > 1) {
      const half = rows.length >> 1;
      const a = await send(view, rows.slice(0, half));
      if (!a.ok) return a;
      const b = await send(view, rows.slice(half));
      return b.ok ? ok({ written: a.value.written + b.value.written, skipped: a.value.skipped + b.value.skipped }) : b;
    }
    return post(body);
  }

  return async (view, rows) => {
    let written = 0;
    let skipped = 0;
    for (let i = 0; i < rows.length; i += maxRows) {
      const w = await send(view, rows.slice(i, i + maxRows));
      if (!w.ok) return w;
      written += w.value.written;
      skipped += w.value.skipped;
    }
    return ok({ written, skipped });
  };
}
