import { err, ok, type Result } from '../core/errors.ts';
import { readTables, type EntityKeyRef, type StoredValue, type TableRead } from '../core/online-store.ts';
import type { FeatureView } from '../core/schema/feature-view.ts';
import { resolveFeatures, type FeatureSelection, type ResolvedView } from '../core/serving/feature-refs.ts';
import { MICROS_PER_SECOND, withinTtl } from '../core/time.ts';
import { columnValue, decodeColumns, type FeatureValue, type FieldType } from '../kernel/codec.ts';
import type { ServingContext } from './context.ts';
import { viewEntityKeys, type EntityColumns } from './entity-keys.ts';
import { runOnDemand } from './on-demand.ts';
import { decodeSections } from './precomputed.ts';
import { serviceTable, viewFieldTypes, viewTable } from './view-table.ts';

export type FeatureStatus = 'PRESENT' | 'NULL_VALUE' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE';

export interface OnlineFeaturesRequest {
  readonly selection: FeatureSelection;
  /** Entity (join-key) columns, and request-data columns for on-demand views. */
  readonly entities: EntityColumns;
  /** Extra request-data columns (Feast's request context). */
  readonly requestContext?: EntityColumns;
  readonly fullFeatureNames?: boolean;
  /** Return values older than the view's ttl (status stays OUTSIDE_MAX_AGE). Default false. */
  readonly includeStale?: boolean;
}

export interface ResultColumn {
  readonly name: string;
  readonly dtype: string;
  readonly values: FeatureValue[];
  readonly statuses: FeatureStatus[];
  /** epoch µs; 0 for join keys and NOT_FOUND */
  readonly eventTimestamps: number[];
}

export interface OnlineFeaturesResult {
  /** Join keys first, then features, as in Feast's `metadata.feature_names`. */
  readonly featureNames: string[];
  readonly results: ResultColumn[];
}

/**
 * Online retrieval: resolve the request against the registry, build entity
 * keys with the kernel, read each view (or the precomputed service vector)
 * once for all rows, decode only the requested features with the kernel,
 * enforce ttl, then run on-demand views over the joined row.
 */
