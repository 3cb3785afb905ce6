// Historical retrieval: point-in-time-correct training data. For every entity
// row and every requested view, the view's source row with the same join keys
// and the greatest event time <= the row's time (>= time - ttl when ttl > 0;
// created <= time with filterByCreatedTimestamp), ties broken by the greatest
// created time, then the later row in source order. The join is the WASM
// kernel's partitioned pitJoin, the same kernel the Worker runs.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Table, type Vector } from 'apache-arrow';
import { err, ok, type Result } from '../../src/core/errors.ts';
import { nextRegistry } from '../../src/core/registry/plan.ts';
import { indexRegistry, type RegistryIndex } from '../../src/core/registry/registry-index.ts';
import type { RegistryDocument } from '../../src/core/schema/registry-document.ts';
import { resolveFeatures, type ResolvedOnDemandView, type ResolvedView } from '../../src/core/serving/feature-refs.ts';
import type { FeatureValue, FieldType } from '../../src/kernel/codec.ts';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { hashEntityKeys, type KeyColumn, type KeyType } from '../../src/kernel/keys.ts';
import { orderByFeatureRow, pitJoin } from '../../src/kernel/pit-join.ts';
import type { OnDemandFn } from '../../src/serving/context.ts';
import { runOnDemand } from '../../src/serving/on-demand.ts';
import { startParquetWorkers } from '../parquet/index.ts';
import { nodeKernel } from '../parquet/kernel.ts';
import { parallelPitJoin } from './parallel-join.ts';
import { resolveSourceFiles } from '../materialize/read-source.ts';
import { loadRepo } from '../repo/load-repo.ts';
import { RepoTransforms } from '../serve/repo-transforms.ts';
import { coerceValue, featureValueAt, type FeatureColumn } from '../sources/feature-column.ts';
import { gatherViewFeatures, type GatherTarget } from '../sources/gather-features.ts';
import { rawKeyWords, readViewRows, usesRawKeys, type ViewRows } from '../sources/view-rows.ts';
import { planView, type ViewPlan } from '../materialize/view-plan.ts';
import { trainingSetError, validateTable } from '../validate/validate-table.ts';
import { featureVector } from './arrow-output.ts';
import { spillable, spillViewFeatures, type Spill } from './spill-gather.ts';
import { entityKeyColumn, entityTimestamps, loadEntities, timestampColumnName, type EntityInput, type EntityTable } from './entity-table.ts';
import { syncPushedFromR2 } from '../ingest/local-r2.ts';

/**
 * Feature rows the kernel clusters per round (32 bytes each: 8 MiB of scratch
 * instead of the kernel's default 512 MiB; fresh memory is slow to touch, and
 * on the 1M x 10M bench 256 Ki rows joined faster than 4 Mi). Also the feature
 * rows copied into the kernel per call (24 bytes each: 6 MiB instead of the
 * default 24 MiB; the round's scratch holds at least one chunk, so a 1 Mi
 * chunk made it 32 MiB): ~42 MiB less kernel memory to touch, ~0.1-0.4 s
 * faster and ~50 MB less peak RSS on the 1M x 10M bench.
 */
const ROUND_ROWS = 1 << 18;

export interface HistoricalProgress {
  readonly view: string;
  readonly phase: 'read' | 'join' | 'write';
  /** Source rows read so far (phase read), output rows written (phase write). */
  readonly rows: number;
}

export interface HistoricalRequest {
  /** An Arrow Table, row objects, or a .parquet / .csv / .arrow file. */
  readonly entities: EntityInput;
  /** `view:feature` references (or give featureService). */
  readonly features?: readonly string[];
  readonly featureService?: string;
  /** Name features `view__feature` (alias for projections); default false. */
  readonly fullFeatureNames?: boolean;
  /** Only rows created at or before the entity time are candidates; default false. */
  readonly filterByCreatedTimestamp?: boolean;
  /** A feature repo directory: definitions are loaded from it (sources and transforms are relative to it). */
  readonly repo?: string;
  /** Or an already-built registry; `repoDir` is then where source paths and transform modules are resolved. */
  readonly registry?: RegistryIndex | RegistryDocument;
  readonly repoDir?: string;
  /** On-demand transformations keyed `${module}#${function}` (default: imported from the repo). */
  readonly transforms?: ReadonlyMap<string, OnDemandFn>;
  readonly kernel?: KernelInstance;
  readonly onProgress?: (p: HistoricalProgress) => void;
  /** Tuning and tests: kernel join partitions (default: chosen from the sizes). */
  readonly partitions?: number;
  /**
   * Check the output against the expectations of the requested features' views (range, allowed
   * values, required, max null rate, min rows); a failure is an `expectation_failed` error
   * (reports in details) instead of a table. Default false.
   */
  readonly validate?: boolean;
}

