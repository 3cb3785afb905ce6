import { err, ok, type Result } from '../core/errors.ts';
import { checkRowExpectations } from '../core/validation/check-rows.ts';
import { hasExpectations, violationPolicy } from '../core/validation/expectation-checker.ts';
import { expectationError } from '../core/validation/expectation-violation.ts';
import { keyId, readTables, writeTables, type EncodedRow, type EntityKeyRef, type StoredValue, type TableWrite, type WriteSummary } from '../core/online-store.ts';
import type { FeatureView } from '../core/schema/feature-view.ts';
import { encodeValueRows, type FeatureValue, type RowValues } from '../kernel/codec.ts';
import { NULL_TS } from '../kernel/pit-join.ts';
import type { ServingContext } from './context.ts';
import { viewEntityKeys, type EntityColumns } from './entity-keys.ts';
import { toFeatureValue, toMicros } from './feature-values.ts';
import { decodeSections, encodeSections, type Section } from './precomputed.ts';
import { viewTimestampColumns } from './view-columns.ts';
import { serviceTable, viewFieldTypes, viewTable } from './view-table.ts';

export interface RowIssue {
  readonly row: number;
  readonly column: string;
  readonly message: string;
}

const MAX_ISSUES = 20;

/** Rows for one view, parsed and checked, ready to encode. */
export interface ParsedRows {
  readonly view: FeatureView;
  readonly rows: number;
  readonly keys: EntityKeyRef[];
  readonly values: RowValues[];
  /** Rows that break an expectation, kept because the view says `on_violation: accept` (else 0). */
  readonly violations: number;
}

/** Number of rows of a columnar frame; an error when columns differ in length. */
export function frameRows(df: EntityColumns): Result<number> {
  const cols = Object.entries(df);
  if (cols.length === 0) return err('invalid_request', 'no columns given');
  const n = cols[0][1].length;
  for (const [name, col] of cols)
    if (!Array.isArray(col) || col.length !== n)
      return err('invalid_request', `column "${name}" has ${Array.isArray(col) ? col.length : 'no'} values, expected ${n}`, { column: name });
  return ok(n);
}

/**
 * Validate a columnar frame against a view: join keys, the event (and
 * optional created) timestamp column, and every feature with its dtype. An
 * invalid frame is refused whole, naming the offending rows and columns.
 */
export function parseViewRows(ctx: ServingContext, view: FeatureView, df: EntityColumns): Result<ParsedRows> {
  const n = frameRows(df);
  if (!n.ok) return n;
  const rows = n.value;
  const ts = viewTimestampColumns(ctx.registry, view);
  const issues: RowIssue[] = [];
  const need = (column: string) => {
    if (df[column] === undefined) issues.push({ row: -1, column, message: 'column is missing' });
    return df[column];
  };
  const eventCol = df[ts.event] !== undefined ? ts.event : df.event_timestamp !== undefined ? 'event_timestamp' : ts.event;
  const events = need(eventCol);
  const created = ts.created !== null ? df[ts.created] : undefined;
  const features = view.features.map((f) => need(f.name));
  for (const jk of view.entityColumns) need(jk.name);
  if (issues.length > 0) return err('invalid_rows', describe(view, issues), { featureView: view.name, issues });

  const values: RowValues[] = new Array(rows);
  for (let r = 0; r < rows && issues.length < MAX_ISSUES; r++) {
    const eventTs = toMicros(events![r]);
    if (eventTs === null) issues.push({ row: r, column: eventCol, message: 'event timestamp missing or not a timestamp' });
    const c = created?.[r];
    const createdTs = c === null || c === undefined ? null : toMicros(c);
    if (c !== null && c !== undefined && createdTs === null)
      issues.push({ row: r, column: ts.created!, message: 'created timestamp is not a timestamp' });
    const vals: FeatureValue[] = new Array(view.features.length);
    for (let f = 0; f < view.features.length; f++) {
      const field = view.features[f];
      const v = toFeatureValue(field.dtype, features[f]![r]);
      if (v === undefined) {
        issues.push({ row: r, column: field.name, message: `${JSON.stringify(features[f]![r]) ?? String(features[f]![r])} is not a valid ${field.dtype}` });
        vals[f] = null;
      } else vals[f] = v;
    }
    values[r] = { eventTs: BigInt(eventTs ?? 0), createdTs: createdTs === null ? null : BigInt(createdTs), values: vals };
  }
  if (issues.length > 0) return err('invalid_rows', describe(view, issues), { featureView: view.name, issues });
  const keys = viewEntityKeys(ctx.kernel, view, df, rows);
  if (!keys.ok) return err('invalid_rows', keys.error.message, { featureView: view.name, issues: [keys.error.details] });
  // Expectations (range, allowed values, required): the batch is refused whole, or kept and counted.
  let violations = 0;
  if (hasExpectations(view, { datasetLevel: false })) {
    const report = checkRowExpectations(view, { rows, values });
    if (report.violations.length > 0) {
      if (violationPolicy(view) === 'reject') return { ok: false, error: expectationError(report) };
      violations = report.offendingRows;
    }
  }
  return ok({ view, rows, keys: keys.value, values, violations });
}