export async function getOnlineFeatures(ctx: ServingContext, req: OnlineFeaturesRequest): Promise<Result<OnlineFeaturesResult>> {
  const resolved = resolveFeatures(ctx.registry, req.selection, req.fullFeatureNames ?? false);
  if (!resolved.ok) return resolved;
  const { views, onDemandViews } = resolved.value;

  const rowsCount = countRows(req.entities);
  if (!rowsCount.ok) return rowsCount;
  const n = rowsCount.value;
  const now = ctx.now();

  // Hidden reads: view features that on-demand views need but the caller did not ask for.
  const reads: ResolvedView[] = [...views];
  for (const o of onDemandViews)
    for (const src of o.view.sources) {
      if (src.type !== 'feature_view') continue;
      const fv = ctx.registry.featureViews.get(src.name);
      if (!fv) return err('unknown_feature_view', `on-demand view "${o.view.name}" reads unknown view "${src.name}"`);
      const missing = src.features.filter((f) => !reads.some((r) => r.view.name === fv.name && r.features.some((x) => x.name === f)));
      if (missing.length === 0) continue;
      reads.push({
        kind: 'feature_view',
        view: fv,
        displayName: `\u0000${fv.name}`,
        features: missing.map((f) => ({ name: f, dtype: fv.features.find((x) => x.name === f)!.dtype, outputName: `\u0000${fv.name}:${f}` })),
        joinKeyMap: Object.fromEntries(fv.entityColumns.map((c) => [c.name, c.name])),
      });
    }

  // Entity keys, one serialization per distinct (view keys, join-key map).
  const keyCache = new Map<string, EntityKeyRef[]>();
  const keysFor = (rv: ResolvedView): Result<EntityKeyRef[]> => {
    const sig = rv.view.entityColumns.map((c) => `${c.name}:${c.dtype}=${rv.joinKeyMap[c.name]}`).join(',');
    const hit = keyCache.get(sig);
    if (hit) return ok(hit);
    const k = viewEntityKeys(ctx.kernel, rv.view, req.entities, n, rv.joinKeyMap);
    if (k.ok) keyCache.set(sig, k.value);
    return k;
  };

  // One store read per view, or one per service when it is precomputed.
  const stored = new Map<ResolvedView, (StoredValue | null)[]>();
  const svc = 'featureService' in req.selection ? ctx.registry.featureServices.get(req.selection.featureService) : undefined;
  if (svc?.precompute && onDemandViews.length === 0 && views.length === svc.projections.length) {
    const keys = keysFor(views[0]);
    if (!keys.ok) return keys;
    for (const rv of views.slice(1)) {
      const other = keysFor(rv);
      if (!other.ok) return other;
      if (!sameKeys(other.value, keys.value))
        return err('invalid_request', `precomputed service "${svc.name}" needs every projection keyed by the same entity columns`);
    }
    const r = await ctx.online.read(ctx.project, serviceTable(svc.name), keys.value);
    if (!r.ok) return r;
    views.forEach((rv, i) => {
      stored.set(
        rv,
        r.value.map((v) => {
          const s = v && decodeSections(v.value, views.length)?.[i];
          return s?.row ? { eventTs: s.eventTs, createdTs: s.createdTs, value: s.row } : null;
        }),
      );
    });
  } else {
    // Every view in one multi-table read (D1: one batch; KV: shared bulk gets).
    const tableReads: TableRead[] = [];
    for (const rv of reads) {
      const keys = keysFor(rv);
      if (!keys.ok) return keys;
      tableReads.push({ table: viewTable(rv.view), keys: keys.value });
    }
    const r = await readTables(ctx.online, ctx.project, tableReads);
    if (!r.ok) return r;
    reads.forEach((rv, i) => stored.set(rv, r.value[i]));
  }

  // Join-key columns echoed first, as Feast does.
  const results: ResultColumn[] = [];
  const echoed = new Set<string>();
  for (const rv of reads)
    for (const jk of rv.view.entityColumns) {
      const col = rv.joinKeyMap[jk.name];
      if (echoed.has(col)) continue;
      echoed.add(col);
      results.push({
        name: col,
        dtype: jk.dtype,
        values: req.entities[col].map((v) => v as FeatureValue),
        statuses: new Array(n).fill('PRESENT'),
        eventTimestamps: new Array(n).fill(0),
      });
    }

  const columnsOf = new Map<ResolvedView, ResultColumn[]>();
  for (const rv of reads) {
    const decoded = decodeView(ctx, rv, stored.get(rv)!, n, now, req.includeStale ?? false);
    if (!decoded.ok) return decoded;
    columnsOf.set(rv, decoded.value);
    if (views.includes(rv)) results.push(...decoded.value);
  }

  for (const o of onDemandViews) {
    const inputs: Record<string, FeatureValue>[] = Array.from({ length: n }, () => ({}));
    const inputTs = new Array<number>(n).fill(0);
    for (const src of o.view.sources) {
      if (src.type === 'request_source') {
        const rs = ctx.registry.sources.get(src.name);
        if (rs?.type !== 'request') continue;
        for (const f of rs.schema) {
          const col = req.requestContext?.[f.name] ?? req.entities[f.name];
          if (col === undefined)
            return err('missing_entity_column', `on-demand view "${o.view.name}" needs request data "${f.name}"`, { column: f.name });
          if (col.length !== n) return err('invalid_request', `request data "${f.name}" has ${col.length} values, expected ${n}`);
          for (let r = 0; r < n; r++) inputs[r][f.name] = col[r] as FeatureValue;
        }
        continue;
      }
      for (const [rv, cols] of columnsOf) {
        if (rv.view.name !== src.name) continue;
        rv.features.forEach((f, i) => {
          if (!src.features.includes(f.name)) return;
          for (let r = 0; r < n; r++) {
            inputs[r][f.name] = cols[i].values[r];
            inputTs[r] = Math.max(inputTs[r], cols[i].eventTimestamps[r]);
          }
        });
      }
    }
    const computed = runOnDemand(o.view, ctx.transforms, inputs);
    if (!computed.ok) return computed;
    for (const f of o.features) {
      const i = o.view.features.findIndex((x) => x.name === f.name);
      const values = computed.value[i];
      results.push({
        name: f.outputName,
        dtype: f.dtype,
        values,
        statuses: values.map((v) => (v === null ? 'NULL_VALUE' : 'PRESENT')),
        eventTimestamps: inputTs.slice(),
      });
    }
  }

  // Output order: join keys, then features in the caller's order.
  const order = new Map(resolved.value.outputNames.map((name, i) => [name, i]));
  const keysOut = results.filter((c) => !order.has(c.name));
  const feats = results.filter((c) => order.has(c.name)).sort((a, b) => order.get(a.name)! - order.get(b.name)!);
  const all = [...keysOut, ...feats];
  return ok({ featureNames: all.map((c) => c.name), results: all });
}