async function registryOf(req: HistoricalRequest): Promise<Result<{ registry: RegistryIndex; dir: string }>> {
  if (req.registry) {
    const registry = 'featureViews' in req.registry && req.registry.featureViews instanceof Map ? (req.registry as RegistryIndex) : indexRegistry(req.registry as RegistryDocument);
    return ok({ registry, dir: resolve(req.repoDir ?? req.repo ?? '.') });
  }
  const dir = resolve(req.repo ?? '.');
  const loaded = await loadRepo(dir, { checkSources: false });
  if (!loaded.ok) {
    const first = loaded.issues.find((i) => i.severity === 'error') ?? loaded.issues[0];
    return err('invalid_request', `cannot load the feature repo ${dir}: ${first?.message ?? 'invalid definitions'}`, { issues: loaded.issues });
  }
  const pulled = await syncPushedFromR2(dir, loaded.config);
  if (!pulled.ok) return pulled;
  const now = new Date().toISOString();
  const { next } = nextRegistry(null, loaded.config.project, loaded.build.objects, now);
  if (next === null) return err('invalid_request', `the feature repo ${dir} defines nothing`);
  return ok({ registry: indexRegistry(next), dir });
}

/** The views to read: requested ones plus hidden reads of the features on-demand views need. */
function readsFor(registry: RegistryIndex, views: readonly ResolvedView[], odfvInputs: readonly { name: string; features: readonly string[] }[]): Result<Map<string, { view: ResolvedView['view']; features: Set<string>; as: ResolvedView[] }>> {
  const reads = new Map<string, { view: ResolvedView['view']; features: Set<string>; as: ResolvedView[] }>();
  for (const rv of views) {
    const r = reads.get(rv.view.name) ?? { view: rv.view, features: new Set<string>(), as: [] };
    rv.features.forEach((f) => r.features.add(f.name));
    r.as.push(rv);
    reads.set(rv.view.name, r);
  }
  for (const src of odfvInputs) {
    const fv = registry.featureViews.get(src.name);
    if (!fv) return err('unknown_feature_view', `on-demand view input "${src.name}" is not a feature view`, { featureView: src.name });
    const r = reads.get(fv.name) ?? { view: fv, features: new Set<string>(), as: [] };
    src.features.forEach((f) => r.features.add(f));
    reads.set(fv.name, r);
  }
  return ok(reads);
}

/** Entity key words for a view under a join-key map (raw int64 for single integer keys, else hashes). */
function entityKeys(k: KernelInstance, e: EntityTable, view: ResolvedView['view'], joinKeyMap: Readonly<Record<string, string>>): Result<BigUint64Array> {
  const cols: KeyColumn[] = [];
  for (const c of view.entityColumns) {
    const kc = entityKeyColumn(e, c.name, c.dtype as KeyType, joinKeyMap[c.name] ?? c.name);
    if (!kc.ok) return kc;
    cols.push(kc.value);
  }
  if (usesRawKeys(view)) return ok(rawKeyWords(cols[0]));
  return hashEntityKeys(k, cols);
}

function requestValue(dtype: FieldType, v: unknown): FeatureValue {
  if (v instanceof Date) return coerceValue(dtype, v) ?? null;
  return coerceValue(dtype, typeof v === 'number' && dtype === 'unix_timestamp' ? v / 1000 : v) ?? null;
}

/** Where an output feature's values are: a whole column in memory, or spilled per output chunk. */
export type ColumnSource = { readonly kind: 'full'; readonly col: FeatureColumn } | { readonly kind: 'spill'; readonly spill: Spill; readonly name: string };

/** How pass 2 keeps the chosen rows' features: whole columns, or spilled by output chunk. */
export interface GatherMode {
  readonly spill: {
    readonly dir: string;
    readonly chunkRows: number;
    /** Whether to spill, given the entity rows and the dtypes of every output feature. */
    readonly when: (rows: number, dtypes: readonly FieldType[]) => boolean;
  } | null;
}

/** Everything joined, before on-demand features and the output are assembled. */
export interface Joined {
  readonly registry: RegistryIndex;
  readonly dir: string;
  readonly e: EntityTable;
  readonly n: number;
  readonly entityNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly views: readonly ResolvedView[];
  readonly onDemandViews: readonly ResolvedOnDemandView[];
  readonly out: Map<string, ColumnSource>;
  /** Joined feature columns by `view:feature` for on-demand inputs (identity join-key map). */
  readonly joined: Map<string, ColumnSource>;
  readonly spilled: boolean;
}