function describe(view: FeatureView, issues: readonly RowIssue[]): string {
  const first = issues[0];
  const where = first.row < 0 ? `column "${first.column}"` : `row ${first.row}, column "${first.column}"`;
  return `rows for feature view "${view.name}" are invalid: ${where}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`;
}

/** Encode parsed rows with the kernel codec into store rows. */
export function encodeParsedRows(ctx: ServingContext, parsed: ParsedRows): Result<EncodedRow[]> {
  const enc = encodeValueRows(ctx.kernel, viewFieldTypes(parsed.view), parsed.values);
  if (!enc.ok) return enc;
  const { data, offsets } = enc.value;
  const out: EncodedRow[] = new Array(parsed.rows);
  for (let r = 0; r < parsed.rows; r++) {
    const v = parsed.values[r];
    out[r] = {
      ...parsed.keys[r],
      eventTs: Number(v.eventTs),
      createdTs: v.createdTs === null || v.createdTs === undefined ? Number(NULL_TS) : Number(v.createdTs),
      value: data.slice(offsets[r], offsets[r + 1]),
    };
  }
  return ok(out);
}

/** One view's encoded rows, part of a write. */
export interface ViewRows {
  readonly view: FeatureView;
  readonly rows: readonly EncodedRow[];
}

/**
 * Write encoded rows of a view to the online store (newer wins), together
 * with every precomputed feature service that projects the view, for the
 * entities the write touched: one `writeTables` unit (see writeViewsRows).
 */
export async function writeEncodedRows(ctx: ServingContext, view: FeatureView, rows: readonly EncodedRow[]): Promise<Result<WriteSummary>> {
  const w = await writeViewsRows(ctx, [{ view, rows }]);
  return w.ok ? ok(w.value[0]) : w;
}

/**
 * Write several views' rows and the precomputed services projecting them as
 * ONE `writeTables` call: every table's rows are computed first (the current
 * service vectors are read, then updated in memory), and only then is
 * anything written. On a transactional store (D1, SQLite, memory) a failure
 * leaves nothing half-written; on KV a retry repairs it. Returns one summary
 * per view, in order.
 */
export async function writeViewsRows(ctx: ServingContext, views: readonly ViewRows[]): Promise<Result<WriteSummary[]>> {
  const services = await planServiceWrites(ctx, views);
  if (!services.ok) return services;
  const writes: TableWrite[] = [...views.map((v) => ({ table: viewTable(v.view), rows: v.rows })), ...services.value];
  const w = await writeTables(ctx.online, ctx.project, writes);
  return w.ok ? ok(w.value.slice(0, views.length)) : w;
}

/** A service vector being rebuilt: its sections, and what the store held. */
interface Vector {
  readonly entity: EntityKeyRef;
  readonly stored: StoredValue | null;
  readonly sections: Section[];
  changed: boolean;
}