function countRows(entities: EntityColumns): Result<number> {
  const cols = Object.entries(entities);
  if (cols.length === 0) return err('invalid_request', 'no entity columns given');
  const n = cols[0][1].length;
  for (const [name, c] of cols)
    if (c.length !== n) return err('invalid_request', `entity column "${name}" has ${c.length} values, expected ${n}`, { column: name });
  return ok(n);
}

function sameKeys(a: readonly EntityKeyRef[], b: readonly EntityKeyRef[]): boolean {
  return a.every((k, i) => k.keyHash === b[i].keyHash);
}

/** Decode the requested features of one view for every row, with statuses and ttl. */
function decodeView(
  ctx: ServingContext,
  rv: ResolvedView,
  stored: readonly (StoredValue | null)[],
  n: number,
  now: number,
  includeStale: boolean,
): Result<ResultColumn[]> {
  const view: FeatureView = rv.view;
  const fieldIdx = rv.features.map((f) => view.features.findIndex((x) => x.name === f.name));
  const present: Uint8Array[] = [];
  const rowOf: number[] = [];
  stored.forEach((s, r) => {
    if (s) {
      present.push(s.value);
      rowOf.push(r);
    }
  });
  const cols: ResultColumn[] = rv.features.map((f) => ({
    name: f.outputName,
    dtype: f.dtype,
    values: new Array(n).fill(null),
    statuses: new Array(n).fill('NOT_FOUND'),
    eventTimestamps: new Array(n).fill(0),
  }));
  if (present.length === 0) return ok(cols);
  const dec = decodeColumns(ctx.kernel, viewFieldTypes(view) as FieldType[], present, fieldIdx);
  if (!dec.ok) return dec;
  const ttl = view.ttlSeconds * MICROS_PER_SECOND;
  const m = rowOf.length;
  const fresh = new Uint8Array(m);
  for (let j = 0; j < m; j++) fresh[j] = withinTtl(Number(dec.value.eventTs[j]), now, ttl) ? 1 : 0;
  for (let i = 0; i < cols.length; i++) {
    const dc = dec.value.columns[i];
    const { values, statuses, eventTimestamps } = cols[i];
    // Scalars read straight from the typed column; bool and lists through columnValue.
    const direct = dc.type !== 'bool' && !dc.type.startsWith('list<') ? (dc.values as ArrayLike<FeatureValue>) : null;
    for (let j = 0; j < m; j++) {
      const r = rowOf[j];
      eventTimestamps[r] = Number(dec.value.eventTs[j]);
      if (dc.valid[j] === 0) {
        statuses[r] = fresh[j] ? 'NULL_VALUE' : 'OUTSIDE_MAX_AGE';
        continue;
      }
      if (!fresh[j]) {
        statuses[r] = 'OUTSIDE_MAX_AGE';
        if (!includeStale) continue;
      } else statuses[r] = 'PRESENT';
      values[r] = direct ? direct[j] : columnValue(dc, j);
    }
  }
  return ok(cols);
}