/** Resolve, load the entities, join every view and gather (or spill) the chosen rows' features. */
export async function joinAll(req: HistoricalRequest, mode: GatherMode): Promise<Result<Joined>> {
  const early = new EarlyRead();
  try {
    return await joinAllWith(req, mode, early);
  } finally {
    await early.cancel();
  }
}

/**
 * The first view's source keys and times, read while the entities load: both are Parquet
 * decodes on the worker threads, and the main thread's entity work then overlaps the source
 * read instead of preceding it. Cancelled (at the next batch) when the request fails first.
 */
class EarlyRead {
  #view: string | null = null;
  #rows: Promise<Result<ViewRows>> | null = null;
  readonly #ctl = new AbortController();

  start(view: string, read: (signal: AbortSignal) => Promise<Result<ViewRows>>): void {
    this.#view = view;
    this.#rows = read(this.#ctl.signal);
  }

  /** The early read of `view`, once; null when there is none. */
  take(view: string): Promise<Result<ViewRows>> | null {
    if (this.#view !== view || this.#rows === null) return null;
    const rows = this.#rows;
    this.#rows = null;
    return rows;
  }

  async cancel(): Promise<void> {
    if (this.#rows === null) return;
    this.#ctl.abort();
    await this.#rows.catch(() => undefined);
    this.#rows = null;
  }
}

async function joinAllWith(req: HistoricalRequest, mode: GatherMode, early: EarlyRead): Promise<Result<Joined>> {
  if ((req.features === undefined) === (req.featureService === undefined))
    return err('invalid_request', 'give either features (view:feature references) or featureService');
  const reg = await registryOf(req);
  if (!reg.ok) return reg;
  const { registry, dir } = reg.value;
  const selection = req.featureService !== undefined ? { featureService: req.featureService } : { features: req.features! };
  const resolved = resolveFeatures(registry, selection, req.fullFeatureNames ?? false);
  if (!resolved.ok) return resolved;
  const { views, onDemandViews, outputNames } = resolved.value;
  await startWorkersForLargeSources(registry, dir, views);
  const odfvInputs = onDemandViews.flatMap((o) => o.view.sources.flatMap((s) => (s.type === 'feature_view' ? [{ name: s.name, features: s.features }] : [])));
  const reads = readsFor(registry, views, odfvInputs);
  if (!reads.ok) return reads;
  const k = req.kernel ?? (await nodeKernel());
  const firstRead = reads.value.values().next().value;
  if (firstRead) early.start(firstRead.view.name, (signal) => readRows(k, registry, dir, firstRead.view, req, signal));

  const entities = await loadEntities(req.entities);
  if (!entities.ok) return entities;
  const e = entities.value;
  const n = e.table.numRows;
  const entityNames = e.table.schema.fields.map((f) => f.name);
  for (const name of outputNames)
    if (entityNames.includes(name))
      return err('feature_name_collision', `feature "${name}" has the name of an entity column; use full feature names or rename the column`, { feature: name });
  const tsName = timestampColumnName(e);
  if (!tsName.ok) return tsName;
  const ts = entityTimestamps(e, tsName.value);
  if (!ts.ok) return ts;

  // Key columns are checked for every view before any source is read.
  const keysByRead = new Map<ResolvedView, BigUint64Array>();
  const plainKeys = new Map<string, BigUint64Array>();
  for (const r of reads.value.values()) {
    for (const rv of r.as) {
      const kk = entityKeys(req.kernel ?? (await nodeKernel()), e, rv.view, rv.joinKeyMap);
      if (!kk.ok) return kk;
      keysByRead.set(rv, kk.value);
    }
    if (r.as.length === 0) {
      const kk = entityKeys(req.kernel ?? (await nodeKernel()), e, r.view, {});
      if (!kk.ok) return kk;
      plainKeys.set(r.view.name, kk.value);
    }
  }

  const outDtypes = [...views, ...onDemandViews].flatMap((v) => v.features.map((f) => f.dtype as FieldType));
  const spillTo = mode.spill !== null && mode.spill.when(n, outDtypes) ? mode.spill : null;
  const out = new Map<string, ColumnSource>();
  const joined = new Map<string, ColumnSource>();
  let spilled = false;
  let readIndex = 0;
  for (const r of reads.value.values()) {
    // Pass 1: keys and timestamps of the source, the join in the kernel, and the matches by source row.
    // (In a function, so the source columns are garbage before pass 2 reads features.)
    const targets: { keys: BigUint64Array; rv: ResolvedView | null }[] = r.as.map((rv) => ({ keys: keysByRead.get(rv)!, rv }));
    if (r.as.length === 0) targets.push({ keys: plainKeys.get(r.view.name)!, rv: null });
    const rows = early.take(r.view.name) ?? readRows(k, registry, dir, r.view, req);
    const pass1 = await joinView(k, r.view, await rows, targets.map((t) => t.keys), ts.value, req);
    if (!pass1.ok) return pass1;
    const { plan, orders, scratch } = pass1.value;
    // Pass 2: the chosen rows' features, straight into the output columns (or spilled by output chunk).
    const names = [...r.features];
    const spill = spillTo !== null && spillable(plan.features.filter((f) => r.features.has(f.name)).map((f) => f.dtype as FieldType)) ? spillTo : null;
    let sources: ((name: string) => ColumnSource)[];
    if (spill !== null) {
      const s = await spillViewFeatures(dir, plan, names, orders, spill.chunkRows, spill.dir, `r${readIndex}`);
      if (!s.ok) return s;
      spilled = true;
      sources = s.value.map((sp) => (name: string) => ({ kind: 'spill', spill: sp, name }));
    } else {
      const gathered = await gatherViewFeatures(dir, plan, names, orders, scratch.splice(0));
      if (!gathered.ok) return gathered;
      sources = gathered.value.map((cols) => (name: string) => ({ kind: 'full', col: cols.get(name)! }));
    }
    readIndex++;
    targets.forEach((t, ti) => {
      const identity = t.rv === null || r.view.entityColumns.every((c) => t.rv!.joinKeyMap[c.name] === c.name);
      for (const name of r.features) {
        const src = sources[ti](name);
        const o = t.rv?.features.find((f) => f.name === name);
        if (o) out.set(o.outputName, src);
        if (identity && !joined.has(`${r.view.name}:${name}`) && odfvInputs.some((x) => x.name === r.view.name && x.features.includes(name)))
          joined.set(`${r.view.name}:${name}`, src);
      }
    });
  }
  return ok({ registry, dir, e, n, entityNames, outputNames, views, onDemandViews, out, joined, spilled });
}

/**
 * On-demand features for `len` rows: inputs from the request columns
 * (`entityColumn`) and joined features (`joinedColumn`), computed with the
 * same function the online path runs; output columns by output name.
 */
export async function onDemandInto(
  j: Joined,
  len: number,
  entityColumn: (name: string) => Vector | null,
  joinedColumn: (key: string) => FeatureColumn | undefined,
  transforms: () => Promise<ReadonlyMap<string, OnDemandFn>>,
  into: Map<string, FeatureColumn>,
): Promise<Result<void>> {
  for (const o of j.onDemandViews) {
    const inputs: Record<string, FeatureValue>[] = Array.from({ length: len }, () => ({}));
    for (const src of o.view.sources) {
      if (src.type === 'request_source') {
        const rs = j.registry.sources.get(src.name);
        if (rs?.type !== 'request') continue;
        for (const f of rs.schema) {
          const v = entityColumn(f.name);
          if (!v) return err('missing_entity_column', `on-demand view "${o.view.name}" needs request data "${f.name}" as an entity column`, { column: f.name });
          for (let i = 0; i < len; i++) inputs[i][f.name] = requestValue(f.dtype as FieldType, v.get(i));
        }
        continue;
      }
      for (const f of src.features) {
        const col = joinedColumn(`${src.name}:${f}`);
        if (!col) continue;
        for (let i = 0; i < len; i++) inputs[i][f] = featureValueAt(col, i);
      }
    }
    const computed = runOnDemand(o.view, await transforms(), inputs);
    if (!computed.ok) return computed;
    for (const f of o.features) {
      const i = o.view.features.findIndex((x) => x.name === f.name);
      into.set(f.outputName, { kind: 'js', dtype: f.dtype as FieldType, values: computed.value[i] });
    }
  }
  return ok(undefined);
}

export function transformsOf(req: HistoricalRequest, j: Joined): () => Promise<ReadonlyMap<string, OnDemandFn>> {
  let loaded: Promise<ReadonlyMap<string, OnDemandFn>> | null = null;
  return () => (loaded ??= req.transforms ? Promise.resolve(req.transforms) : loadTransforms(j.dir, j.registry));
}

/**
 * Build a training set: the entity table with every column unchanged, one
 * output row per input row in input order, plus the requested features
 * (`feature`, or `view__feature` with fullFeatureNames), on-demand features
 * computed after the join with the same function the online path runs.
 * The whole output is in memory; writeHistoricalFeatures streams it to a file.
 */
export async function getHistoricalFeatures(req: HistoricalRequest): Promise<Result<Table>> {
  const joinedAll = await joinAll(req, { spill: null });
  if (!joinedAll.ok) return joinedAll;
  const j = joinedAll.value;
  const full = (s: ColumnSource | undefined) => (s?.kind === 'full' ? s.col : undefined);
  const computed = new Map<string, FeatureColumn>();
  const od = await onDemandInto(j, j.n, (name) => j.e.table.getChild(name), (key) => full(j.joined.get(key)), transformsOf(req, j), computed);
  if (!od.ok) return od;
  const columns: Record<string, Vector> = {};
  for (const name of j.entityNames) columns[name] = j.e.table.getChild(name)!;
  for (const name of j.outputNames) columns[name] = featureVector(computed.get(name) ?? full(j.out.get(name))!);
  const table = new Table(columns);
  if (req.validate === true) {
    const failed = trainingSetError(validateTable(table, j.views));
    if (failed !== null) return { ok: false, error: failed };
  }
  return ok(table);
}

/** A view's source keys and times (pass 1's read), with progress. */
function readRows(k: KernelInstance, registry: RegistryIndex, dir: string, view: ResolvedView['view'], req: HistoricalRequest, signal?: AbortSignal): Promise<Result<ViewRows>> {
  let total = 0;
  return readViewRows(k, registry, dir, view, {
    onBatch: req.onProgress && ((m: number) => req.onProgress!({ view: view.name, phase: 'read', rows: (total += m) })),
    ...(signal && { signal }),
  });
}

/** Join every target's entity keys against a view's read keys and times, and order the matches by source row. */
async function joinView(
  k: KernelInstance,
  view: ResolvedView['view'],
  rows: Result<ViewRows>,
  targetKeys: readonly BigUint64Array[],
  ts: BigInt64Array,
  req: HistoricalRequest,
): Promise<Result<{ plan: ViewPlan; orders: GatherTarget[]; scratch: ArrayBufferLike[] }>> {
  if (!rows.ok) return rows;
  const src = rows.value;
  const filter = (req.filterByCreatedTimestamp ?? false) && src.plan.createdColumn !== null;
  const orders: GatherTarget[] = [];
  for (const keys of targetKeys) {
    req.onProgress?.({ view: view.name, phase: 'join', rows: src.rows });
    const entities = { keys, ts };
    const features = { keys: src.keys, eventTs: src.eventTs, createdTs: src.createdTs };
    const options = { ttl: BigInt(view.ttlSeconds) * 1_000_000n, filterByCreated: filter, rawKeys: src.rawKeys, roundRows: ROUND_ROWS, chunkRows: ROUND_ROWS, ...(req.partitions && { partitions: req.partitions }) };
    // On the decode threads when the join is large (parallel-join.ts), else here; same answers.
    // A caller that brings its own kernel keeps the join on it.
    const pick = (req.kernel === undefined ? await parallelPitJoin(entities, features, options) : null) ?? pitJoin(k, entities, features, options);
    if (!pick.ok) return pick;
    const order = orderByFeatureRow(k, pick.value);
    if (!order.ok) return order;
    orders.push({ order: order.value, rows: ts.length });
  }
  // The source's key and time columns are dead now: their (touched) memory can hold pass 2's output.
  const scratch = [...new Set([src.keys.buffer, src.eventTs.buffer, src.createdTs.buffer])].filter((b) => b instanceof ArrayBuffer || b instanceof SharedArrayBuffer);
  return ok({ plan: src.plan, orders, scratch });
}

/** Bytes of Parquet source at which decode workers are started before the entities are read. */
const EARLY_WORKERS_BYTES = 64 << 20;

/**
 * Start the Parquet decode workers now when a requested view reads a large
 * Parquet source: their start-up (a few hundred ms each) then overlaps with
 * loading the entities instead of delaying the first source read.
 */
async function startWorkersForLargeSources(registry: RegistryIndex, dir: string, views: readonly ResolvedView[]): Promise<void> {
  let bytes = 0;
  for (const rv of views) {
    const plan = planView(registry, rv.view);
    if (!plan.ok || plan.value.source.format !== 'parquet') continue;
    const src = plan.value.source;
    for (const f of await resolveSourceFiles(dir, src.path, src.format)) bytes += await stat(f).then((s) => s.size, () => 0);
  }
  if (bytes >= EARLY_WORKERS_BYTES) startParquetWorkers();
}

async function loadTransforms(dir: string, registry: RegistryIndex): Promise<ReadonlyMap<string, OnDemandFn>> {
  const t = new RepoTransforms(dir);
  await t.load(registry);
  return t.map;
}