/**
 * The new vectors of every precomputed service projecting one of `views`,
 * for the entities their rows touch. Reads the stored vectors (one
 * readTables call); writes nothing. Each view row replaces its section
 * unless the section holds a newer row (event ts, then created ts; equal
 * replaces), applied in order, so newer-wins holds per section. Services
 * with no changed vector are left out.
 */
export async function planServiceWrites(ctx: ServingContext, views: readonly ViewRows[]): Promise<Result<TableWrite[]>> {
  const plans: { service: string; count: number; parts: { idx: number; rows: readonly EncodedRow[] }[] }[] = [];
  for (const svc of ctx.registry.featureServices.values()) {
    if (!svc.precompute) continue;
    const parts: { idx: number; rows: readonly EncodedRow[] }[] = [];
    for (const v of views) {
      const idx = svc.projections.findIndex((p) => p.view === v.view.name);
      if (idx >= 0 && v.rows.length > 0) parts.push({ idx, rows: v.rows });
    }
    if (parts.length > 0) plans.push({ service: svc.name, count: svc.projections.length, parts });
  }
  if (plans.length === 0) return ok([]);
  const keys = plans.map((p) => {
    const unique = new Map<string, EntityKeyRef>();
    for (const part of p.parts) for (const r of part.rows) if (!unique.has(keyId(r.entityKey))) unique.set(keyId(r.entityKey), { entityKey: r.entityKey, keyHash: r.keyHash });
    return unique;
  });
  const current = await readTables(ctx.online, ctx.project, plans.map((p, i) => ({ table: serviceTable(p.service), keys: [...keys[i].values()] })));
  if (!current.ok) return current;
  const now = ctx.now();
  return ok(
    plans.map((p, i) => {
      const vectors = new Map<string, Vector>();
      [...keys[i].entries()].forEach(([id, entity], k) => {
        const stored = current.value[i][k];
        const sections = (stored && decodeSections(stored.value, p.count)) || Array.from({ length: p.count }, () => ({ eventTs: 0, createdTs: 0, row: null }));
        vectors.set(id, { entity, stored, sections, changed: false });
      });
      for (const { idx, rows } of p.parts)
        for (const row of rows) {
          const vec = vectors.get(keyId(row.entityKey))!;
          const prev = vec.sections[idx];
          if (prev.row && (prev.eventTs > row.eventTs || (prev.eventTs === row.eventTs && prev.createdTs > row.createdTs))) continue;
          vec.sections[idx] = { eventTs: row.eventTs, createdTs: row.createdTs, row: row.value };
          vec.changed = true;
        }
      const out: EncodedRow[] = [];
      for (const vec of vectors.values()) {
        if (!vec.changed) continue;
        const eventTs = Math.max(...vec.sections.map((s) => (s.row ? s.eventTs : -Infinity)));
        const createdTs = Math.max(now, (vec.stored?.createdTs ?? 0) + 1);
        out.push({ ...vec.entity, eventTs, createdTs, value: encodeSections(vec.sections) });
      }
      return { table: serviceTable(p.service), rows: out };
    }).filter((w) => w.rows.length > 0),
  );
}

/** Parse, encode and write a columnar frame for one view (`/write-to-online-store`, push). */
export async function writeViewFrame(
  ctx: ServingContext,
  viewName: string,
  df: EntityColumns,
): Promise<Result<WriteSummary & { rows: number; violations?: number }>> {
  const view = ctx.registry.featureViews.get(viewName);
  if (!view) return err('unknown_feature_view', `unknown feature view "${viewName}"`, { featureView: viewName });
  const parsed = parseViewRows(ctx, view, df);
  if (!parsed.ok) return parsed;
  const enc = encodeParsedRows(ctx, parsed.value);
  if (!enc.ok) return enc;
  const w = await writeEncodedRows(ctx, view, enc.value);
  if (!w.ok) return w;
  const violations = parsed.value.violations;
  return ok({ ...w.value, rows: parsed.value.rows, ...(violations > 0 ? { violations } : {}) });
}
